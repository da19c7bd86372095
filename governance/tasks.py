"""Celery finds tasks in `<app>.tasks`; governance's live in `reports/tasks.py`."""
from .reports.tasks import (  # noqa: F401
    notify_report_published,
    produce_board_report,
    recover_stuck_reports,
    request_due_reports,
    sync_board_access,
)
