"""The commissioning cycle's workflow, declared as data (Hypha's rule).

Two machines: an intention's *status* (draft, active, on hold, completed, withdrawn) and a
stage gate's *status* (open -> approved/rejected -> advanced). `services.workflow` applies
INTENTION_TRANSITIONS and nothing else changes an intention's status; `services.gates`
applies GATE_TRANSITIONS. Each transition names the permission check it needs (a function
of `commissioning.permissions`) and an optional guard (a function of the intention that
returns the reason it may not happen now, or "").
"""
from dataclasses import dataclass, field

from .models import GateStatus, IntentionStatus

S = IntentionStatus
G = GateStatus

# Statuses in which the intention is still being worked on.
OPEN_STATUSES = frozenset({S.DRAFT, S.ACTIVE, S.ON_HOLD})
# Gates that still hold the intention's next move.
LIVE_GATE_STATUSES = frozenset({G.OPEN, G.APPROVED})


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: frozenset
    target: str
    permission: str  # a function name in commissioning.permissions: (user, intention)
    guard: str = ""  # a function name in this module: (intention) -> reason or ""
    closes_live_gate: bool = False
    needs_reason: bool = False
    extra: dict = field(default_factory=dict)


def not_at_final_stage(intention) -> str:
    last = intention.local_area.stages.order_by("-position").first()
    if last is not None and intention.current_stage_id != last.pk:
        return f"An intention is completed from its last stage ({last.name})."
    return ""


def no_live_gate(intention) -> str:
    if intention.gates.filter(status__in=LIVE_GATE_STATUSES).exists():
        return "A stage gate is waiting: advance it or let it be rejected first."
    return ""


INTENTION_TRANSITIONS: dict[str, Transition] = {t.name: t for t in [
    Transition("activate", "Make active", frozenset({S.DRAFT}), S.ACTIVE,
               "can_change_intention"),
    Transition("hold", "Put on hold", frozenset({S.ACTIVE}), S.ON_HOLD,
               "can_change_intention", needs_reason=True),
    Transition("resume", "Resume", frozenset({S.ON_HOLD}), S.ACTIVE, "can_change_intention"),
    Transition("complete", "Mark completed", frozenset({S.ACTIVE}), S.COMPLETED,
               "can_change_intention", guard="not_at_final_stage"),
    Transition("withdraw", "Withdraw", frozenset(OPEN_STATUSES), S.WITHDRAWN,
               "can_change_intention", closes_live_gate=True, needs_reason=True),
]}


def guard_reason(transition: Transition, intention) -> str:
    if transition.guard == "not_at_final_stage":
        return not_at_final_stage(intention)
    if transition.guard == "no_live_gate":
        return no_live_gate(intention)
    return ""


def transitions_from(status) -> list[Transition]:
    return [t for t in INTENTION_TRANSITIONS.values() if status in t.sources]


# Gate machine: (from, event) -> to. Events are applied only by services.gates.
GATE_TRANSITIONS: dict[tuple[str, str], str] = {
    (G.OPEN, "all_approved"): G.APPROVED,
    (G.OPEN, "rejected"): G.REJECTED,
    (G.APPROVED, "advance"): G.ADVANCED,
    (G.OPEN, "withdraw"): G.WITHDRAWN,
    (G.APPROVED, "withdraw"): G.WITHDRAWN,
}

# The gate work (submit, sign off, advance) happens only while the intention is active.
GATE_WORK_STATUSES = frozenset({S.ACTIVE})


def gate_next(status, event) -> str | None:
    return GATE_TRANSITIONS.get((status, event))
