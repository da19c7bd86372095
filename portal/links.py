"""Absolute links for places with no request to take the host from: e-mails, above all.

Every link the portal puts in an e-mail is built here, from `settings.SITE_URL` (the
environment setting SITE_URL, documented in the README), so no e-mail ever points at a
development address such as localhost:8000.
"""
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse


def site_url() -> str:
    """The configured address, without a trailing slash (e.g. https://portal.example.org)."""
    return (getattr(settings, "SITE_URL", "") or "").rstrip("/")


def absolute(path: str) -> str:
    """`/intentions/3/` -> `https://portal.example.org/intentions/3/`."""
    if not path.startswith("/"):
        path = "/" + path
    return site_url() + path


def absolute_url(name: str, *args, query: str = "", **kwargs) -> str:
    """reverse(name) as an absolute link; `query` is appended after a `?` when given."""
    link = absolute(reverse(name, args=args or None, kwargs=kwargs or None))
    return f"{link}?{query}" if query else link


def site_parts() -> tuple[str, str]:
    """(protocol, domain) of the configured address, for Django's password-reset e-mail."""
    parts = urlsplit(site_url())
    return parts.scheme or "https", parts.netloc + parts.path
