"""Writes for governance, one module per noun; import them from here."""
from .boards import (
    board_access_sync,
    board_create,
    board_member_add,
    board_member_end,
    board_member_update,
    board_update,
)
from .meetings import (
    agenda_item_add,
    attendance_set,
    decision_record,
    meeting_create,
    meeting_update,
    quorum_check,
)
from .reports import (
    report_comment_add,
    report_mark_read,
    report_produce,
    report_publish,
    report_request,
    reports_recover_stuck,
    reports_release,
    reports_request_due,
    reports_request_quarter,
)
from .schedules import meeting_schedule_generate, schedule_dates

__all__ = [
    "agenda_item_add", "attendance_set", "board_access_sync", "board_create",
    "board_member_add", "board_member_end", "board_member_update", "board_update",
    "decision_record", "meeting_create", "meeting_schedule_generate", "meeting_update",
    "quorum_check", "report_comment_add", "report_mark_read", "report_produce",
    "report_publish", "report_request", "reports_recover_stuck", "reports_release",
    "reports_request_due", "reports_request_quarter", "schedule_dates",
]
