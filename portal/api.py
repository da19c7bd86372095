"""API plumbing shared by every app: pagination, the one error shape, permission helpers.

Errors always answer `{"message": "...", "errors": {field: [messages]}}`.
"""
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from drf_spectacular.utils import inline_serializer
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

    def get_paginated_response_schema(self, schema):
        """DRF's page schema with `next`/`previous` null on the first and last page, in
        OpenAPI 3.1's words (3.1 has no `nullable`)."""
        page = super().get_paginated_response_schema(schema)
        for name in ("next", "previous"):
            field = page["properties"][name]
            field.pop("nullable", None)
            field["type"] = ["string", "null"]
        return page


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


def page_of(serializer_class, name):
    """The response schema of a page of `Pagination` for views that paginate by hand."""
    return inline_serializer(name=name, fields={
        "count": serializers.IntegerField(),
        "next": serializers.URLField(allow_null=True),
        "previous": serializers.URLField(allow_null=True),
        "results": serializer_class(many=True),
    })


def created(data):
    return Response(data, status=status.HTTP_201_CREATED)


# --- The error responses every operation can give, documented once (issue 14) ------------

ERROR_SCHEMA = {
    "type": "object",
    "description": "The one error body of the API.",
    "properties": {
        "message": {"type": "string", "description": "What went wrong, for people."},
        "errors": {"type": "object", "description": "Field name -> messages.",
                   "additionalProperties": {"type": "array", "items": {}}},
        "code": {"type": "string", "description": "Machine-readable reason, e.g. `invalid`."},
    },
    "required": ["message", "errors", "code"],
}
ERROR_DESCRIPTIONS = {
    "400": "Invalid input: a field, filter, body or number the portal cannot accept.",
    "401": "Not signed in: no valid token or session.",
    "403": "Signed in, but this person may not do this.",
    "404": "Not found, or not visible to this person (the same answer for both).",
    "409": "Conflicts with the current state (for example a stage already signed off).",
    "415": "The body is not in a type this operation reads (JSON, or a form with a file).",
    "429": "Too many requests: try again after the time in Retry-After.",
}
WRITE_METHODS = ("post", "put", "patch", "delete")


def document_error_responses(result, generator, request, public):
    """drf-spectacular postprocessing hook: every operation lists the JSON error body for the
    statuses it can answer: 400 and 404 always; 401 and 403 unless it is open to everyone;
    409 and 429 on writes. Statuses a view documents itself are left as they are."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("Error", ERROR_SCHEMA)
    ref = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            statuses = ["400", "404"]
            if {} not in operation.get("security", [{"auth": []}]):
                statuses += ["401", "403"]
            if method in WRITE_METHODS:
                statuses += ["409", "415", "429"]
            responses = operation.setdefault("responses", {})
            for status_code in statuses:
                responses.setdefault(status_code, {
                    "description": ERROR_DESCRIPTIONS[status_code], "content": ref})
    return result


def blank_strings_any_of(result, generator, request, public):
    """drf-spectacular postprocessing hook: a blank-allowed URL or e-mail field is declared
    `oneOf: [{maxLength: 0}, {format: uri}]`, and "" matches both branches, which `oneOf`
    forbids; `anyOf` says what the field accepts."""
    def walk(node):
        if isinstance(node, dict):
            options = node.get("oneOf")
            if isinstance(options, list) and any(
                    isinstance(o, dict) and o.get("maxLength") == 0 for o in options):
                node["anyOf"] = node.pop("oneOf")
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
    walk(result)
    return result
