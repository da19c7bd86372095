"""Sign-in lockout (django-axes) per account and per address, on pages and API alike; and
the throttle on password-reset e-mails.

Axes counts failures by the text typed; we give it the account instead: a username or
e-mail address in any capitalisation resolves to the account's username, and an unknown
name counts under its case-folded text. Failures are also counted per IP address, with a
larger allowance (LOGIN_FAILURE_LIMIT_PER_IP) so that one office behind a proxy is not
locked out by one person's typing.
"""
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from django.conf import settings
from django.db.models import Q, Sum
from django.http import JsonResponse
from django.shortcuts import render
from django_ratelimit.core import is_ratelimited

LOCKED_MESSAGE = ("Too many failed attempts to sign in: this account is locked for 30 "
                  "minutes. Try again later, or reset your password.")


def client_ip(request) -> str:
    """The client's address: REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT reverse proxies the
    address the nearest of them saw (X-Forwarded-For, counted from the right: the entries
    to its left are whatever the client sent, so they are never believed)."""
    count = settings.TRUSTED_PROXY_COUNT
    if count:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
                if hop.strip()]
        if len(hops) >= count:
            return hops[-count]
    return request.META.get("REMOTE_ADDR", "")


def account_key(request, credentials) -> str | None:
    """AXES_USERNAME_CALLABLE: the account a sign-in attempt is aimed at."""
    from .models import User

    field = settings.AXES_USERNAME_FORM_FIELD
    text = (credentials or {}).get(field)
    if text is None and request is not None:
        text = request.POST.get(field)
    text = str(text or "").strip()
    if not text:
        return None
    user = User.objects.filter(Q(username__iexact=text) | Q(email__iexact=text)).only(
        "username").first()
    return user.username if user else text.casefold()


class AccountAndAddressHandler(AxesDatabaseHandler):
    """AXES_LOCKOUT_PARAMETERS is ["username", "ip_address"]; Axes would hold both to one
    limit. The account keeps AXES_FAILURE_LIMIT, the address gets its own."""

    def get_failures(self, request, credentials=None) -> int:
        counts = [attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
                  for attempts in self.get_user_attempts(request, credentials)]
        per_account, per_address = (counts + [0, 0])[:2]
        if per_address >= settings.LOGIN_FAILURE_LIMIT_PER_IP:
            return max(per_account, get_failure_limit(request, credentials))
        return per_account

    def reset_user_attempts(self, request, credentials=None) -> int:
        # A success clears the account's count only: signing in to one account must not
        # wipe the address's count of guesses at others.
        attempts = self.get_user_attempts(request, credentials)[:1]
        return sum(qs.delete()[0] for qs in attempts)


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: the API answers its JSON error body, pages the GOV.UK page."""
    if request.path.startswith("/api/"):
        response = JsonResponse({"message": LOCKED_MESSAGE, "errors": {}, "code": "locked_out"},
                                status=429)
    else:
        response = render(request, settings.AXES_LOCKOUT_TEMPLATE, status=429)
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME * 3600))
    return response


def password_reset_throttled(request, email: str) -> bool:
    """Count a password-reset request; True when its address or the IP is over the limit.
    Both counters advance on every request, so neither can be reset by the other."""
    address = email.strip().casefold()
    limited = is_ratelimited(request, group="agencies.password-reset.address",
                             key=lambda group, req: address,
                             rate=settings.PASSWORD_RESET_RATE_PER_ADDRESS, method="POST",
                             increment=True)
    limited |= is_ratelimited(request, group="agencies.password-reset.ip",
                              key=lambda group, req: client_ip(req),
                              rate=settings.PASSWORD_RESET_RATE_PER_IP, method="POST",
                              increment=True)
    return limited
