"""Stage gates: submit, sign off per agency, refer to a board, record the board's decision,
advance. Each takes the intention's row lock first (services.intentions.lock), so sign-offs,
board decisions and advance requests on one intention are serialised and an intention
advances exactly once however many requests race."""
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from agencies.models import Agency, Membership
from agencies.roles import Role
from agencies.selectors import current_holders
from portal import background
from portal.errors import ApplicationError, ErrorCode
from portal.money import format_gbp

from .. import checklist, participants, permissions, tasks
from ..models import (
    BoardReferral,
    GateStatus,
    ReferralStatus,
    SignOff,
    SignOffDecision,
    StageGate,
)
from ..workflow import LIVE_GATE_STATUSES, gate_next
from ._common import require, save
from .intentions import lock


def _participants(intention) -> list[Agency]:
    """Every lead and partner, as the bodies that hold them now (commissioning.participants)."""
    return participants.participants(intention)


def _decisions(gate, intention) -> dict:
    """{agency id: decision} on the gate, a replaced agency's decision counting for the
    agency holding its records now (a CCG's approval given before it became the ICB)."""
    holders = current_holders(intention.local_area_id)
    decisions = {}
    for agency_id, decision in SignOff.objects.filter(gate=gate).values_list("agency_id",
                                                                            "decision"):
        holder = holders[agency_id].pk if agency_id in holders else agency_id
        if decisions.get(holder) != SignOffDecision.REJECT:
            decisions[holder] = decision
    return decisions


def _live_gate(intention, *, for_update=True):
    qs = StageGate.objects.filter(intention=intention, status__in=LIVE_GATE_STATUSES)
    if for_update:
        qs = qs.select_for_update()
    return qs.select_related("from_stage", "to_stage").first()


def _move(gate, event, actor):
    target = gate_next(gate.status, event)
    if target is None:
        raise ApplicationError(f"The stage gate is {gate.get_status_display().lower()}.",
                               code=ErrorCode.CONFLICT)
    gate.status = target
    if target != GateStatus.APPROVED:
        gate.closed_at = timezone.now()
    save(gate, actor)


def _settle(gate, intention, actor):
    """After a decision: any rejection stops the gate; every approval approves it."""
    decisions = _decisions(gate, intention)
    if SignOffDecision.REJECT in decisions.values():
        _move(gate, "rejected", actor)
        for referral in BoardReferral.objects.select_for_update().filter(
                gate=gate, status__in=[ReferralStatus.AWAITING, ReferralStatus.NO_BOARD]):
            referral.status = ReferralStatus.WITHDRAWN
            save(referral, actor)
    elif all(decisions.get(a.pk) == SignOffDecision.APPROVE for a in _participants(intention)):
        _move(gate, "all_approved", actor)


def next_stage_of(intention):
    stage = intention.current_stage
    return intention.local_area.stages.filter(position__gt=stage.position).order_by(
        "position").first()


def covering_approvers(intention, agency) -> list:
    from ..selectors import covering_approvers as covering

    return covering(intention, agency)


def route_for(intention, agency, approver_limit=None, router=None):
    """Where an agency's referral on the intention goes and why (governance's one rule)."""
    from governance.referrals import Router

    router = router or Router(intention.local_area_id)
    return router.route(agency, intention.estimated_annual_value, approver_limit)


def _approver_limits(agencies) -> dict:
    return dict(Membership.objects.active().filter(
        agency__in=agencies, role=Role.APPROVER, user__is_active=True)
        .values("agency_id").annotate(top=Max("delegated_limit")).values_list("agency_id", "top"))


@transaction.atomic
def gate_submit(*, actor, intention, note="") -> StageGate:
    """Ask every participating agency to sign off the move to the next stage.

    Agencies whose approvers all have limits below the value are referred to a board at
    once. Resubmitting after a rejection opens the next round of the same transition.
    """
    intention = lock(intention)
    if actor is not None:
        require(permissions.can_submit_gate(actor, intention))
    stage = intention.current_stage
    next_stage = next_stage_of(intention)
    missing = checklist.unticked(intention)
    # The same guard the intention's task list asks before offering "Submit for sign-off".
    guard = permissions.gate_submit_guard(intention, live_gate=_live_gate(intention),
                                          next_stage=next_stage, unticked=missing)
    if not guard:
        raise ApplicationError(guard.reason, code=ErrorCode.CONFLICT,
                               errors={"checklist": missing} if missing else {})
    last_round = StageGate.objects.filter(intention=intention, from_stage=stage).aggregate(
        n=Max("round"))["n"] or 0
    gate = save(StageGate(intention=intention, from_stage=stage, to_stage=next_stage,
                          round=last_round + 1, opened_by=actor or intention.owner,
                          opened_at=timezone.now(), note=note), actor)
    _refer_over_limit(gate, intention, actor)
    background.notify(tasks.gate_ready, gate.pk)
    return gate


