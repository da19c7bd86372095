"""Writes for co-production: each a keyword-only function, one transaction, audited.

Side effects (e-mails) are queued with `transaction.on_commit`.
"""
from .comments import (
    area_moderation_set,
    attribution_for,
    comment_approve,
    comment_create,
    comment_hide,
    comment_report,
    comment_update,
    comment_withdraw,
)
from .consultations import (
    consultation_close,
    consultation_create,
    consultation_publish_responses,
    consultation_update,
)
from .milestones import milestone_set
from .responses import response_save

__all__ = [
    "area_moderation_set", "attribution_for", "comment_approve", "comment_create", "comment_hide",
    "comment_report", "comment_update", "comment_withdraw",
    "consultation_close", "consultation_create", "consultation_publish_responses",
    "consultation_update",
    "milestone_set", "response_save",
]
