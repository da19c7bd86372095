"""Helpers every contracts service uses: validated, audited saves and permission checks."""
from decimal import Decimal, InvalidOperation

from portal.errors import ApplicationError
from portal.services import require, save  # noqa: F401 - the shared kernel's, used here


def invalid(field, message):
    raise ApplicationError(message, errors={field: [message]})


def to_decimal(value, field, label) -> Decimal:
    """A number from text or a Decimal (never a float); a clear error otherwise."""
    if isinstance(value, float):
        value = repr(value)
    try:
        result = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        invalid(field, f"Enter {label} as a number, like 92 or 92.5")
    if not result.is_finite():
        invalid(field, f"Enter {label} as a number, like 92 or 92.5")
    return result