def _refer_over_limit(gate, intention, actor):
    """Refer each agency whose approvers' limits are all below the value to the board the
    routing rule names; when no board can take it, keep a referral with no board (status
    no-board) that says why and who can fix it."""
    from governance.referrals import Router

    value = intention.estimated_annual_value
    taking_part = _participants(intention)
    limits = _approver_limits(taking_part)
    router = None
    for agency in taking_part:
        if limits.get(agency.pk) is not None and limits[agency.pk] >= value:
            continue
        router = router or Router(intention.local_area_id)
        route = router.route(agency, value, limits.get(agency.pk))
        save(BoardReferral(
            board=route.board, gate=gate, agency=agency,
            status=ReferralStatus.AWAITING if route.routed else ReferralStatus.NO_BOARD,
            referred_by=actor or intention.owner, referred_at=timezone.now(),
            reason=f"{format_gbp(value)} is above the delegated limit of every approver "
                   f"for {agency}.", route_reason=route.reason), actor)


@transaction.atomic
def referrals_reroute(*, actor, area_id) -> int:
    """Send the area's referrals that no board could take (status no-board) to the board
    the routing rule names now; the number sent on. Called when boards change."""
    from governance.referrals import Router

    waiting = list(BoardReferral.objects.select_for_update().filter(
        status=ReferralStatus.NO_BOARD, gate__intention__local_area_id=area_id,
        gate__status=GateStatus.OPEN).select_related("agency", "gate__intention"))
    if not waiting:
        return 0
    router = Router(area_id)
    limits = _approver_limits({r.agency for r in waiting})
    sent = 0
    for referral in waiting:
        route = router.route(referral.agency, referral.gate.intention.estimated_annual_value,
                             limits.get(referral.agency_id))
        if route.routed:
            referral.board, referral.status = route.board, ReferralStatus.AWAITING
            referral.route_reason = route.reason
            save(referral, actor)
            sent += 1
        elif route.reason != referral.route_reason:
            referral.route_reason = route.reason
            save(referral, actor)
    return sent


@transaction.atomic
def intention_sign_off(*, actor, intention, agency, decision, reason="") -> SignOff:
    """One agency's approval or rejection of the waiting gate."""
    intention = lock(intention)
    if decision not in SignOffDecision.values:
        raise ApplicationError("Choose approve or reject.",
                               errors={"decision": ["Choose approve or reject."]})
    require(permissions.can_sign_off(actor, intention, agency,
                                     covering=covering_approvers(intention, agency)))
    gate = _live_gate(intention)
    # The same guard the intention's page and the approvals inbox ask before offering it.
    decided = SignOff.objects.filter(gate=gate, agency=agency).select_related(
        "person").first() if gate else None
    referral = BoardReferral.objects.filter(gate=gate, agency=agency,
                                            status=ReferralStatus.AWAITING).select_related(
        "board").first() if gate else None
    require(permissions.sign_off_guard(agency, gate, decided=decided, referral=referral),
            ErrorCode.CONFLICT)
    if decision == SignOffDecision.REJECT and not reason.strip():
        raise ApplicationError("Say why you reject it.",
                               errors={"reason": ["Say why you reject it."]})
    sign_off = save(SignOff(gate=gate, agency=agency, decision=decision, person=actor,
                            reason=reason.strip(), decided_at=timezone.now()), actor)
    _settle(gate, intention, actor)
    background.notify(tasks.decision_made, sign_off.pk)
    return sign_off


@transaction.atomic
def board_referral_create(*, actor, intention, agency, board, reason="") -> BoardReferral:
    """Send an agency's decision on the waiting gate to a board."""
    intention = lock(intention)
    if actor is not None:
        require(permissions.can_refer_to_board(actor, intention, agency,
                                               covering=covering_approvers(intention, agency)))
    gate = _live_gate(intention)
    if gate is None or gate.status != GateStatus.OPEN:
        raise ApplicationError("No stage gate is waiting for sign-off.", code=ErrorCode.CONFLICT)
    if board.local_area_id != intention.local_area_id:
        raise ApplicationError("Choose a board of this local area.",
                               errors={"board": ["Choose a board of this local area."]})
    if SignOff.objects.filter(gate=gate, agency=agency).exists() or BoardReferral.objects.filter(
            gate=gate, agency=agency, status=ReferralStatus.AWAITING).exists():
        raise ApplicationError(f"{agency}'s decision is already made or with a board.",
                               code=ErrorCode.CONFLICT)
    # A referral no board could take is sent on to the board chosen here.
    referral = BoardReferral.objects.select_for_update().filter(
        gate=gate, agency=agency, status=ReferralStatus.NO_BOARD).first() or BoardReferral(
        gate=gate, agency=agency)
    referral.board, referral.status = board, ReferralStatus.AWAITING
    referral.referred_by, referral.referred_at = actor, timezone.now()
    referral.reason = reason.strip() or referral.reason
    referral.route_reason = f"Referred to the {board.name} by {actor}." if actor else \
        f"Referred to the {board.name}."
    return save(referral, actor)


