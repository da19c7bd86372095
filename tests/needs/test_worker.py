"""Imports on the real services: a Celery worker subprocess on Redis and PostgreSQL. The
page's progress (rows read so far, in the Redis cache) is visible while the worker runs."""
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from needs import services
from needs.models import ImportRun, ImportStatus, Observation
from tests.factories.agencies import UserFactory
from tests.factories.needs import GeographyFactory, IndicatorFactory

# xdist_group: every test that starts a real worker runs in one pytest process, one after
# another (`--dist loadgroup`): the workers share Redis's queue and would take each
# other's tasks.
pytestmark = [pytest.mark.celery_worker, pytest.mark.postgres,
              pytest.mark.xdist_group("celery-worker"),
              pytest.mark.django_db(transaction=True)]
ROOT = Path(settings.BASE_DIR)
ROWS = 60_000


@pytest.fixture
def worker(require_postgres, require_redis, settings, tmp_path):
    from portal.celery import app

    settings.MEDIA_ROOT = tmp_path / "media"
    db = connection.settings_dict  # the pytest test database
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings.test",
           "CELERY_EAGER": "false", "REDIS_URL": settings.REDIS_URL,
           "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:"
                           f"{db['PORT'] or 5432}/{db['NAME']}",
           "MEDIA_ROOT": str(settings.MEDIA_ROOT), "PYTHONUNBUFFERED": "1"}
    log_path = tmp_path / "worker.log"
    with open(log_path, "ab") as log:
        process = subprocess.Popen(
            [str(ROOT / ".venv/bin/celery"), "-A", "portal", "worker", "-P", "solo",
             "--loglevel", "INFO", "--without-gossip", "--without-mingle",
             "--without-heartbeat", "-n", f"jcp-needs-{os.getpid()}@%h"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 60
    while "ready." not in log_path.read_text(errors="replace"):
        assert process.poll() is None and time.monotonic() < deadline, log_path.read_text()
        time.sleep(0.2)
    was_eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield process
    app.conf.task_always_eager = was_eager
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=30)


def _wait(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


def test_import_runs_on_a_worker_with_progress(area, council, make_member, worker):
    indicators = [IndicatorFactory(code=f"w-{i}") for i in range(20)]
    geographies = [GeographyFactory(code=f"E0{g:07d}") for g in range(600)]
    lines = ["indicator_code,area_code,period,value,numerator,denominator,lower_ci,upper_ci"]
    lines += [f"{i.code},{g.code},{2020 + p},{p + 1}.5,,,," for i in indicators
              for g in geographies for p in range(5)]
    assert len(lines) - 1 == ROWS
    upload = SimpleUploadedFile("big.csv", ("\n".join(lines) + "\n").encode())
    # 600 geographies of published data: a platform import (an area imports only its own).
    user = UserFactory(username="platform.admin", is_superuser=True)
    run = services.import_run_create(actor=user, local_area=None, upload=upload,
                                     platform=True)

    def status():
        return ImportRun.objects.values_list("status", flat=True).get(pk=run.pk)

    seen = []

    def progressed():
        rows = services.import_progress(run.pk).get("rows", 0)
        if rows:
            seen.append(rows)
        return status() == ImportStatus.PREVIEWED

    _wait(progressed, 120, "the check to finish")
    assert seen and 0 < min(seen) < ROWS  # the page could show rows read while it ran
    run.refresh_from_db()
    assert (run.rows, run.new, run.error_count) == (ROWS, ROWS, 0)
    assert Observation.objects.count() == 0
    services.import_run_confirm(actor=user, run=run)
    _wait(lambda: status() == ImportStatus.IMPORTED, 120, "the import to finish")
    assert Observation.objects.count() == ROWS
