"""Test settings: the embedded default, or PostgreSQL/Redis when DATABASE_URL/REDIS_URL are set."""
from .base import *

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ALLOWED_HOSTS = ["*"]
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["TEST"] = {
        "NAME": str(BASE_DIR / env("TEST_DB_NAME", default="build/test-db.sqlite3"))}
# pytest-xdist runs the suite in several processes ("gw0", "gw1", ...): each keeps its own
# cache keys and media files so that parallel tests cannot clear or overwrite each other's.
XDIST_WORKER = env("PYTEST_XDIST_WORKER", default="")
_suffix = f"-{XDIST_WORKER}" if XDIST_WORKER else ""
# Tests share one Redis with other projects: keep to a key prefix of our own.
if REDIS_URL:
    CACHES["default"]["KEY_PREFIX"] = f"jcp-test{_suffix}"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "build" / f"test-media{_suffix}")))
AXES_FAILURE_LIMIT = 5
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tasks run in-process unless a test starts a real worker (tests/governance does).
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_EAGER", default=True)
# Deferred tasks run inline in tests (deterministic); tests of the deferral turn it on.
CELERY_EAGER_IN_THREAD = env.bool("CELERY_EAGER_IN_THREAD", default=False)
# Fault tests slow report production down in a real worker (governance.services.reports):
# seconds to wait after claiming a report, read from the worker's environment.
GOVERNANCE_REPORT_TEST_DELAY = env.float("GOVERNANCE_REPORT_TEST_DELAY", default=0)
