"""Pages of the commissioning cycle; thin — rules live in services, reads in selectors."""
from .gates import approvals, gate_submit, intention_advance, referral_create, sign_off
from .intentions import (
    intention_by_stage,
    intention_checklist,
    intention_create,
    intention_detail,
    intention_edit,
    intention_export,
    intention_list,
    intention_note,
    intention_transition,
)
from .plans import (
    action_create,
    action_edit,
    action_plan_detail,
    action_plan_list,
    disagreement_create,
    disagreement_detail,
    disagreement_escalate,
    disagreement_list,
    disagreement_resolve,
    strategy_detail,
    strategy_edit,
    strategy_list,
)

__all__ = [
    "action_create", "action_edit", "action_plan_detail", "action_plan_list", "approvals",
    "disagreement_create", "disagreement_detail", "disagreement_escalate",
    "disagreement_list", "disagreement_resolve", "gate_submit", "intention_advance",
    "intention_by_stage", "intention_checklist", "intention_create", "intention_detail",
    "intention_edit", "intention_export", "intention_list", "intention_note",
    "intention_transition", "referral_create", "sign_off", "strategy_detail", "strategy_edit",
    "strategy_list",
]
