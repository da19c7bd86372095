"""API plumbing shared by every app: pagination, the one error shape, permission helpers.

Errors always answer `{"message": "...", "errors": {field: [messages]}}`.
"""
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from . import periods
from .errors import ApplicationError


class FinancialYearField(serializers.RegexField):
    """A financial year like `2025-26` that the period helpers accept (`9999-00` is not)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("error_messages", {"invalid": "Write the financial year like 2025-26."})
        super().__init__(periods.YEAR_PATTERN.pattern, **kwargs)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        try:
            periods.parse_year(value)
        except ValueError as exc:
            raise serializers.ValidationError(str(exc)) from None
        return value


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


def _flatten(detail):
    if isinstance(detail, dict):
        return {k: _flatten_list(v) for k, v in detail.items()}
    return {"non_field_errors": _flatten_list(detail)}


def _flatten_list(value):
    if isinstance(value, list | tuple):
        out = []
        for item in value:
            out.extend(_flatten_list(item) if isinstance(item, list | tuple) else [
                item if isinstance(item, dict) else str(item)])
        return out
    if isinstance(value, dict):
        return [_flatten(value)]
    return [str(value)]


def exception_handler(exc, context):
    if isinstance(exc, ApplicationError):
        body = {"message": exc.message, "errors": exc.errors, "code": str(exc.code)}
        body.update(exc.extra)
        return Response(body, status=exc.status)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict")
                                         else {"non_field_errors": exc.messages})
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail)
        first = next(iter(errors.values()), ["Invalid input."])
        message = first[0] if first and isinstance(first[0], str) else "Invalid input."
        response.data = {"message": message, "errors": errors, "code": "invalid"}
    else:
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else ""
        response.data = {"message": str(detail), "errors": {},
                         "code": getattr(exc, "default_code", "error")}
    return response


def created(data):
    return Response(data, status=status.HTTP_201_CREATED)
