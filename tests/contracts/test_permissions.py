"""Who sees and changes contracts: a table of role x agency x action, plus other areas and
boards in scope. Missing and forbidden are the same 404 everywhere."""
import pytest
from django.http import Http404

from agencies.roles import Role
from commissioning.contracts import permissions, selectors
from tests.factories.agencies import AgencyFactory

pytestmark = pytest.mark.django_db

CO_PRODUCTION = {Role.PARENT_CARER, Role.YOUNG_PERSON}

# (role held in a commissioning agency of the contract) -> (sees it, sees values, changes)
IN_COMMISSIONING_AGENCY = {
    role: (role not in CO_PRODUCTION, role not in CO_PRODUCTION, role == Role.COMMISSIONER)
    for role in Role
}


@pytest.mark.parametrize(("role", "expected"), IN_COMMISSIONING_AGENCY.items())
def test_roles_in_a_commissioning_agency(role, expected, contract, icb, make_member):
    person = make_member(icb, role)          # the ICB is a partner, not the lead
    assert _abilities(person, contract) == expected


@pytest.mark.parametrize("role", list(Role))
def test_roles_in_another_agency_of_the_area_never_see_values(role, contract, school,
                                                              make_member):
    person = make_member(school, role)
    sees = role not in CO_PRODUCTION
    assert _abilities(person, contract) == (sees, False, False)


def test_other_areas_get_404(contract, other_area, make_member):
    stranger = make_member(AgencyFactory(local_area=other_area), Role.COMMISSIONER)
    assert _abilities(stranger, contract) == (False, False, False)
    with pytest.raises(Http404):
        selectors.provider_get(actor=stranger, pk=contract.provider_id)


def test_board_members_see_values_of_agencies_in_the_boards_scope(area, contract, council,
                                                                   school, make_member):
    from governance import services as governance

    member = make_member(school, Role.VIEWER)
    assert _abilities(member, contract) == (True, False, False)
    board = governance.board_create(actor=None, local_area=area, name="SEND Board",
                                    scope_agencies=[council])
    governance.board_member_add(actor=None, board=board, user=member, agency=school)
    member = type(member).objects.get(pk=member.pk)     # a new request: fresh grants
    assert _abilities(member, contract) == (True, True, False)


def test_a_board_whose_scope_excludes_the_contract_does_not_open_values(
        area, contract, school, make_member):
    from governance import services as governance

    member = make_member(school, Role.BOARD_MEMBER)
    board = governance.board_create(actor=None, local_area=area, name="Schools Forum",
                                    scope_agencies=[school])
    governance.board_member_add(actor=None, board=board, user=member, agency=school)
    member = type(member).objects.get(pk=member.pk)
    assert _abilities(member, contract) == (True, False, False)


def _abilities(person, contract):
    try:
        found = selectors.contract_get(actor=person, pk=contract.pk)
    except Http404:
        return (False, False, False)
    return (True, permissions.can_view_values(person, found).allowed,
            permissions.can_change_contract(person, found).allowed)