@transaction.atomic
def board_referral_decide(*, actor, referral, approved: bool, reason: str,
                          decision=None) -> BoardReferral:
    """Record a board's decision on a referral (called by governance when a board decides).

    An approval is the agency's sign-off for the gate (signed by `actor` on the board's
    behalf); a rejection stops the gate. `decision` is governance's decision record, if any.
    """
    referral = BoardReferral.objects.select_related("board", "gate__intention").get(pk=referral.pk)
    intention = lock(referral.gate.intention)
    # `of`: the board is the nullable side of an outer join (a referral no board could take).
    referral = BoardReferral.objects.select_for_update(of=("self",)).select_related(
        "board", "agency").get(pk=referral.pk)
    if actor is not None:
        require(permissions.can_decide_referral(actor, referral))
    if referral.status != ReferralStatus.AWAITING:
        raise ApplicationError(f"This referral is already {referral.get_status_display().lower()}.",
                               code=ErrorCode.CONFLICT)
    if not approved and not (reason or "").strip():
        raise ApplicationError("Say why the board rejects it.",
                               errors={"reason": ["Say why the board rejects it."]})
    now = timezone.now()
    referral.status = ReferralStatus.APPROVED if approved else ReferralStatus.REJECTED
    referral.decided_by, referral.decided_at = actor, now
    referral.decision_reason = (reason or "").strip()
    referral.board_decision_id = getattr(decision, "pk", decision)
    save(referral, actor)
    gate = StageGate.objects.select_for_update().get(pk=referral.gate_id)
    if gate.status == GateStatus.OPEN:
        sign_off = save(SignOff(
            gate=gate, agency=referral.agency, referral=referral, person=actor or intention.owner,
            decision=SignOffDecision.APPROVE if approved else SignOffDecision.REJECT,
            reason=f"Decided by the {referral.board}. {referral.decision_reason}".strip(),
            decided_at=now), actor)
        _settle(gate, intention, actor)
        background.notify(tasks.decision_made, sign_off.pk)
    return referral


def missing_approvals(intention, gate) -> tuple[list[Agency], list[Agency]]:
    """(agencies still to approve, agencies that rejected) for the gate."""
    decisions = _decisions(gate, intention) if gate else {}
    taking_part = _participants(intention)
    rejected = [a for a in taking_part if decisions.get(a.pk) == SignOffDecision.REJECT]
    missing = [a for a in taking_part if a.pk not in decisions]
    return missing, rejected


@transaction.atomic
def intention_advance(*, actor, intention):
    """Move the intention to the next stage once every partner has approved the gate.

    Raises CONFLICT (409) naming the agencies still to approve or that rejected.
    """
    intention = lock(intention)
    if actor is not None:
        require(permissions.can_advance_intention(actor, intention))
    gate = _live_gate(intention)
    if gate is None or gate.status != GateStatus.APPROVED:
        last = gate or StageGate.objects.filter(intention=intention).order_by("-opened_at",
                                                                              "-id").first()
        if last is not None and last.status in (GateStatus.ADVANCED, GateStatus.WITHDRAWN):
            last = None
        missing, rejected = missing_approvals(intention, last)
        parts = []
        if last is None:
            parts.append("No stage gate has been submitted")
        if missing:
            parts.append("waiting for " + ", ".join(a.name for a in missing))
        if rejected:
            parts.append("rejected by " + ", ".join(a.name for a in rejected))
        raise ApplicationError(
            "The intention cannot advance: " + "; ".join(parts) + ".", code=ErrorCode.CONFLICT,
            extra={"missing": [{"id": a.pk, "name": a.name} for a in missing],
                   "rejected": [{"id": a.pk, "name": a.name} for a in rejected]})
    _move(gate, "advance", actor)
    intention.current_stage = gate.to_stage
    save(intention, actor)
    background.notify(tasks.stage_advanced, gate.pk)
    from commissioning.coproduction.services import notify_followers

    notify_followers(f"stage-{gate.pk}", intention_id=intention.pk)  # people following it
    return intention
