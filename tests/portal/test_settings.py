"""Production settings: `check --deploy` is clean, and insecure defaults are refused."""
import os
import subprocess
import sys

from django.conf import settings

STRONG = "k" * 20 + "Zq8-" * 10 + "x" * 20


def manage(*args, **env):
    dropped = ("SECRET_KEY", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")
    base = {k: v for k, v in os.environ.items() if k not in dropped}
    base.update({"DJANGO_SETTINGS_MODULE": "portal.settings.production",
                 "ALLOWED_HOSTS": "portal.example.org",
                 "SITE_URL": "https://portal.example.org"}, **env)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=settings.BASE_DIR,
                          env=base, capture_output=True, text=True, timeout=120)


def test_check_deploy_is_clean():
    result = manage("check", "--deploy", "--fail-level", "WARNING", SECRET_KEY=STRONG)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_the_development_secret_key():
    result = manage("check")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_local_settings_switch_to_production(tmp_path):
    result = manage("check", DJANGO_SETTINGS_MODULE="portal.settings.local",
                    DJANGO_ENV="production")
    assert result.returncode != 0 and "SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_the_site_address():
    """E-mails link to SITE_URL: production never falls back to a development address."""
    result = manage("check", SECRET_KEY=STRONG, SITE_URL="", PORTAL_BASE_URL="")
    assert result.returncode != 0 and "SITE_URL must be set" in result.stderr
