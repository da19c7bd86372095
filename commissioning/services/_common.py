"""Helpers shared by the cycle's services (not for use outside the package)."""
from django.core.exceptions import ValidationError

from portal.errors import ApplicationError, ErrorCode


def save(instance, actor):
    """Validate, record who did it for the audit, save."""
    instance._history_user = actor
    try:
        instance.full_clean()
    except ValidationError as exc:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {
            "non_field_errors": exc.messages}
        first = next(iter(errors.values()))[0]
        raise ApplicationError(first, errors=errors) from exc
    instance.save()
    return instance


def require(decision, code=ErrorCode.FORBIDDEN):
    """Raise the decision's reason when it does not allow."""
    if not decision:
        raise ApplicationError(decision.reason, code=code)
