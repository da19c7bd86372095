"""Setting boards up on pages (issue 13): a local-area administrator creates and changes a
board, gives and ends seats and schedules a year's meetings; everyone else gets 404, bad
input answers 400 with the error summary and saves nothing, and every change shows in the
board's history."""
import calendar
import re
from datetime import date
from decimal import Decimal

import pytest

from agencies.roles import Role
from governance import services
from governance.models import Board, BoardMember, Meeting
from tests.factories.agencies import AgencyFactory
from tests.factories.governance import board, meeting

pytestmark = pytest.mark.django_db


def _board_post(**overrides):
    data = {"name": "SEND Intervention Board", "short_name": "SIB", "purpose": "Decides.",
            "meeting_frequency": "monthly", "delegated_limit": "750000.00",
            "quorum": "3"}
    data.update(overrides)
    return data


def test_administrator_sets_up_a_board_with_every_field(gov, signed_in):
    """Every field is kept, multi-choice ones with every value ticked (a board reporting to
    two boards, deciding for two agencies, one of them with its own limit)."""
    trust = board(gov.area, name="Children's Trust")
    client = signed_in(gov.admin)
    assert 'href="/boards/new/"' in client.get("/boards/").content.decode()
    form = client.get("/boards/new/")
    assert form.status_code == 200 and "Set up a board" in form.content.decode()
    assert re.search(r'name="reports_to" type="checkbox"', form.content.decode())
    done = client.post("/boards/new/", _board_post(
        reports_to=[str(gov.board.pk), str(trust.pk)],
        decides_for=[str(gov.council.pk), str(gov.icb.pk)],
        **{f"limit_{gov.icb.pk}": "250000"},
        quorum_agencies=[str(gov.council.pk), str(gov.icb.pk)],
        scope_agencies=[str(gov.council.pk), str(gov.icb.pk)]))
    made = Board.objects.get(name="SEND Intervention Board")
    assert done.status_code == 302 and done["Location"] == f"/boards/{made.pk}/"
    assert (made.short_name, made.purpose, made.meeting_frequency, made.delegated_limit,
            made.quorum) == ("SIB", "Decides.", "monthly", Decimal("750000.00"), 3)
    assert set(made.reports_to.all()) == {gov.board, trust}
    assert {d.agency: d.limit for d in made.delegations.all()} == {
        gov.council: None, gov.icb: Decimal("250000.00")}
    assert set(made.quorum_agencies.all()) == set(made.scope_agencies.all()) == {
        gov.council, gov.icb}
    page = client.get(f"/boards/{made.pk}/").content.decode()
    assert "Board set up" in page and "Agencies in the board&#x27;s scope" in page
    assert "NHS Testshire ICB, up to £250,000.00" in page
    # the edit form shows every value as saved
    edit = client.get(f"/boards/{made.pk}/edit/").content.decode()
    assert len(re.findall(r'name="reports_to"[^>]*checked', edit)) == 2
    assert len(re.findall(r'name="decides_for"[^>]*checked', edit)) == 2
    assert 'value="250000.00"' in edit


def test_bad_board_input_answers_400_and_saves_nothing(gov, signed_in):
    client = signed_in(gov.admin)
    before = Board.objects.count()
    for data in (_board_post(name=""), _board_post(delegated_limit="-1"),
                 _board_post(quorum="0"), _board_post(name=gov.board.name),
                 _board_post(scope_agencies=["999999"]),
                 _board_post(**{f"limit_{gov.icb.pk}": "1000"}),  # limit for an unticked agency
                 _board_post(decides_for=[str(gov.icb.pk)], **{f"limit_{gov.icb.pk}": "-5"})):
        answer = client.post("/boards/new/", data)
        assert answer.status_code == 400, data
        assert "There is a problem" in answer.content.decode()
    assert Board.objects.count() == before


def test_administrator_changes_a_board_and_the_history_says_what(gov, signed_in):
    client = signed_in(gov.admin)
    form = client.get(f"/boards/{gov.board.pk}/edit/").content.decode()
    assert 'value="SEND Strategic Board"' in form and "2000000" in form
    done = client.post(f"/boards/{gov.board.pk}/edit/", _board_post(
        name="SEND Strategic Board", delegated_limit="2500000", quorum="4",
        scope_agencies=[str(gov.council.pk)], quorum_agencies=[str(gov.council.pk)]))
    assert done.status_code == 302
    gov.board.refresh_from_db()
    assert gov.board.delegated_limit == Decimal("2500000.00") and gov.board.quorum == 4
    assert list(gov.board.scope_agencies.all()) == [gov.council]
    page = client.get(f"/boards/{gov.board.pk}/").content.decode()
    assert "Delegated limit changed from £2,000,000.00 to £2,500,000.00" in page
    assert "Agencies in the board&#x27;s scope removed: NHS Testshire ICB" in page


