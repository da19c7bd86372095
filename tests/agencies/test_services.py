from decimal import Decimal

import pytest

from agencies import services
from agencies.models import Agency, Membership, Stage
from agencies.roles import Role
from portal.errors import ApplicationError

pytestmark = pytest.mark.django_db


def test_stages_rename_in_place_and_validate(area, make_member, council):
    admin = make_member(council, Role.ADMIN)
    before = {s.position: s.pk for s in area.stages.all()}
    services.stages_set(actor=admin, local_area=area, stages=[
        {"name": "Evaluate"}, {"name": "Design"}, {"name": "Source"}, {"name": "Review"}])
    after = list(area.stages.order_by("position").values_list("pk", "name"))
    assert [pk for pk, _ in after] == [before[p] for p in (1, 2, 3, 4)]
    assert [n for _, n in after] == ["Evaluate", "Design", "Source", "Review"]
    with pytest.raises(ApplicationError, match="differ"):
        services.stages_set(actor=admin, local_area=area, stages=[{"name": "A"}, {"name": "a"}])
    with pytest.raises(ApplicationError, match="at least two"):
        services.stages_set(actor=admin, local_area=area, stages=[{"name": "Only"}])
    assert Stage.objects.filter(local_area=area).count() == 4


def test_only_admins_change_stages(area, council, make_member):
    commissioner = make_member(council, Role.COMMISSIONER)
    with pytest.raises(ApplicationError) as exc:
        services.stages_set(actor=commissioner, local_area=area,
                            stages=[{"name": "A"}, {"name": "B"}])
    assert exc.value.status == 403


def test_agency_codes_are_checked(area, council, make_member):
    admin = make_member(council, Role.ADMIN)
    with pytest.raises(ApplicationError) as exc:
        services.agency_create(actor=admin, local_area=area, name="Bad", kind="council",
                               code="QGH")
    assert "GSS" in exc.value.message and "code" in exc.value.errors
    icb = services.agency_create(actor=admin, local_area=area, name="NHS X ICB", kind="icb",
                                 code="QGH")
    assert icb.history.first().history_user == admin
    assert not Agency.objects.filter(name="Bad").exists()


def test_membership_rules(council, make_member):
    admin = make_member(council, Role.ADMIN)
    person = services.person_create(actor=admin, username="new.person", email="n@example.org")
    assert not person.has_usable_password()
    with pytest.raises(ApplicationError, match="Only approvers"):
        services.membership_create(actor=admin, user=person, agency=council,
                                   role=Role.COMMISSIONER, delegated_limit=Decimal("5"))
    services.membership_create(actor=admin, user=person, agency=council, role=Role.APPROVER,
                               delegated_limit=Decimal("1000"))
    with pytest.raises(ApplicationError, match="already holds"):
        services.membership_create(actor=admin, user=person, agency=council, role=Role.APPROVER)
    membership = Membership.objects.get(user=person)
    assert membership.history.first().history_user == admin
    services.membership_end(actor=admin, membership=membership)


def test_person_uniqueness_is_case_insensitive(db):
    services.person_create(actor=None, username="a.b", email="A@Example.org")
    with pytest.raises(ApplicationError) as exc:
        services.person_create(actor=None, username="A.B", email="x@example.org")
    assert "username" in exc.value.errors
    with pytest.raises(ApplicationError) as exc:
        services.person_create(actor=None, username="c.d", email="a@example.ORG")
    assert "email" in exc.value.errors


def test_non_admin_cannot_add_roles(council, make_member):
    viewer = make_member(council, Role.VIEWER)
    person = services.person_create(actor=None, username="p", email="p@example.org")
    with pytest.raises(ApplicationError) as exc:
        services.membership_create(actor=viewer, user=person, agency=council, role=Role.ADMIN)
    assert exc.value.status == 403
    assert not Membership.objects.filter(user=person).exists()


def test_sync_task_is_registered_and_scheduled(council, make_member, settings):
    from datetime import date

    from agencies.tasks import sync_memberships
    from portal.celery import app

    assert "agencies.sync_memberships" in app.tasks
    assert settings.CELERY_BEAT_SCHEDULE["agencies-sync-memberships"]["task"] == \
        "agencies.sync_memberships"
    user = make_member(council, Role.VIEWER)
    Membership.objects.filter(user=user).update(ends=date(2000, 1, 1))
    assert sync_memberships.delay().get() == 1
