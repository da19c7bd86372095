"""Who may see and do what in the commissioning cycle: `can_<verb>_<noun>(user, obj)`.

Built on `agencies.permissions`, whose grants are cached on the user, so these checks cost
no queries once a request has read them. Internal roles see every intention of their area;
the parent-carer and young-person roles see only intentions published for consultation
and never a value flagged commercially sensitive.
"""
from functools import cached_property

from agencies import permissions as ap
from agencies.roles import AgencyPerm, AreaPerm, Role
from portal.dates import long_date
from portal.decisions import Decision

from . import participants
from .models import IntentionStatus
from .workflow import GATE_WORK_STATUSES, OPEN_STATUSES

NOT_FOUND = "No such intention."  # the same answer for missing and forbidden


def holders(user, area_id=None) -> dict:
    """{replaced agency id: agency holding its records now}, read once per request (every
    area's in one query: successions are few) and cached on the person with their grants.
    `area_id` is accepted for readability; agency ids are unique across areas."""
    from agencies.selectors import current_holders

    cache = ap._cache(user) if user is not None else {}
    if "holders" not in cache:
        cache["holders"] = current_holders()
    return cache["holders"]


def _participant_ids(intention, user=None) -> set[int]:
    """Leads, joint leads and partners, and the successors holding them now; uses the
    prefetched joint leads and partners when the selector fetched them."""
    named = participants.named_ids(intention)
    held = holders(user, intention.local_area_id)
    return named | {held[pk].pk for pk in named if pk in held}


def participant_ids(intention, user=None) -> set[int]:
    return _participant_ids(intention, user)


def public_area_ids(user) -> set[int]:
    """Areas where the person sees only what is published (co-production roles)."""
    return ap.area_ids_for(user) - ap.area_ids_for(user, AreaPerm.VIEW_INTERNAL)


# --- reading ---------------------------------------------------------------------------
def can_view_intention(user, intention) -> Decision:
    if ap.can_view_internal(user, intention.local_area_id):
        return Decision.allow()
    if intention.local_area_id in ap.area_ids_for(user) and intention.published_for_consultation:
        return Decision.allow()
    return Decision.deny(NOT_FOUND)


def can_view_value(user, intention) -> Decision:
    """The estimated value: hidden outside the partner agencies when flagged sensitive."""
    return _value_rule(_ValueFacts(user, intention.local_area_id),
                       intention.published_for_consultation, intention.value_is_sensitive,
                       lambda: _participant_ids(intention, user))


def values_shown(user, rows, named) -> set[int]:
    """`can_view_value` for a whole chunk of intentions read as plain values (the exports
    and the API list): the ids of `rows` (dicts with id, local_area_id,
    published_for_consultation and value_is_sensitive) whose value the person may see.
    `named` is {intention id: ids of the agencies it names (lead, joint leads, partners)}.
    The same rule as `can_view_value`, row for row; the person's grants are looked at once
    per area, not per row, and successors count as for one intention."""
    held = holders(user)
    facts = {area_id: _ValueFacts(user, area_id) for area_id in {r["local_area_id"]
                                                                    for r in rows}}

    def participants(row):
        ids = named.get(row["id"], set())
        return ids | {held[pk].pk for pk in ids if pk in held}

    return {row["id"] for row in rows
            if _value_rule(facts[row["local_area_id"]], row["published_for_consultation"],
                           row["value_is_sensitive"], lambda row=row: participants(row))}


class _ValueFacts:
    """What the value rule needs to know of the person in one area. The administrator and
    agency grants are read only when a sensitive value needs them (as the rule did per
    object), so a page of plain values costs no grant query more."""

    def __init__(self, user, area_id):
        self.user, self.area_id = user, area_id
        self.internal = bool(ap.can_view_internal(user, area_id))
        self.in_area = area_id in ap.area_ids_for(user)

    @cached_property
    def administers(self) -> bool:
        return self.user.is_superuser or bool(ap.can_administer_area(self.user, self.area_id))

    @cached_property
    def agency_ids(self) -> set[int]:
        return ap.agency_ids_for(self.user)


def _value_rule(facts, published, sensitive, participant_ids) -> Decision:
    """`participant_ids()` is asked only for a sensitive value that an internal role might
    see (a page of values that are not sensitive needs no agencies)."""
    if not (facts.internal or (facts.in_area and published)):  # can_view_intention
        return Decision.deny(NOT_FOUND)
    if not sensitive:
        return Decision.allow()
    if not facts.internal:
        return Decision.deny("The value is commercially sensitive.")
    if facts.administers:
        return Decision.allow()
    if participant_ids() & facts.agency_ids:
        return Decision.allow()
    return Decision.deny("The value is commercially sensitive: only the partner agencies see it.")


