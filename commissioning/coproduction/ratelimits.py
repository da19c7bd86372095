"""Rate limits on posting comments, per person and per IP address (django-ratelimit).

Counts live in the default cache (Redis when REDIS_URL is set, so every web process
shares them; locmem otherwise). Rates come from settings so a deployment can tune them.
"""
from django.conf import settings
from django_ratelimit.core import is_ratelimited

GROUP = "coproduction.comment"
MESSAGE = ("You have posted a lot of comments in a short time. Wait a few minutes, then try "
           "again. If you need to say more now, contact your local-area administrator.")


def rates() -> dict:
    return {"user": getattr(settings, "COPRODUCTION_COMMENT_RATE_PER_PERSON", "10/h"),
            "ip": getattr(settings, "COPRODUCTION_COMMENT_RATE_PER_IP", "60/h")}


def comment_rate_limited(request) -> bool:
    """Count this posting attempt; True when the person or their IP is over the limit."""
    limited = False
    for key, rate in rates().items():
        # Both counters advance on every attempt, so neither can be reset by the other.
        limited |= is_ratelimited(request, group=f"{GROUP}.{key}", key=key, rate=rate,
                                  method="POST", increment=True)
    return limited
