"""Celery tasks of the pooled budgets app: thin, idempotent, safe to run twice."""
import logging

from celery import shared_task

from .selectors import snapshots_tampered

logger = logging.getLogger(__name__)


@shared_task(name="budgets.verify_snapshots")
def verify_snapshots() -> list[int]:
    """Check every closed quarter's stored position still matches its sha256; log and
    return the ids of any that do not (run it nightly from beat)."""
    bad = snapshots_tampered()
    for snapshot_id in bad:
        logger.error("Quarter snapshot %s no longer matches its sha256", snapshot_id)
    return bad