def test_a_loop_of_boards_is_refused_with_a_message(gov, signed_in):
    child = board(gov.area, name="SEND Commissioning Hub", reports_to=gov.board)
    answer = signed_in(gov.admin).post(f"/boards/{gov.board.pk}/edit/", _board_post(
        name=gov.board.name, reports_to=[str(child.pk)]))
    assert answer.status_code == 400 and "would make a loop" in answer.content.decode()
    assert not gov.board.reports_to.exists()


def test_changing_who_a_board_decides_for_is_audited(gov, signed_in):
    client = signed_in(gov.admin)
    client.post(f"/boards/{gov.board.pk}/edit/", _board_post(
        name=gov.board.name, decides_for=[str(gov.council.pk)]))
    client.post(f"/boards/{gov.board.pk}/edit/", _board_post(
        name=gov.board.name, decides_for=[str(gov.council.pk)],
        **{f"limit_{gov.council.pk}": "100000"}))
    assert gov.board.delegations.get().limit == Decimal("100000.00")
    page = client.get(f"/boards/{gov.board.pk}/").content.decode()
    changes = page[page.index('id="changes"'):]
    assert "Testshire County Council" in changes and "limit" in changes


def test_only_the_areas_administrators_set_boards_up(gov, signed_in, other_area):
    seat = gov.board.members.get(user=gov.member)
    paths = ["/boards/new/", f"/boards/{gov.board.pk}/edit/", f"/boards/{gov.board.pk}/seats/new/",
             f"/boards/{gov.board.pk}/schedule/", f"/seats/{seat.pk}/edit/",
             f"/seats/{seat.pk}/end/"]
    for person in (gov.secretary, gov.member, gov.commissioner, gov.parent_carer):
        client = signed_in(person)
        for path in paths:
            assert client.get(path).status_code == 404, (person, path)
            assert client.post(path, {}).status_code == 404, (person, path)
    page = signed_in(gov.secretary).get(f"/boards/{gov.board.pk}/").content.decode()
    assert "Add a seat" not in page and "Change the board" not in page
    # another area's administrator: the board is missing for them
    stranger_agency = AgencyFactory(local_area=other_area, name="Otherton Council",
                                    code="E10000098")
    from tests.factories.agencies import member

    stranger = member(stranger_agency, Role.ADMIN, username="otheradmin")
    client = signed_in(stranger)
    for path in paths[1:]:
        assert client.get(path).status_code == 404, path


def test_administrator_gives_changes_and_ends_a_seat(gov, signed_in, make_member):
    newcomer = make_member(gov.icb, Role.COMMISSIONER, username="newcomer",
                           first_name="Nia", last_name="Okafor")
    client = signed_in(gov.admin)
    form = client.get(f"/boards/{gov.board.pk}/seats/new/").content.decode()
    assert "Nia Okafor" in form
    bad = client.post(f"/boards/{gov.board.pk}/seats/new/", {
        "user": str(newcomer.pk), "agency": str(gov.icb.pk), "role": "member",
        "starts": "2026-05-01", "ends": "2026-04-01"})
    assert bad.status_code == 400 and "There is a problem" in bad.content.decode()
    taken = client.post(f"/boards/{gov.board.pk}/seats/new/", {
        "user": str(gov.member.pk), "agency": str(gov.icb.pk), "role": "chair"})
    assert taken.status_code == 400 and "already has a seat" in taken.content.decode()
    assert not BoardMember.objects.filter(user=newcomer).exists()
    done = client.post(f"/boards/{gov.board.pk}/seats/new/", {
        "user": str(newcomer.pk), "agency": str(gov.icb.pk), "role": "member",
        "starts": "2026-04-01"})
    assert done.status_code == 302
    seat = BoardMember.objects.get(user=newcomer)
    assert (seat.board, seat.agency, seat.role, seat.starts) == (
        gov.board, gov.icb, "member", date(2026, 4, 1))
    changed = client.post(f"/seats/{seat.pk}/edit/", {
        "agency": str(gov.icb.pk), "role": "vice-chair", "starts": "2026-04-01"})
    assert changed.status_code == 302
    seat.refresh_from_db()
    assert seat.role == "vice-chair"
    ended = client.post(f"/seats/{seat.pk}/end/", {"on": "2026-03-31"})
    assert ended.status_code == 302
    seat.refresh_from_db()
    assert seat.ends == date(2026, 3, 31)
    page = client.get(f"/boards/{gov.board.pk}/").content.decode()
    assert "Added: Seat of Nia Okafor" in page
    assert "Seat of Nia Okafor: Role changed from Member to Vice-chair" in page
    assert "Seat of Nia Okafor: End date changed from none to 31 March 2026" in page


