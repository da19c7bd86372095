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


@pytest.fixture
def produced(gov, produce):
    """The board's Q2 2025-26 report, requested and produced (eager Celery), ready."""
    return produce(actor=None, board=gov.board, year="2025-26", quarter=2)


# --- a real Celery worker ---------------------------------------------------------------
def _worker_env(visibility_timeout, extra=None):
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
    env.update(extra or {})
    return env


class Worker:
    """`celery -A portal worker -P prefork -c N` (1 unless asked) in its own process group."""

    def __init__(self, log_path, visibility_timeout, env=None, concurrency=1):
        self.log_path = log_path
        self.visibility_timeout = visibility_timeout
        self.env = env or {}
        self.concurrency = concurrency
        self.process = None

    def start(self):
        log = open(self.log_path, "ab")  # noqa: SIM115 - closed with the process
        self.process = subprocess.Popen(
            [str(ROOT / ".venv/bin/celery"), "-A", "portal", "worker", "-P", "prefork",
             "-c", str(self.concurrency), "--loglevel", "INFO", "--without-gossip",
             "--without-mingle", "--without-heartbeat", "-n", f"jcp-gov-{os.getpid()}@%h"],
            cwd=ROOT, env=_worker_env(self.visibility_timeout, self.env), stdout=log,
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
        def start(self, visibility_timeout=12, concurrency=1, **env):
            """Start a worker; `env` adds to its environment (e.g. REDIS_URL,
            GOVERNANCE_REPORT_TEST_DELAY)."""
            worker = Worker(tmp_path / f"worker-{len(workers)}.log", visibility_timeout,
                            {k: str(v) for k, v in env.items()}, concurrency)
            workers.append(worker)
            return worker.start()

    yield Control()
    for worker in workers:
        worker.stop()
    app.conf.task_always_eager = was_eager
    clean()
    print("".join(w.log()[-3000:] for w in workers), file=sys.stderr)


# --- a Redis of the test's own, to restart empty -------------------------------------------
from tests.conftest import free_port, point_celery_at  # noqa: E402


class OwnRedis:
    """`redis-server` on a free port, without persistence, that the test may restart."""

    def __init__(self, tmp_path):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.dir = tmp_path
        self.process = None

    def start(self):
        import redis

        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.dir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                if redis.Redis(port=self.port, socket_connect_timeout=0.2).ping():
                    return self
            except redis.RedisError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def restart_empty(self):
        """`redis-cli shutdown nosave`, then start again: every queued message is gone."""
        subprocess.run(["redis-cli", "-p", str(self.port), "shutdown", "nosave"],
                       check=False, capture_output=True, timeout=10)
        self.process.wait(timeout=10)
        return self.start()

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@pytest.fixture
def own_redis(tmp_path, settings):
    """A Redis server of the test's own; this process's Celery app queues on it."""
    import shutil

    from portal.celery import app

    if not shutil.which("redis-server"):
        from tests.conftest import missing

        missing("redis-server")
    server = OwnRedis(tmp_path).start()
    before = app.conf.broker_url
    point_celery_at(settings, server.url)
    yield server
    server.stop()
    app.conf.broker_url = before
    app._after_fork()
