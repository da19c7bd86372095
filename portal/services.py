"""What every app's services share: an audited, validated save and a permission gate.

A model that fails validation becomes an `ApplicationError` with field errors (a 400 with
the GOV.UK error summary or the API's error body), never a 500.
"""
from django.core.exceptions import ValidationError

from .errors import ApplicationError, ErrorCode


def save(instance, actor, **clean_kwargs):
    """Validate, record who did it for the audit (simple-history), save."""
    instance._history_user = actor
    try:
        instance.full_clean(**clean_kwargs)
    except ValidationError as exc:
        raw = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        errors = {("non_field_errors" if k == "__all__" else k): v for k, v in raw.items()}
        first = next(iter(errors.values()))[0]
        raise ApplicationError(first, errors=errors) from exc
    instance.save()
    return instance


def require(decision, code=ErrorCode.FORBIDDEN, *, not_found=False):
    """Raise the decision's reason when it does not allow (as 404 if the object must stay
    hidden)."""
    if not decision:
        raise ApplicationError(decision.reason,
                               code=ErrorCode.NOT_FOUND if not_found else code)
