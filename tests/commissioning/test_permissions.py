"""Permission table: role x intention state x action -> allowed, plus visibility rules.

Every person below holds one role in the lead agency (the council); the intention has the
ICB as partner. Approvers' limits cover the value (100,000).
"""
from decimal import Decimal

import pytest

from agencies.roles import Role
from commissioning import permissions, selectors, services
from tests.factories.agencies import AgencyFactory, member
from tests.factories.commissioning import Cycle

pytestmark = pytest.mark.django_db

ACTIONS = ("view", "view_value", "edit", "submit", "sign_off", "advance", "refer")
STATES = ("draft", "active", "on-hold", "withdrawn")

# role -> action -> states in which it is allowed
TABLE = {
    Role.COMMISSIONER: {"view": STATES, "view_value": STATES, "edit": STATES[:3],
                        "submit": ("active",), "sign_off": (), "advance": ("active",),
                        "refer": ("active",)},
    Role.APPROVER: {"view": STATES, "view_value": STATES, "edit": (), "submit": (),
                    "sign_off": ("active",), "advance": (), "refer": ("active",)},
    Role.ADMIN: {"view": STATES, "view_value": STATES, "edit": STATES[:3],
                 "submit": ("active",), "sign_off": (), "advance": ("active",),
                 "refer": ("active",)},
    Role.FINANCE: {"view": STATES, "view_value": STATES, "edit": (), "submit": (),
                   "sign_off": (), "advance": (), "refer": ()},
    Role.BOARD_SECRETARY: {"view": STATES, "view_value": STATES, "edit": (), "submit": (),
                           "sign_off": (), "advance": (), "refer": ()},
    Role.VIEWER: {"view": STATES, "view_value": STATES, "edit": (), "submit": (),
                  "sign_off": (), "advance": (), "refer": ()},
    # Published for consultation in these tests, and the value flagged sensitive.
    Role.PARENT_CARER: {"view": STATES, "view_value": (), "edit": (), "submit": (),
                        "sign_off": (), "advance": (), "refer": ()},
    Role.YOUNG_PERSON: {"view": STATES, "view_value": (), "edit": (), "submit": (),
                        "sign_off": (), "advance": (), "refer": ()},
}


def _check(user, intention, agency, action):
    return {
        "view": lambda: permissions.can_view_intention(user, intention),
        "view_value": lambda: permissions.can_view_value(user, intention),
        "edit": lambda: permissions.can_edit_intention(user, intention),
        "submit": lambda: permissions.can_submit_gate(user, intention),
        "sign_off": lambda: permissions.can_sign_off(user, intention, agency),
        "advance": lambda: permissions.can_advance_intention(user, intention),
        "refer": lambda: permissions.can_refer_to_board(user, intention, agency),
    }[action]()


@pytest.mark.parametrize("role", list(TABLE))
def test_role_state_action_table(role, area):
    cycle = Cycle(area)
    user = member(cycle.council, role, limit=Decimal("500000") if role == Role.APPROVER else 0)
    intention = services.intention_update(actor=None, intention=cycle.intention,
                                          published_for_consultation=True,
                                          value_is_sensitive=True)
    for state in STATES:
        intention.status = state
        for action in ACTIONS:
            decision = _check(user, intention, cycle.council, action)
            expected = state in TABLE[role][action]
            assert bool(decision) is expected, (role, state, action, decision.reason)
            if not decision:
                assert decision.reason  # every refusal says why


def test_unpublished_is_invisible_to_co_production_roles(area):
    cycle = Cycle(area)
    for role in (Role.PARENT_CARER, Role.YOUNG_PERSON):
        user = member(cycle.council, role)
        assert not permissions.can_view_intention(user, cycle.intention)
        assert list(selectors.intention_list(actor=user)) == []


def test_sensitive_value_is_hidden_outside_the_partner_agencies(area):
    cycle = Cycle(area)
    services.intention_update(actor=None, intention=cycle.intention, value_is_sensitive=True)
    cycle.intention.refresh_from_db()
    trust = AgencyFactory(local_area=area, name="Trust", kind="nhs-trust")
    outsider = member(trust, Role.COMMISSIONER)
    assert permissions.can_view_intention(outsider, cycle.intention)
    decision = permissions.can_view_value(outsider, cycle.intention)
    assert not decision and "partner agencies" in decision.reason
    assert permissions.can_view_value(member(cycle.icb, Role.VIEWER), cycle.intention)


def test_nothing_is_visible_in_another_area(area, other_area):
    cycle = Cycle(area)
    stranger = member(AgencyFactory(local_area=other_area), Role.ADMIN)
    assert not permissions.can_view_intention(stranger, cycle.intention)
    with pytest.raises(Exception) as err:
        selectors.intention_get(actor=stranger, pk=cycle.intention.pk)
    assert err.type.__name__ == "Http404"


def test_approver_of_a_non_participating_agency_cannot_sign(area):
    cycle = Cycle(area)
    trust = AgencyFactory(local_area=area, name="Trust", kind="nhs-trust")
    approver = member(trust, Role.APPROVER, limit="1000000")
    decision = permissions.can_sign_off(approver, cycle.intention, trust)
    assert not decision and "does not take part" in decision.reason


def test_permission_checks_cost_no_queries_once_grants_are_read(area,
                                                                django_assert_num_queries):
    cycle = Cycle(area)
    user = cycle.commissioner
    intention = selectors.intention_get(actor=user, pk=cycle.intention.pk)
    permissions.can_edit_intention(user, intention)
    with django_assert_num_queries(0):
        for _ in range(50):
            permissions.can_view_value(user, intention)
            permissions.can_edit_intention(user, intention)
