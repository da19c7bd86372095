"""Writes for pooled budgets, split by noun. Every function is keyword-only, one
transaction, checks permission when an actor is given (actor None = the system, e.g. the
area-file loader) and records the actor for the audit history."""
from .agreements import (
    agreement_create,
    agreement_update,
    contribution_set,
    contribution_vary,
    risk_rule_clear,
    risk_rule_set,
    schedule_create,
    schedule_update,
)
from .commentary import commentary_set, commentary_set_many
from .forecasts import commitment_set, forecast_set, forecasts_set
from .packages import (
    joint_package_create,
    joint_package_grant,
    joint_package_revoke,
    joint_package_split_set,
    joint_package_update,
)
from .quarters import (
    quarter_close,
    quarter_confirm,
    quarter_reopen,
    quarter_return,
    quarter_submit,
)
from .settlement import settlement_sign
from .spend import spend_create, spend_import
from .virements import virement_approve, virement_propose, virement_reject

__all__ = [
    "agreement_create", "agreement_update", "commentary_set", "commentary_set_many",
    "commitment_set", "contribution_set",
    "contribution_vary", "forecast_set", "forecasts_set", "joint_package_create",
    "joint_package_grant", "joint_package_revoke", "joint_package_split_set",
    "joint_package_update", "quarter_close", "quarter_confirm", "quarter_reopen",
    "quarter_return", "quarter_submit", "risk_rule_clear", "risk_rule_set",
    "schedule_create", "schedule_update", "settlement_sign", "spend_create", "spend_import",
    "virement_approve", "virement_propose", "virement_reject",
]
