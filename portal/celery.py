"""The Celery app: configured from Django settings (CELERY_*), tasks found in every app."""
import os

from celery import Celery
from celery.signals import worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.local")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Every worker sends again work that lost its worker or its message (portal/worker.py).
from portal.worker import RecoverySweeps  # noqa: E402

app.steps["worker"].add(RecoverySweeps)


@worker_process_init.connect
def _load_pdf_resources(**kwargs):
    """Each pool process parses the print stylesheet and loads fonts once, at start."""
    from portal import pdf

    pdf.shared()
