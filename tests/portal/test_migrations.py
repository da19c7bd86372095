"""The migrations are what every deployment runs. The suite builds its test databases straight
from the models (`--no-migrations`: 3 s instead of 35 s a process), so these tests prove the
two agree: every model change has its migration, and the migrations build a database from
empty on the suite's own engine (PostgreSQL in CI), with every migration on disk applied."""
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connection

ROOT = Path(settings.BASE_DIR)


@pytest.mark.django_db
def test_every_model_change_has_its_migration():
    try:
        call_command("makemigrations", "--check", "--dry-run", verbosity=0)
    except SystemExit as exc:
        pytest.fail(f"models changed without a migration (makemigrations exited {exc.code})")


@pytest.fixture
def empty_database(transactional_db):  # autocommit: CREATE DATABASE refuses a transaction
    """The URL of a new, empty database on the suite's engine; dropped afterwards."""
    if connection.vendor == "sqlite":
        path = ROOT / "build" / f"migrations-{uuid.uuid4().hex[:8]}.sqlite3"
        yield f"sqlite:///{path}"
        path.unlink(missing_ok=True)
        return
    name = f"jcp_migrations_{uuid.uuid4().hex[:8]}"
    admin = settings.DATABASES["default"]
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')  # our own generated name
    auth = admin["USER"] + (f":{admin['PASSWORD']}" if admin.get("PASSWORD") else "")
    yield f"postgres://{auth}@{admin['HOST'] or '127.0.0.1'}:{admin['PORT'] or 5432}/{name}"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.django_db
def test_the_migrations_build_an_empty_database(empty_database):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update(DATABASE_URL=empty_database, DJANGO_SETTINGS_MODULE="portal.settings.test")
    result = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    listed = subprocess.run(
        [sys.executable, "manage.py", "showmigrations", "--plan"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    plan = dict(line.split(None, 1)[::-1] for line in listed.stdout.splitlines())
    assert set(plan.values()) == {"[X]"}, listed.stdout
    assert set(plan) == on_disk(), listed.stdout


def on_disk():
    """Every migration file of every installed app, as `label.name`. (This process was
    started with migrations turned off, so they are read from the disk, not the loader.)"""
    return {f"{config.label}.{path.stem}" for config in apps.get_app_configs()
            for path in (Path(config.path) / "migrations").glob("0*.py")}
