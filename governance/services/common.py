"""Helpers shared by the governance services."""
from portal.errors import ApplicationError, ErrorCode


def save(instance, actor, **kwargs):
    instance._history_user = actor
    instance.full_clean(**kwargs)
    instance.save()
    return instance


def require(decision, *, not_found=False):
    """Raise when a permission decision says no (as 404 when the object must stay hidden)."""
    if not decision:
        raise ApplicationError(decision.reason,
                               code=ErrorCode.NOT_FOUND if not_found else ErrorCode.FORBIDDEN)
