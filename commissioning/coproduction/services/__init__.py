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
from .documents import document_add, document_remove
from .follows import (
    follow_confirm,
    follow_start,
    follow_stop,
    notify_followers,
    public_follow_start,
)
from .milestones import milestone_set
from .questions import (
    question_create,
    question_delete,
    question_move,
    question_update,
    question_we_did,
    questions_reorder,
)
from .responses import response_save
from .submissions import (
    answer_save,
    public_submission_create,
    public_submission_start,
    submission_answer,
    submission_approve,
    submission_confirm,
    submission_hide,
    submission_send,
    submission_withdraw,
)

__all__ = [
    "area_moderation_set", "attribution_for", "comment_approve", "comment_create", "comment_hide",
    "comment_report", "comment_update", "comment_withdraw",
    "consultation_close", "consultation_create", "consultation_publish_responses",
    "consultation_update",
    "milestone_set", "response_save",
    "document_add", "document_remove", "follow_confirm", "follow_start", "follow_stop",
    "notify_followers", "public_follow_start", "question_create", "question_delete",
    "question_move", "question_update", "question_we_did", "questions_reorder",
    "answer_save", "public_submission_create", "public_submission_start", "submission_answer",
    "submission_approve", "submission_confirm", "submission_hide", "submission_send",
    "submission_withdraw",
]
