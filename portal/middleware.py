"""Request-wide guards (issue 14): numbers no database can hold are refused before any view
runs, and every error under /api/ is the one JSON error body, whatever raised it."""
from http import HTTPStatus

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render

from .parsing import DB_INT_MAX, out_of_range_number

API_PREFIX = "/api/"
# Headers of the original error worth keeping on the JSON version.
KEPT_HEADERS = ("Retry-After", "WWW-Authenticate", "Allow", "Vary")
CODES = {400: "invalid", 401: "not_authenticated", 403: "forbidden", 404: "not_found",
         405: "method_not_allowed", 409: "conflict", 413: "too_large",
         415: "unsupported_media_type", 429: "throttled"}
MESSAGES = {
    400: "The request could not be read.",
    401: "Authentication credentials were not provided.",
    403: "You do not have permission to do this.",
    404: "Not found.",
    405: "Method not allowed.",
    429: "Too many requests. Try again later.",
    500: "Sorry, there is a problem with the service. Try again later.",
}


def is_api(request) -> bool:
    return request.path.startswith(API_PREFIX)


def error_body(status, message=None, *, errors=None, code=None):
    phrase = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error"
    return {"message": message or MESSAGES.get(status, phrase), "errors": errors or {},
            "code": code or CODES.get(status, "error")}


class InputGuardMiddleware:
    """Query parameters and form fields written as whole numbers too large for a database
    integer (`?intention=99999999999999999999`) are a 400 with a message on pages and the
    JSON error body on the API, instead of an OverflowError wherever they reach a query."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        name = self._bad_field(request)
        if name is not None:
            message = f"{name} must be a whole number no larger than {DB_INT_MAX}."
            if is_api(request):
                return JsonResponse(error_body(400, message, errors={name: [message]}),
                                    status=400)
            return render(request, "errors/400.html", {"message": message}, status=400)
        return self.get_response(request)

    @staticmethod
    def _bad_field(request):
        sources = [request.GET]
        if request.method == "POST" and request.content_type in (
                "application/x-www-form-urlencoded", "multipart/form-data"):
            sources.append(request.POST)  # DRF reuses the parsed form (no second read)
        for data in sources:
            for name, values in data.lists():
                if any(out_of_range_number(v.strip()) for v in values):
                    return name
        return None


class ApiErrorMiddleware:
    """Under /api/ every 4xx/5xx is `{"message", "errors", "code"}` as JSON, including the
    ones Django answers itself with HTML (oversized body, unknown address, CSRF failure,
    server error)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not is_api(request) or response.status_code < 400:
            return response
        data = getattr(response, "data", None)
        if isinstance(data, dict) and {"message", "errors", "code"} <= data.keys():
            body = data
        elif response.get("Content-Type", "").startswith("application/json"):
            return response
        else:
            body = self._body_for(request, response.status_code)
        replacement = JsonResponse(body, status=response.status_code)
        for header in KEPT_HEADERS:
            if header in response:
                replacement[header] = response[header]
        return replacement

    @staticmethod
    def _body_for(request, status):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        length = request.META.get("CONTENT_LENGTH") or "0"
        if status == 400 and limit and length.isdigit() and int(length) > limit:
            return error_body(400, f"The request body is larger than {limit} bytes.",
                              code="too_large")
        return error_body(status)
