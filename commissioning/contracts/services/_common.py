"""Helpers every contracts service uses: validated, audited saves and permission checks."""
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError

from portal.errors import ApplicationError, ErrorCode


def save(instance, actor, *, exclude=None):
    """full_clean then save, recording the actor; validation errors become ApplicationError."""
    instance._history_user = actor
    try:
        instance.full_clean(exclude=exclude)
    except ValidationError as exc:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {
            "non_field_errors": exc.messages}
        errors = {("non_field_errors" if k == "__all__" else k): v for k, v in errors.items()}
        first = next(iter(errors.values()))[0]
        raise ApplicationError(first, errors=errors) from exc
    instance.save()
    return instance


def require(decision):
    if not decision:
        raise ApplicationError(decision.reason, code=ErrorCode.FORBIDDEN)


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
