"""Recovery inside every Celery worker, without beat.

`RecoverySweeps` is a worker bootstep (added to the app in `portal/celery.py`). When the
worker starts, and every `PORTAL_WORKER_SWEEP_INTERVAL` seconds after, a thread of the
worker's main process calls each function named in `PORTAL_WORKER_SWEEPS` (dotted paths,
no arguments): today `governance.services.reports_recover_stuck`, which sends again a
report whose worker was killed (its lease ran out) or whose message was lost (Redis
restarted empty). A thread, so the worker's event loop never waits on the database; it
closes its database connections after each round, so a pool process forked later never
shares one. The sweeps are safe to run in every worker at once (each re-checks a report
under its row and advisory locks before sending it again).
"""
import logging
import threading

from celery import bootsteps
from django.conf import settings
from django.db import connections
from django.utils.module_loading import import_string

log = logging.getLogger(__name__)


def run_sweeps():
    """One round of every configured sweep; an error in one is logged, never raised."""
    results = {}
    for path in getattr(settings, "PORTAL_WORKER_SWEEPS", []):
        try:
            results[path] = import_string(path)()
        except Exception:  # noqa: BLE001 - a sweep must not stop the worker or the others
            log.exception("Worker sweep %s failed", path)
        finally:
            connections.close_all()
    return results


class RecoverySweeps(bootsteps.StartStopStep):
    """Run `run_sweeps` at worker start and then every PORTAL_WORKER_SWEEP_INTERVAL s."""

    label = "recovery sweeps"

    def __init__(self, parent, **kwargs):
        super().__init__(parent, **kwargs)
        self.stopping = threading.Event()
        self.thread = None

    def start(self, parent):
        interval = float(getattr(settings, "PORTAL_WORKER_SWEEP_INTERVAL", 5))
        if interval <= 0:
            return

        def loop():
            while True:
                for path, recovered in run_sweeps().items():
                    if recovered:
                        log.warning("Worker sweep %s sent again: %s", path, recovered)
                if self.stopping.wait(interval):
                    return

        self.thread = threading.Thread(target=loop, name="portal-recovery", daemon=True)
        self.thread.start()

    def stop(self, parent):
        self.stopping.set()

    def shutdown(self, parent):
        self.stopping.set()
