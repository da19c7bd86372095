"""Development on one machine: SQLite and eager Celery unless DATABASE_URL/REDIS_URL say so."""
import os

os.environ.setdefault("DEBUG", "true")

from .base import *  # noqa: E402

if env("DJANGO_ENV", default="local") == "production":
    from .production import *  # noqa: F401,E402
