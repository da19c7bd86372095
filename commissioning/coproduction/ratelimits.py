"""Rate limits on posting comments: per person and per local area.

Counted from the comments actually posted (the database, shared by every web process), so
an attempt that is refused — by a limit, a closed consultation or an invalid form — uses
up nobody's allowance, and people who share an IP address (a council's proxy, a school's
network) never limit each other. The per-area limit caps a flood in one area without
touching other areas. Rates are settings ("10/h", "200/h", "5/15m") so a deployment can
tune them.
"""
import re
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from .models import Comment

MESSAGE = ("You have posted a lot of comments in a short time. Wait a few minutes, then try "
           "again. If you need to say more now, contact your local-area administrator.")
AREA_MESSAGE = ("A great many comments have been posted in this local area in a short time, "
                "so posting is paused for a while. Try again later; nothing you typed is "
                "lost if you keep this page open.")
UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*$")


def parse_rate(rate: str) -> tuple[int, timedelta]:
    """"10/h" -> (10, one hour); "5/15m" -> (5, fifteen minutes)."""
    match = RATE.match(rate or "")
    if match is None:
        raise ValueError(f"Not a rate like 10/h: {rate!r}")
    count, multiple, unit = match.groups()
    return int(count), timedelta(seconds=int(multiple or 1) * UNITS[unit])


def rates() -> dict:
    return {"person": getattr(settings, "COPRODUCTION_COMMENT_RATE_PER_PERSON", "10/h"),
            "area": getattr(settings, "COPRODUCTION_COMMENT_RATE_PER_AREA", "200/h")}


def comment_rate_limited(*, actor, area_id, now=None) -> str:
    """The message when one more comment by `actor` in the area would go over a limit;
    "" when it may be posted. Two counts on indexed columns."""
    now = now or timezone.now()
    limits = rates()
    count, period = parse_rate(limits["person"])
    if Comment.objects.filter(author=actor, created_at__gte=now - period).count() >= count:
        return MESSAGE
    count, period = parse_rate(limits["area"])
    if Comment.objects.filter(intention__local_area_id=area_id,
                              created_at__gte=now - period).count() >= count:
        return AREA_MESSAGE
    return ""


# --- the public (no account): per address and per e-mail (as password resets) ---------
PUBLIC_MESSAGE = ("Too many answers or requests have been sent from here or for this e-mail "
                  "address in a short time. Wait a while, then try again.")


def public_rates() -> dict:
    return {"ip": getattr(settings, "COPRODUCTION_PUBLIC_RATE_PER_IP", "20/h"),
            "email": getattr(settings, "COPRODUCTION_PUBLIC_RATE_PER_EMAIL", "5/h")}


def public_rate_limited(request, email: str) -> bool:
    """Count one public attempt (start answering, follow); True when the client's address
    or the e-mail address is over its limit. Both counters advance on every attempt
    (django-ratelimit in the shared cache), as `agencies.lockout.password_reset_throttled`."""
    from django_ratelimit import ALL
    from django_ratelimit.core import is_ratelimited

    from agencies.lockout import client_ip

    rates_ = public_rates()
    address = (email or "").strip().casefold()
    limited = is_ratelimited(request, group="coproduction.public.ip",
                             key=lambda group, req: client_ip(req), rate=rates_["ip"],
                             method=ALL, increment=True)
    if address:
        limited |= is_ratelimited(request, group="coproduction.public.email",
                                  key=lambda group, req: address, rate=rates_["email"],
                                  method=ALL, increment=True)
    return limited
