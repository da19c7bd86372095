"""Role x action -> allowed, for agreements (writes by finance officers, pooled fund
managers and approvers of the parties; reads by internal roles; nothing across areas)."""
import pytest

from agencies.roles import Role
from commissioning.budgets import permissions

# role held at the council (a party) -> (view, change, reopen, create package)
TABLE = {
    Role.FINANCE: (True, True, False, True),
    Role.POOLED_FUND_MANAGER: (True, True, True, True),
    Role.APPROVER: (True, True, True, True),
    Role.COMMISSIONER: (True, False, False, False),
    Role.BOARD_MEMBER: (True, False, False, False),
    Role.BOARD_SECRETARY: (True, False, False, False),
    Role.VIEWER: (True, False, False, False),
    Role.ADMIN: (True, False, False, False),
    Role.PARENT_CARER: (False, False, False, False),
    Role.YOUNG_PERSON: (False, False, False, False),
}


@pytest.mark.parametrize(("role", "expected"), list(TABLE.items()))
def test_role_table(role, expected, s75, area, council, make_member):
    person = make_member(council, role, username=f"p.{role}",
                         limit=1000 if role == Role.APPROVER else 0)
    agreement = s75["agreement"]
    got = (permissions.can_view_agreement(person, agreement).allowed,
           permissions.can_change_agreement(person, agreement).allowed,
           permissions.can_reopen_quarter(person, agreement).allowed,
           permissions.can_create_joint_package(person, area).allowed)
    assert got == expected


def test_finance_of_a_non_party_cannot_write(s75, area, make_member):
    from tests.factories.agencies import AgencyFactory

    school = AgencyFactory(local_area=area, name="Testshire College", kind="school")
    person = make_member(school, Role.FINANCE, username="college.fin")
    assert permissions.can_view_agreement(person, s75["agreement"])
    decision = permissions.can_change_agreement(person, s75["agreement"])
    assert not decision and "finance officers" in decision.reason


def test_named_pooled_fund_manager_may_write(s75, council, make_member):
    from commissioning.budgets import services

    person = make_member(council, Role.COMMISSIONER, username="named.pfm")
    agreement = services.agreement_update(actor=None, agreement=s75["agreement"],
                                          pooled_fund_manager=person)
    assert permissions.can_change_agreement(person, agreement)


def test_other_area_sees_nothing(s75, other_area):
    from tests.factories.agencies import AgencyFactory, member

    person = member(AgencyFactory(local_area=other_area), Role.FINANCE, username="far")
    assert not permissions.can_view_agreement(person, s75["agreement"])
    assert not permissions.can_change_agreement(person, s75["agreement"])