def test_a_seat_gives_the_boards_access_and_ending_it_takes_it_away(gov, signed_in,
                                                                    make_member):
    newcomer = make_member(gov.icb, Role.VIEWER, username="viewer")
    client = signed_in(gov.admin)
    client.post(f"/boards/{gov.board.pk}/seats/new/", {
        "user": str(newcomer.pk), "agency": str(gov.icb.pk), "role": "secretary"})
    from governance import permissions

    fresh = type(newcomer).objects.get(pk=newcomer.pk)
    assert permissions.can_run_board(fresh, gov.board)
    seat = BoardMember.objects.get(user=newcomer)
    client.post(f"/seats/{seat.pk}/end/", {"on": "2020-01-01"})
    fresh = type(newcomer).objects.get(pk=newcomer.pk)
    assert not permissions.can_run_board(fresh, gov.board)


def test_someone_of_another_area_cannot_be_given_a_seat(gov, other_area, make_member):
    from portal.errors import ApplicationError

    outsider_agency = AgencyFactory(local_area=other_area, name="Otherton Council",
                                    code="E10000098")
    outsider = make_member(outsider_agency, Role.COMMISSIONER, username="outsider")
    with pytest.raises(ApplicationError):
        services.board_member_add(actor=gov.admin, board=gov.board, user=outsider,
                                  agency=gov.council, only_new=True)


def test_schedule_sets_the_frequency_and_adds_the_years_meetings(gov, signed_in):
    meeting(gov.board, on=date(2026, 4, 1))  # the first Wednesday of April 2026: kept
    client = signed_in(gov.admin)
    form = client.get(f"/boards/{gov.board.pk}/schedule/")
    assert form.status_code == 200
    bad = client.post(f"/boards/{gov.board.pk}/schedule/", {
        "year": "2026-28", "frequency": "monthly", "first_month": "4", "week": "1",
        "weekday": "2", "location": "County Hall"})
    assert bad.status_code == 400 and "There is a problem" in bad.content.decode()
    no_place = client.post(f"/boards/{gov.board.pk}/schedule/", {
        "year": "2026-27", "frequency": "monthly", "first_month": "4", "week": "1",
        "weekday": "2"})
    assert no_place.status_code == 400
    assert Meeting.objects.filter(board=gov.board).count() == 1
    done = client.post(f"/boards/{gov.board.pk}/schedule/", {
        "year": "2026-27", "frequency": "bimonthly", "first_month": "4", "week": "1",
        "weekday": "2", "location": "County Hall"}, follow=True)
    dates = list(Meeting.objects.filter(board=gov.board).order_by("date")
                 .values_list("date", flat=True))
    assert dates == [date(2026, 4, 1), date(2026, 6, 3), date(2026, 8, 5), date(2026, 10, 7),
                     date(2026, 12, 2), date(2027, 2, 3)]
    html = done.content.decode()
    assert "5 meetings were scheduled for 2026-27. 1 date already had a meeting" in html
    gov.board.refresh_from_db()
    assert gov.board.meeting_frequency == "bimonthly"
    assert "Meeting frequency changed from Quarterly to Every two months" in html
    again = client.post(f"/boards/{gov.board.pk}/schedule/", {
        "year": "2026-27", "frequency": "bimonthly", "first_month": "4", "week": "1",
        "weekday": "2", "location": "County Hall"})
    assert again.status_code == 302
    assert Meeting.objects.filter(board=gov.board).count() == 6


@pytest.mark.parametrize(("frequency", "first", "week", "expected"), [
    ("monthly", 4, 1, 12), ("quarterly", 6, -1, 4), ("twice-yearly", 9, 2, 2),
    ("quarterly", 2, 1, 1),  # February is late in the year: only February itself
])
def test_schedule_dates_stay_inside_the_financial_year(frequency, first, week, expected):
    days = services.schedule_dates(year="2026-27", frequency=frequency, first_month=first,
                                   weekday=0, week=week)
    assert len(days) == expected
    assert all(date(2026, 4, 1) <= d <= date(2027, 3, 31) and d.weekday() == 0 for d in days)
    if week == -1:  # the last Monday: a week later is next month
        assert all(d.day + 7 > calendar.monthrange(d.year, d.month)[1] for d in days)


def test_board_page_shows_the_schedule_in_constant_queries(gov, signed_in,
                                                            django_assert_max_num_queries):
    client = signed_in(gov.admin)
    client.get(f"/boards/{gov.board.pk}/")  # warm the per-session caches

    def load():
        return client.get(f"/boards/{gov.board.pk}/").content.decode()

    services.meeting_schedule_generate(actor=None, board=gov.board, year="2099-00",
                                       frequency="quarterly", location="Hall")
    with django_assert_max_num_queries(40) as small:
        load()
    services.meeting_schedule_generate(actor=None, board=gov.board, year="2099-00",
                                       frequency="monthly", location="Hall")
    with django_assert_max_num_queries(40) as large:
        html = load()
    assert len(small.captured_queries) == len(large.captured_queries)
    assert html.count("/meetings/") >= 12
