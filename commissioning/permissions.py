"""Who may see and do what in the commissioning cycle: `can_<verb>_<noun>(user, obj)`.

Built on `agencies.permissions`, whose grants are cached on the user, so these checks cost
no queries once a request has read them. Internal roles see every intention of their area;
the parent-carer and young-person roles see only intentions published for consultation
and never a value flagged commercially sensitive.
"""
from agencies import permissions as ap
from agencies.roles import AgencyPerm, AreaPerm, Role
from portal.decisions import Decision

from .models import IntentionStatus
from .workflow import GATE_WORK_STATUSES, OPEN_STATUSES

NOT_FOUND = "No such intention."  # the same answer for missing and forbidden


def _participant_ids(intention) -> set[int]:
    """Lead plus partners; uses prefetched partners when the selector fetched them."""
    return {intention.lead_agency_id} | {a.pk for a in intention.partner_agencies.all()}


def participant_ids(intention) -> set[int]:
    return _participant_ids(intention)


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
    if not can_view_intention(user, intention):
        return Decision.deny(NOT_FOUND)
    if not intention.value_is_sensitive:
        return Decision.allow()
    if not ap.can_view_internal(user, intention.local_area_id):
        return Decision.deny("The value is commercially sensitive.")
    if user.is_superuser or ap.can_administer_area(user, intention.local_area_id):
        return Decision.allow()
    if _participant_ids(intention) & ap.agency_ids_for(user):
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
    if intention.owner_id == user.pk or commissions & _participant_ids(intention):
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


def can_sign_off(user, intention, agency) -> Decision:
    """An approver for a participating agency whose limit covers the intention's value."""
    if not can_view_intention(user, intention):
        return Decision.deny(NOT_FOUND)
    if agency.pk not in _participant_ids(intention):
        return Decision.deny(f"{agency} does not take part in this intention.")
    if intention.status not in GATE_WORK_STATUSES:
        return Decision.deny(f"The intention is {intention.get_status_display().lower()}: "
                             "nothing can be signed off.")
    return ap.can_approve_for(user, agency, intention.estimated_annual_value)


def can_refer_to_board(user, intention, agency) -> Decision:
    """Approvers of the agency (whatever their limit) and the intention's commissioners."""
    if agency.pk not in _participant_ids(intention):
        return Decision.deny(f"{agency} does not take part in this intention.")
    if intention.status not in GATE_WORK_STATUSES:
        return Decision.deny(f"The intention is {intention.get_status_display().lower()}: "
                             "nothing can be referred.")
    if ap.approver_limit(user, agency) is not None:
        return Decision.allow()
    return can_submit_gate(user, intention)


def can_decide_referral(user, referral) -> Decision:
    """Recording a board's decision is for those who run *that* board (its secretary, or the
    area's administrators): governance decides, so a board role elsewhere grants nothing."""
    from governance.permissions import can_run_board

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
