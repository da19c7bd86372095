"""Boards, hierarchy and seats; seats carry access through the board's guardian group."""
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group

from governance import permissions, services
from governance.roles import BoardPerm, board_group_name
from portal.errors import ApplicationError
from tests.factories.agencies import AgencyFactory, UserFactory
from tests.factories.governance import board, seat

pytestmark = pytest.mark.django_db


def test_board_create_makes_its_group_with_the_members_permissions(area, council):
    b = board(area, name="Health and Wellbeing Board", scope=[council],
              delegated_limit="10000000")
    group = Group.objects.get(name=board_group_name(b.pk))
    perms = set(group.boardgroupobjectpermission_set.values_list("permission__codename",
                                                                 flat=True))
    assert perms == {BoardPerm.VIEW, BoardPerm.VIEW_REPORTS}
    assert b.delegated_limit == Decimal("10000000.00")
    assert list(b.scope_agencies.all()) == [council]
    assert b.history.count() >= 1


def test_hierarchy_refuses_loops_and_other_areas(area, other_area):
    top = board(area, name="Health and Wellbeing Board")
    middle = board(area, name="Children's Partnership", reports_to=top)
    bottom = board(area, name="SEND Commissioning Hub", reports_to=middle)
    with pytest.raises(ApplicationError) as exc:
        services.board_update(actor=None, board=top, reports_to=[bottom])
    assert exc.value.errors["reports_to"][0] == (
        "Health and Wellbeing Board cannot report to SEND Commissioning Hub: that would make "
        "a loop (Health and Wellbeing Board reports to SEND Commissioning Hub reports to "
        "Children's Partnership reports to Health and Wellbeing Board). A board cannot report "
        "to itself or to a board below it.")
    with pytest.raises(ApplicationError) as exc:
        services.board_update(actor=None, board=top, reports_to=[top])
    assert "loop" in exc.value.errors["reports_to"][0]
    elsewhere = board(other_area, name="Elsewhere")
    with pytest.raises(ApplicationError):
        services.board_update(actor=None, board=bottom, reports_to=[elsewhere])
    assert [c.name for c in top.reporting_boards.all()] == ["Children's Partnership"]
    assert list(top.reports_to.all()) == []


def test_duplicate_names_and_bad_limits_are_refused(area):
    board(area, name="Joint Commissioning Group")
    with pytest.raises(ApplicationError) as exc:
        board(area, name="Joint Commissioning Group")
    assert "name" in exc.value.errors
    with pytest.raises(ApplicationError) as exc:
        board(area, name="Another", delegated_limit="-1")
    assert "delegated_limit" in exc.value.errors


def test_only_area_administrators_set_up_boards(gov):
    with pytest.raises(ApplicationError):
        services.board_create(actor=gov.secretary, local_area=gov.area, name="Shadow board")
    created = services.board_create(actor=gov.admin, local_area=gov.area, name="New board")
    assert created.pk


def test_a_seat_grants_reports_and_a_secretary_seat_grants_running(gov):
    assert gov.board.pk in permissions.board_ids_for(gov.member, BoardPerm.VIEW_REPORTS)
    assert gov.board.pk not in permissions.board_ids_for(gov.member, BoardPerm.RUN)
    assert gov.board.pk in permissions.board_ids_for(gov.secretary, BoardPerm.RUN)
    assert not permissions.can_view_reports(gov.commissioner, gov.board)


def test_ending_a_seat_removes_access(gov):
    seat_row = gov.board.members.get(user=gov.member)
    services.board_member_end(actor=None, seat=seat_row)
    assert permissions.can_view_reports(gov.member, gov.board)  # still today (ends today)
    from datetime import date, timedelta

    services.board_member_add(actor=None, board=gov.board, user=gov.member, agency=gov.council,
                              starts=date(2020, 1, 1), ends=date.today() - timedelta(days=1))
    gov.member = type(gov.member).objects.get(pk=gov.member.pk)
    assert not permissions.can_view_reports(gov.member, gov.board)


def test_changing_role_moves_the_run_permission(gov):
    services.board_member_add(actor=None, board=gov.board, user=gov.secretary,
                              agency=gov.council, role="member")
    fresh = type(gov.secretary).objects.get(pk=gov.secretary.pk)
    assert gov.board.pk not in permissions.board_ids_for(fresh, BoardPerm.RUN)


def test_a_seat_represents_an_agency_of_the_area(gov, other_area):
    stranger_agency = AgencyFactory(local_area=other_area)
    with pytest.raises(ApplicationError) as exc:
        services.board_member_add(actor=None, board=gov.board, user=UserFactory(),
                                  agency=stranger_agency)
    assert "agency" in exc.value.errors


def test_access_sync_follows_seat_dates(gov):
    from datetime import date, timedelta

    newcomer = seat(gov.board, gov.icb, "member", user=UserFactory(username="newcomer"))
    row = gov.board.members.get(user=newcomer)
    row.starts = date.today() + timedelta(days=3)  # set directly: simulates dates passing
    row.save()
    assert services.board_access_sync() == 1
    fresh = type(newcomer).objects.get(pk=newcomer.pk)
    assert not permissions.can_view_reports(fresh, gov.board)
    assert services.board_access_sync() == 0
