"""Shared fixtures. Under CI=true a missing service, browser or tool fails the test."""
import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from rest_framework.test import APIClient

from tests.factories.agencies import AgencyFactory, LocalAreaFactory, member

# The real OpenID Connect provider's fixtures (organisation sign-in tests); every API
# response checked against the schema (tests/api_contract.py).
pytest_plugins = ["tests.sso.provider", "tests.api_contract"]

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
ROOT = Path(settings.BASE_DIR)


def missing(what):
    """Missing locally: skip with the reason. Missing in CI: fail."""
    if CI:
        pytest.fail(f"{what} is required in CI but missing")
    pytest.skip(f"{what} is not available here (set DATABASE_URL/REDIS_URL as CI does)")


def pytest_configure(config):
    _flush_only_the_tables_a_test_wrote()


def _flush_only_the_tables_a_test_wrote():
    """After each transactional test (live server, real workers, threads) Django empties
    every table. On PostgreSQL it does so with one TRUNCATE of all ~190 tables, which
    recreates each table's files: seconds per test on a busy machine. The same end state
    comes from deleting the rows of the few tables that have any (foreign keys are
    deferred to the commit, so the order does not matter). Sequence resets keep TRUNCATE."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    truncate = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if reset_sequences or not tables:
            return truncate(self, style, tables, reset_sequences=reset_sequences,
                            allow_cascade=allow_cascade)
        names = [self.quote_name(table) for table in tables]
        # Django's own table names, quoted: nothing here comes from outside.
        which = " UNION ALL ".join(f"(SELECT {i} FROM {name} LIMIT 1)"  # noqa: S608
                                   for i, name in enumerate(names))
        with self.connection.cursor() as cursor:
            cursor.execute(which)
            written = sorted(row[0] for row in cursor.fetchall())
        return [f"{style.SQL_KEYWORD('DELETE FROM')} {style.SQL_FIELD(names[i])};"
                for i in written]

    DatabaseOperations.sql_flush = sql_flush


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups
def pytest_collection_modifyitems(items):
    """Under pytest-xdist (`--dist loadgroup`) every test that starts a real Celery worker
    runs in the same process, one after another: they share Redis's broker queue."""
    for item in items:
        if item.get_closest_marker("celery_worker"):
            item.add_marker(pytest.mark.xdist_group("celery-worker"))
    # xdist hands out the celery-worker group first (the largest unit), then the other
    # tests one by one in collection order, where pytest-django puts the transactional
    # tests after the others. Within each part the long ones in tests/browser (the crawl,
    # the journeys) go first, so that neither part ends on a long test. (Stable sorts:
    # nothing else changes order.)
    items.sort(key=lambda item: not item.nodeid.startswith("tests/browser/"))


@pytest.fixture
def require_postgres(db):
    if connection.vendor != "postgresql":
        missing("PostgreSQL (DATABASE_URL)")


@pytest.fixture
def require_redis():
    if not settings.REDIS_URL:
        missing("Redis (REDIS_URL)")
    import redis

    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError:
        missing(f"Redis at {settings.REDIS_URL}")


@pytest.fixture
def area(db):
    return LocalAreaFactory(name="Testshire", slug="testshire", reference_prefix="TST")


@pytest.fixture
def other_area(db):
    return LocalAreaFactory(name="Otherton", slug="otherton", reference_prefix="OTH")


@pytest.fixture
def council(area):
    return AgencyFactory(local_area=area, name="Testshire County Council", code="E10000099",
                         is_host=True)


@pytest.fixture
def icb(area):
    return AgencyFactory(local_area=area, name="NHS Testshire ICB", kind="icb", code="QZZ")


@pytest.fixture
def make_member():
    return member


@pytest.fixture
def api():
    """An API client; `api.as_user(user)` authenticates as that person."""
    client = APIClient()

    def as_user(user):
        client.force_authenticate(user=user)
        return client

    client.as_user = as_user
    return client


def pass_two_factor(client, user):
    """Sign `client` in as `user` with a session that has passed two-factor."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or \
        TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def signed_in(client):
    """`signed_in(user)` gives a test client signed in as the person (2FA verified)."""
    return lambda user: pass_two_factor(client, user)


@pytest.fixture(scope="session")
def chromium_path():
    path = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        missing("Chromium (/usr/bin/chromium)")
    return path


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache (rate limits, sessions). On Redis only our own
    prefixed keys are deleted: the broker's queues share the database."""
    from django.core.cache import cache

    if settings.REDIS_URL:
        import redis

        client = redis.Redis.from_url(settings.REDIS_URL)
        prefix = settings.CACHES["default"].get("KEY_PREFIX", "")
        for key in client.scan_iter(match=f"{prefix}:*", count=500):
            client.delete(key)
    else:
        cache.clear()
    yield


# --- the Celery broker: pointed elsewhere, or down ------------------------------------------
def free_port():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def point_celery_at(settings, url):
    """This process queues tasks on the broker at `url` (the Celery app and portal.broker)."""
    from portal.celery import app

    settings.CELERY_BROKER_URL = url
    app.conf.broker_url = url
    app._after_fork()  # drop the pooled connections to the old broker


@pytest.fixture
def redis_down(settings):
    """Celery (and portal.broker) point at a port nothing listens on; tasks are not eager."""
    from portal.celery import app

    before, was_eager = app.conf.broker_url, app.conf.task_always_eager
    url = f"redis://127.0.0.1:{free_port()}/0"
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.task_always_eager = False
    point_celery_at(settings, url)
    yield url
    app.conf.broker_url, app.conf.task_always_eager = before, was_eager
    app._after_fork()
