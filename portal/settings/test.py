"""Test settings: the embedded default, or PostgreSQL/Redis when DATABASE_URL/REDIS_URL are set."""
from .base import *

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ALLOWED_HOSTS = ["*"]
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["TEST"] = {
        "NAME": str(BASE_DIR / env("TEST_DB_NAME", default="build/test-db.sqlite3"))}
# Tests share one Redis with other projects: keep to a key prefix of our own.
if REDIS_URL:
    CACHES["default"]["KEY_PREFIX"] = "jcp-test"
AXES_FAILURE_LIMIT = 5
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tasks run in-process unless a test starts a real worker (tests/governance does).
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_EAGER", default=True)
# Deferred tasks run inline in tests (deterministic); tests of the deferral turn it on.
CELERY_EAGER_IN_THREAD = env.bool("CELERY_EAGER_IN_THREAD", default=False)
