"""The current local area of a request, two-factor sign-in, and session time-outs."""
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from . import permissions
from .signals import SESSION_SEEN, SESSION_STARTED
from .twofactor import needs_two_factor, requires_second_factor  # noqa: F401 (re-exported)

SESSION_KEY = "current_area_id"


def current_area(request):
    from .models import LocalArea

    user = request.user
    if not user.is_authenticated:
        return None
    ids = permissions.area_ids_for(user)
    if not ids:
        return None
    chosen = request.session.get(SESSION_KEY)
    if chosen not in ids:
        chosen = min(ids)
    # No prefetch of the stages: every page pays for the area, few pages show its stages.
    return LocalArea.objects.filter(pk=chosen).first()


class CurrentAreaMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.area = SimpleLazyObject(lambda: current_area(request))
        return self.get_response(request)


class TwoFactorRequiredMiddleware:
    """Accounts that have or need a second factor (local-area administrators) must pass it
    before anything else. The API is not exempt from two-factor, only from this redirect:
    its authentication classes refuse unverified sessions and tokens
    (agencies.authentication)."""

    # The footer's pages (accessibility, privacy, cookies, help) stay readable mid-sign-in.
    allowed_prefixes = ("/account/", "/static/", "/assets/", "/healthz", "/public/", "/api/",
                        "/accessibility/", "/privacy/", "/cookies/", "/help/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (user.is_authenticated and not request.path.startswith(self.allowed_prefixes)
                and requires_second_factor(user) and not user.is_verified()):
            return redirect(f"{reverse('agencies:two-factor')}?next={request.path}")
        return self.get_response(request)


class SessionTimeoutMiddleware:
    """Signed-in sessions end after SESSION_IDLE_TIMEOUT seconds without a request and
    SESSION_ABSOLUTE_TIMEOUT seconds after sign-in, whatever happens (ASVS 3.3.2).

    The last-seen time is written at most once a minute, so most requests cost no write.
    """

    write_every = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and request.user.is_authenticated:
            now = int(time.time())
            started = session.get(SESSION_STARTED)
            seen = session.get(SESSION_SEEN)
            if started is None or seen is None:  # a session from before this rule
                session[SESSION_STARTED] = started = now
                session[SESSION_SEEN] = seen = now
            idle = now - seen > settings.SESSION_IDLE_TIMEOUT
            if idle or now - started > settings.SESSION_ABSOLUTE_TIMEOUT:
                logout(request)  # flushes the session; the request goes on signed out
                request.session_timed_out = True
                if not request.path.startswith("/api/"):
                    messages.info(request, (
                        f"You were signed out after {settings.SESSION_IDLE_TIMEOUT // 60} "
                        "minutes without activity." if idle else
                        f"You were signed out {settings.SESSION_ABSOLUTE_TIMEOUT // 3600} hours "
                        "after you signed in.") + " Sign in again to carry on.")
            elif now - seen >= self.write_every:
                session[SESSION_SEEN] = now
        return self.get_response(request)
