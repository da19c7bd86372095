"""The one application error type: services raise it, pages and the API translate it."""
from enum import StrEnum


class ErrorCode(StrEnum):
    INVALID = "invalid"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    CONFLICT = "conflict"
    UNAVAILABLE = "unavailable"  # a service the request needs is down (503)


class ApplicationError(Exception):
    """A rule of the domain was broken; `message` is for people, `errors` maps fields."""

    status_by_code = {
        ErrorCode.INVALID: 400,
        ErrorCode.FORBIDDEN: 403,
        ErrorCode.NOT_FOUND: 404,
        ErrorCode.CONFLICT: 409,
        ErrorCode.UNAVAILABLE: 503,
    }

    def __init__(self, message, *, code=ErrorCode.INVALID, errors=None, extra=None):
        super().__init__(message)
        self.message = message
        self.code = ErrorCode(code)
        self.errors = errors or {}
        self.extra = extra or {}

    @property
    def status(self):
        return self.status_by_code[self.code]