def can_view_cycle(user, area) -> Decision:
    """Gates, sign-offs, action plans and disagreements are internal work."""
    return ap.can_view_internal(user, area)


# --- writing ---------------------------------------------------------------------------
READ_ONLY = "Your role may read this but not change it."


def can_create_intention(user, lead_agency) -> Decision:
    if user.is_superuser or ap.can_commission_for(user, lead_agency):
        return Decision.allow()
    if ap.can_administer_area(user, lead_agency.local_area_id):
        return Decision.allow()
    return Decision.deny("Only a commissioner for the lead agency may create an intention.")


def can_change_intention(user, intention) -> Decision:
    if not can_view_intention(user, intention):
        return Decision.deny(NOT_FOUND)
    if user.is_superuser or ap.can_administer_area(user, intention.local_area_id):
        return Decision.allow()
    commissions = ap.agency_ids_for(user, AgencyPerm.COMMISSION)
    if intention.owner_id == user.pk or commissions & _participant_ids(intention, user):
        return Decision.allow()
    return Decision.deny("Only the owner or a commissioner for a partner agency may change this.")


def can_edit_intention(user, intention) -> Decision:
    decision = can_change_intention(user, intention)
    if decision and intention.status not in OPEN_STATUSES:
        return Decision.deny(f"A {intention.get_status_display().lower()} intention "
                             "cannot be edited.")
    return decision


def can_submit_gate(user, intention) -> Decision:
    decision = can_change_intention(user, intention)
    if decision and intention.status not in GATE_WORK_STATUSES:
        return Decision.deny(f"Only an active intention goes through a stage gate; this one is "
                             f"{intention.get_status_display().lower()}.")
    return decision


def can_advance_intention(user, intention) -> Decision:
    return can_submit_gate(user, intention)


def _names(people) -> str:
    names = [p.get_full_name() or p.username for p in people]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def can_sign_off(user, intention, agency, *, covering=None) -> Decision:
    """An approver for a participating agency whose limit covers the intention's value.

    `covering` (the agency's active approvers whose limit covers the value, when the caller
    has them) lets the refusal say who can sign instead of sending the person to a board.
    """
    if not can_view_intention(user, intention):
        return Decision.deny(NOT_FOUND)
    if agency.pk not in _participant_ids(intention, user):
        return Decision.deny(f"{agency} does not take part in this intention.")
    if intention.status not in GATE_WORK_STATUSES:
        return Decision.deny(f"The intention is {intention.get_status_display().lower()}: "
                             "nothing can be signed off.")
    decision = ap.can_approve_for(user, agency, intention.estimated_annual_value)
    limit = ap.approver_limit(user, agency)
    if decision or covering is None or limit is None:
        return decision
    value = intention.estimated_annual_value
    others = [p for p in covering if p.pk != user.pk]
    if others:
        return Decision.deny(f"The value £{value:,.2f} exceeds your delegated limit of "
                             f"£{limit:,.2f}. {_names(others)} can sign for {agency}.")
    return Decision.deny(f"The value £{value:,.2f} exceeds your delegated limit of "
                         f"£{limit:,.2f}, and no approver of {agency} has a limit that covers "
                         "it: refer the decision to a board.")


def sign_off_guard(agency, gate, *, decided=None, referral=None) -> Decision:
    """Whether the gate still waits for the agency's decision (the service answers 409
    when not). `decided` is the agency's sign-off on the gate, `referral` its awaiting
    board referral, if any."""
    if gate is None or gate.status != "open":
        return Decision.deny("No stage gate is waiting for sign-off.")
    if decided is not None:
        verb = "approved" if decided.decision == "approve" else "rejected"
        who = decided.person.get_full_name() or decided.person.username
        return Decision.deny(f"{agency} has already decided on this gate: {verb} by {who} "
                             f"on {long_date(decided.decided_at)}.")
    if referral is not None:
        return Decision.deny(f"{agency}'s decision is with the {referral.board}.")
    return Decision.allow()


def can_sign_off_now(user, intention, agency, gate, *, decided=None, referral=None,
                     covering=None) -> Decision:
    """What a page asks before offering "Sign off for <agency>": the gate's state, then
    the person's permission and limit (the same checks `intention_sign_off` applies)."""
    guard = sign_off_guard(agency, gate, decided=decided, referral=referral)
    if not guard:
        return guard
    return can_sign_off(user, intention, agency, covering=covering)


