"""Permission matrix: every role x object kind x see/change/approve, and area isolation."""
from decimal import Decimal

import pytest

from agencies import permissions
from agencies.roles import Role

pytestmark = pytest.mark.django_db

INTERNAL = {r for r in Role} - {Role.PARENT_CARER, Role.YOUNG_PERSON}

# role -> (see area, see internal, administer area, change agency, commission, approve, finance)
EXPECTED = {
    Role.COMMISSIONER: (True, True, False, False, True, False, False),
    Role.APPROVER: (True, True, False, False, False, True, False),
    Role.FINANCE: (True, True, False, False, False, False, True),
    Role.POOLED_FUND_MANAGER: (True, True, False, False, False, False, True),
    Role.BOARD_SECRETARY: (True, True, False, False, False, False, False),
    Role.BOARD_MEMBER: (True, True, False, False, False, False, False),
    Role.PARENT_CARER: (True, False, False, False, False, False, False),
    Role.YOUNG_PERSON: (True, False, False, False, False, False, False),
    Role.ADMIN: (True, True, True, True, False, False, False),
    Role.VIEWER: (True, True, False, False, False, False, False),
}


@pytest.mark.parametrize("role", list(Role))
def test_role_matrix(role, area, council, icb, other_area, make_member):
    user = make_member(council, role, limit=Decimal("1000") if role == Role.APPROVER else 0)
    see, internal, admin, change, commission, approve, finance = EXPECTED[role]
    assert bool(permissions.can_view_area(user, area)) is see
    assert bool(permissions.can_view_internal(user, area)) is internal
    assert bool(permissions.can_administer_area(user, area)) is admin
    assert bool(permissions.can_change_agency(user, council)) is change
    # An area administrator may change every agency of the area, not only their own.
    assert bool(permissions.can_change_agency(user, icb)) is change
    assert bool(permissions.can_commission_for(user, council)) is commission
    assert bool(permissions.can_approve_for(user, council, Decimal("10"))) is approve
    assert bool(permissions.can_manage_finance_for(user, council)) is finance
    # Roles are per agency: nothing is granted on the partner agency.
    assert not permissions.can_commission_for(user, icb)
    assert not permissions.can_approve_for(user, icb)
    # Nothing at all in another area.
    assert not permissions.can_view_area(user, other_area)
    assert not permissions.can_view_internal(user, other_area)
    assert list(permissions.visible_areas(user)) == [area]


def test_approver_limit_and_reason(council, make_member):
    user = make_member(council, Role.APPROVER, limit=Decimal("250000.00"))
    assert permissions.can_approve_for(user, council, Decimal("250000.00"))
    decision = permissions.can_approve_for(user, council, Decimal("250000.01"))
    assert not decision
    assert "£250,000.00" in decision.reason and "board referral" in decision.reason


def test_ended_membership_grants_nothing(council, make_member):
    from datetime import date

    from agencies import services

    user = make_member(council, Role.COMMISSIONER)
    membership = user.memberships.get()
    services.membership_update(actor=None, membership=membership, starts=date(2020, 1, 1),
                               ends=date(2020, 12, 31))
    assert not permissions.can_view_area(user, council.local_area)
    assert not user.groups.exists()


def test_memberships_sync_follows_dates(council, make_member):
    from datetime import date

    from agencies import services
    from agencies.models import Membership

    user = make_member(council, Role.VIEWER)
    Membership.objects.filter(user=user).update(ends=date(2000, 1, 1))  # expired behind its back
    assert services.memberships_sync() == 1
    assert not user.groups.exists()
    assert services.memberships_sync() == 0


def test_superuser_sees_every_area(area, other_area):
    from tests.factories.agencies import UserFactory

    root = UserFactory(is_superuser=True)
    assert permissions.area_ids_for(root) == {area.pk, other_area.pk}


def test_anonymous_sees_nothing(area):
    from django.contrib.auth.models import AnonymousUser

    assert permissions.area_ids_for(AnonymousUser()) == set()
    assert not permissions.can_view_area(AnonymousUser(), area)
