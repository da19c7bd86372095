"""The service standard's pages every page links to from its footer, open to everyone.

Accessibility statement, privacy notice, cookies and help/contact. They are plain
templates; who runs the service and how to reach them come from settings
(`PORTAL_OPERATOR`, `PORTAL_CONTACT_EMAIL`, `PORTAL_DPO_EMAIL`) so that each deployment
states its own.
"""
from datetime import timedelta

from django.conf import settings
from django.shortcuts import render
from django.views.decorators.http import require_safe

PAGES = {
    "accessibility": ("pages/accessibility.html", "Accessibility statement"),
    "privacy": ("pages/privacy.html", "Privacy notice"),
    "cookies": ("pages/cookies.html", "Cookies"),
    "help": ("pages/help.html", "Help and contact"),
}


def _cool_off_minutes(value):
    """django-axes takes hours as a number, or a timedelta; anything else is not shown."""
    if isinstance(value, timedelta):
        return round(value.total_seconds() / 60)
    if isinstance(value, int | float):
        return round(value * 60)
    return None


def _context():
    return {
        "operator": settings.PORTAL_OPERATOR,
        "contact_email": settings.PORTAL_CONTACT_EMAIL,
        "dpo_email": settings.PORTAL_DPO_EMAIL,
        "session_hours": settings.SESSION_COOKIE_AGE // 3600,
        "session_minutes": settings.SESSION_COOKIE_AGE // 60,
        "lockout_attempts": settings.AXES_FAILURE_LIMIT,
        "lockout_minutes": _cool_off_minutes(getattr(settings, "AXES_COOLOFF_TIME", None)),
    }


def _page(name):
    template, title = PAGES[name]

    @require_safe
    def view(request):
        return render(request, template, {"page_title": title, **_context()})

    view.__name__ = f"{name}_page"
    return view


accessibility = _page("accessibility")
privacy = _page("privacy")
cookies = _page("cookies")
help_page = _page("help")
