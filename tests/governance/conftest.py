"""Fixtures for governance: a board with its people, stored PDFs in a temporary
MEDIA_ROOT, and a real Celery worker subprocess on Redis and PostgreSQL."""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from agencies.roles import Role
from tests.factories.governance import board, seat

ROOT = Path(settings.BASE_DIR)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


class Gov:
    """A board in Testshire and the people around it."""


@pytest.fixture
def gov(area, council, icb, make_member):
    g = Gov()
    g.area, g.council, g.icb = area, council, icb
    g.board = board(area, name="SEND Strategic Board", scope=[council, icb], quorum=2,
                    delegated_limit="2000000.00")
    g.board.quorum_agencies.set([council, icb])
    # Agency roles give area access; seats give the board's own permissions.
    g.secretary = make_member(council, Role.BOARD_SECRETARY, username="sec")
    g.chair = make_member(icb, Role.BOARD_MEMBER, username="chair")
    g.member = make_member(council, Role.BOARD_MEMBER, username="member")
    g.commissioner = make_member(council, Role.COMMISSIONER, username="commissioner")
    g.admin = make_member(council, Role.ADMIN, username="admin")
    g.parent_carer = make_member(council, Role.PARENT_CARER, username="carer")
    seat(g.board, council, "secretary", user=g.secretary)
    seat(g.board, icb, "chair", user=g.chair)
    seat(g.board, council, "member", user=g.member)
    return g


@pytest.fixture
def produce(django_capture_on_commit_callbacks):
    """`produce(actor=..., board=..., year=..., quarter=...)`: request a report and run the
    queued task (eager, as on the embedded default); the report as stored."""
    def run(**kwargs):
        from governance import services
        from governance.models import BoardReport

        with django_capture_on_commit_callbacks(execute=True):
            report, _ = services.report_request(**kwargs)
        return BoardReport.objects.get(pk=report.pk)
    return run


# --- a real Celery worker ---------------------------------------------------------------
def _worker_env(visibility_timeout):
    db = connection.settings_dict  # NAME is the pytest test database here
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = dict(os.environ)
    env.update({
        "DJANGO_SETTINGS_MODULE": "portal.settings.test", "CELERY_EAGER": "false",
        "DATABASE_URL": url, "REDIS_URL": settings.REDIS_URL,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "CELERY_VISIBILITY_TIMEOUT": str(visibility_timeout),
        "PYTHONUNBUFFERED": "1",
    })
    return env


class Worker:
    """`celery -A portal worker -P prefork -c 1` in its own process group."""

    def __init__(self, log_path, visibility_timeout):
        self.log_path = log_path
        self.visibility_timeout = visibility_timeout
        self.process = None

    def start(self):
        log = open(self.log_path, "ab")  # noqa: SIM115 - closed with the process
        self.process = subprocess.Popen(
            [str(ROOT / ".venv/bin/celery"), "-A", "portal", "worker", "-P", "prefork",
             "-c", "1", "--loglevel", "INFO", "--without-gossip", "--without-mingle",
             "--without-heartbeat", "-n", f"jcp-gov-{os.getpid()}@%h"],
            cwd=ROOT, env=_worker_env(self.visibility_timeout), stdout=log,
            stderr=subprocess.STDOUT, start_new_session=True)
        self._wait_ready()
        return self

    def _wait_ready(self, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("Celery worker exited:\n" + self.log())
            if "ready." in self.log():
                return
            time.sleep(0.2)
        raise RuntimeError("Celery worker did not start:\n" + self.log())

    def log(self):
        return Path(self.log_path).read_text(errors="replace")

    def kill(self):
        """SIGKILL the worker and its pool children (the whole process group)."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)


@pytest.fixture
def celery_worker(require_postgres, require_redis, settings, tmp_path):
    """Start workers on demand (`celery_worker.start()`); tasks leave this process for
    Redis for the duration of the test."""
    import redis

    from portal.celery import app

    if connection.vendor != "postgresql":
        pytest.fail("the worker tests need PostgreSQL")
    client = redis.Redis.from_url(settings.REDIS_URL)
    own_db = client.connection_pool.connection_kwargs.get("db", 0) != 0

    def clean():
        # The broker's keys (queue, unacked, bindings) go; the cache keys of tests running
        # in parallel processes ("jcp-test-gw<n>:...") stay. On the shared db 0 only the
        # Celery queue is purged.
        if own_db:
            for key in client.scan_iter(count=500):
                if not key.startswith(b"jcp-test"):
                    client.delete(key)
        else:
            app.control.purge()

    clean()
    was_eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    settings.CELERY_TASK_ALWAYS_EAGER = False
    workers = []

    class Control:
        def start(self, visibility_timeout=12):
            worker = Worker(tmp_path / f"worker-{len(workers)}.log", visibility_timeout)
            workers.append(worker)
            return worker.start()

    yield Control()
    for worker in workers:
        worker.stop()
    app.conf.task_always_eager = was_eager
    clean()
    print("".join(w.log()[-3000:] for w in workers), file=sys.stderr)
