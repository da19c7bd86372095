"""Helpers the co-production services share."""

from portal.errors import ApplicationError
from portal.services import require, save  # noqa: F401 - the shared kernel's, used here

BODY_MAX = 5000




def clean_text(value, field, *, required=True, label="text", max_length=BODY_MAX) -> str:
    text = (value or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if required and not text:
        raise ApplicationError(f"Enter the {label}.", errors={field: [f"Enter the {label}"]})
    if len(text) > max_length:
        message = f"The {label} must be {max_length:,} characters or fewer"
        raise ApplicationError(message + ".", errors={field: [message]})
    return text


def queue(task, *args):
    """Queue a Celery task once the transaction commits (never for a rolled-back write);
    a broker that is down is logged, never a failed request (portal.background.notify)."""
    from portal import background

    background.notify(task, *args)
