"""Celery tasks of the needs app: thin, take ids, safe to run twice."""
from celery import shared_task
from django.db import OperationalError

from . import services


@shared_task(bind=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def import_run_task(self, run_id: int, dry_run: bool) -> str:
    run = services.import_run_execute(run_id=run_id, dry_run=dry_run)
    return run.status
