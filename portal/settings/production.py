"""Production: refuses insecure defaults; `manage.py check --deploy` is clean."""
from django.core.exceptions import ImproperlyConfigured

from .base import *

DEBUG = False
if SECRET_KEY == DEV_SECRET_KEY or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured(
        "SECRET_KEY must be set in the environment (50+ characters) in production."
    )
# E-mails must link to the real site, never to a development address (portal/links.py).
if not env("SITE_URL", default=env("PORTAL_BASE_URL", default="")):
    raise ImproperlyConfigured(
        "SITE_URL must be set in production (e.g. https://portal.example.org): "
        "e-mails link to it.")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
IS_PRODUCTION = True
