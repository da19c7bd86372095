"""Writes of the commissioning cycle: one transaction each, audited, side effects on commit.

Split by noun: intentions (create, edit, status transitions, checklist, notes), gates
(submit, sign off, refer to a board, board decision, advance) and plans (strategies,
action plans, disagreements).
"""
from .gates import (
    board_referral_create,
    board_referral_decide,
    gate_submit,
    intention_advance,
    intention_sign_off,
    referrals_reroute,
)
from .intentions import (
    checklist_tick,
    intention_create,
    intention_note_add,
    intention_transition,
    intention_update,
)
from .plans import (
    action_create,
    action_plan_create,
    action_plan_update,
    action_update,
    disagreement_create,
    disagreement_escalate,
    disagreement_resolve,
    strategy_create,
    strategy_update,
)

__all__ = [
    "action_create", "action_plan_create", "action_plan_update", "action_update",
    "board_referral_create", "board_referral_decide", "checklist_tick",
    "disagreement_create", "disagreement_escalate", "disagreement_resolve", "gate_submit",
    "intention_advance", "intention_create", "intention_note_add", "intention_sign_off",
    "intention_transition", "intention_update", "referrals_reroute", "strategy_create",
    "strategy_update",
]
