"""Role x action: needs evidence is for every member of the area; imports and findings for
commissioners and administrators only; nothing for people outside the area."""
import pytest

from agencies.roles import Role
from needs import permissions
from tests.factories.agencies import AgencyFactory, member

WRITERS = {Role.COMMISSIONER, Role.ADMIN}


@pytest.mark.parametrize("role", list(Role))
def test_every_role_reads_needs_but_only_commissioners_and_admins_write(role, area, council):
    user = member(council, role)
    assert permissions.can_view_needs(user, area).allowed
    assert permissions.can_import_observations(user, area).allowed == (role in WRITERS)
    assert permissions.can_add_finding(user, area).allowed == (role in WRITERS)


def test_nothing_outside_the_area(area, other_area):
    outsider = member(AgencyFactory(local_area=other_area), Role.COMMISSIONER)
    assert not permissions.can_view_needs(outsider, area)
    decision = permissions.can_import_observations(outsider, area)
    assert not decision and decision.reason == "You have no role in this local area."


def test_commissioner_elsewhere_cannot_import_here(area, council, other_area):
    user = member(council, Role.VIEWER)
    member(AgencyFactory(local_area=other_area), Role.COMMISSIONER, user=user)
    assert not permissions.can_import_observations(user, area)
    assert permissions.can_import_observations(user, other_area)