def can_refer_to_board(user, intention, agency, *, covering=None) -> Decision:
    """Approvers of the agency (whatever their limit) and the intention's commissioners,
    only when no approver of the agency has a limit that covers the value (`covering`:
    those approvers; the service always passes them)."""
    if agency.pk not in _participant_ids(intention, user):
        return Decision.deny(f"{agency} does not take part in this intention.")
    if intention.status not in GATE_WORK_STATUSES:
        return Decision.deny(f"The intention is {intention.get_status_display().lower()}: "
                             "nothing can be referred.")
    if covering:
        return Decision.deny(f"{_names(covering)} can sign for {agency}: a board decides only "
                             "when the value is above every approver's limit.")
    if ap.approver_limit(user, agency) is not None:
        return Decision.allow()
    return can_submit_gate(user, intention)


# --- the intention's status and its stage gate -----------------------------------------
def transition_guard(transition, intention) -> Decision:
    """Whether a workflow transition may happen now (409 from the service when not)."""
    from .workflow import guard_reason

    if intention.status not in transition.sources:
        return Decision.deny(f"A {intention.get_status_display().lower()} intention cannot be "
                             f"{transition.label.lower()}.")
    blocked = guard_reason(transition, intention)
    return Decision.deny(blocked) if blocked else Decision.allow()


def can_transition(user, intention, transition) -> Decision:
    """The transition's permission, then its guard: what the page asks before offering it."""
    decision = globals()[transition.permission](user, intention)
    if not decision:
        return decision
    return transition_guard(transition, intention)


def gate_submit_guard(intention, *, live_gate, next_stage, unticked) -> Decision:
    """Whether the intention can be submitted for sign-off now (409 when not)."""
    stage = intention.current_stage
    if intention.status not in GATE_WORK_STATUSES:
        return Decision.deny(f"Only an active intention goes through a stage gate; this one is "
                             f"{intention.get_status_display().lower()}.")
    if live_gate is not None:
        return Decision.deny("A stage gate is already waiting for sign-off.")
    if next_stage is None:
        return Decision.deny(f"{stage.name} is the last stage: there is no gate after it.")
    if unticked:
        return Decision.deny(f"Complete the {stage.name} checklist first: "
                             f"{', '.join(unticked)}.")
    return Decision.allow()


def advance_guard(gate) -> Decision:
    """Whether the intention may move to the next stage: every agency approved the gate."""
    if gate is None or gate.status != "approved":
        return Decision.deny("Every agency taking part must approve the stage gate first.")
    return Decision.allow()


def can_decide_referral(user, referral) -> Decision:
    """Recording a board's decision is for those who run *that* board (its secretary, or the
    area's administrators): governance decides, so a board role elsewhere grants nothing."""
    from governance.permissions import can_run_board

    if referral.board_id is None:
        return Decision.deny("No board can take this referral yet: a local-area administrator "
                             "sets up a board that decides for the agency.")
    return can_run_board(user, referral.board)


def can_manage_actions(user, area) -> Decision:
    if user.is_superuser or ap.can_administer_area(user, area):
        return Decision.allow()
    if ap.has_role(user, area, Role.COMMISSIONER, Role.BOARD_SECRETARY):
        return Decision.allow()
    return Decision.deny("Only commissioners and board secretaries keep the action plan.")


def can_change_action(user, action) -> Decision:
    area_id = action.plan.local_area_id
    if user.is_superuser or ap.can_administer_area(user, area_id):
        return Decision.allow()
    if ap.has_role(user, area_id, Role.BOARD_SECRETARY):
        return Decision.allow()
    if action.owner_agency_id in ap.agency_ids_for(user, AgencyPerm.COMMISSION):
        return Decision.allow()
    return Decision.deny("Only the owning agency's commissioners update this action.")


def can_log_disagreement(user, area) -> Decision:
    if user.is_superuser or ap.can_administer_area(user, area):
        return Decision.allow()
    if ap.has_role(user, area, Role.COMMISSIONER, Role.APPROVER, Role.BOARD_SECRETARY):
        return Decision.allow()
    return Decision.deny("Only commissioners, approvers and board secretaries log disagreements.")


def can_manage_strategy(user, area) -> Decision:
    if user.is_superuser or ap.can_administer_area(user, area):
        return Decision.allow()
    if ap.has_role(user, area, Role.COMMISSIONER):
        return Decision.allow()
    return Decision.deny("Only commissioners and administrators change strategies.")


def is_withdrawn(intention) -> bool:
    return intention.status == IntentionStatus.WITHDRAWN
