"""Every API response the test suite produces is checked against /api/schema/ (issue 13).

The schema is what clients build on, so it must say what the API does. This plugin wraps
Django's test client (the API client is one): each response to a request under /api/v1/
is validated with openapi-core against the schema drf-spectacular generates, and a
response that does not match fails the test that produced it, naming the operation, the
status and what differs. Requests to a path or method the schema does not declare are
not checked here (Django answers them 404/405 and tests/portal/test_sweep.py covers them).
"""
import json
import threading
from functools import cache

import pytest
from django.test.client import Client
from openapi_core import OpenAPI
from openapi_core.datatypes import RequestParameters
from openapi_core.templating.paths.exceptions import OperationNotFound, PathNotFound
from werkzeug.datastructures import Headers, ImmutableMultiDict

API_PREFIX = "/api/v1/"


class SchemaDrift(AssertionError):
    """An API response that the schema does not describe."""


_generating = threading.Lock()


def openapi() -> OpenAPI:
    """The schema the project serves at /api/schema/, generated once per test process (a
    lock: the concurrency tests send their first requests from twenty threads at once, and
    schema generation is not thread-safe)."""
    with _generating:
        return _openapi()


@cache
def _openapi() -> OpenAPI:
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.renderers import OpenApiJsonRenderer

    schema = SchemaGenerator().get_schema(request=None, public=True)
    return OpenAPI.from_dict(json.loads(OpenApiJsonRenderer().render(schema)))


class _Request:
    """What openapi-core needs of the request: the path is matched against the schema's
    own templates (Django's route names its parameters differently)."""

    host_url = "http://testserver"
    path_pattern = None
    body = b""
    content_type = ""

    def __init__(self, request):
        self.path = request.path
        self.method = request.method.lower()
        self.parameters = RequestParameters(query=ImmutableMultiDict(request.GET),
                                            header=Headers(request.headers.items()))


class _Response:
    def __init__(self, response):
        self.status_code = response.status_code
        self.content_type = response.get("Content-Type", "")
        self.headers = Headers(response.headers.items())
        self.data = b"" if response.streaming else response.content


def check(response) -> None:
    """Raise SchemaDrift when an API response does not match the schema."""
    request = getattr(response, "wsgi_request", None)
    if request is None or not request.path.startswith(API_PREFIX):
        return
    if response.status_code == 405:  # the route has no such method: not an operation
        return
    if response.streaming:  # files (PDF, xlsx): their status and type are still checked
        response = _Headless(response)
    try:
        openapi().validate_response(_Request(request), _Response(response))
    except (PathNotFound, OperationNotFound):
        return
    except Exception as exc:  # openapi-core's validation errors: report them all
        raise SchemaDrift(
            f"{request.method} {request.get_full_path()} answered {response.status_code}, "
            f"which /api/schema/ does not describe: {_reasons(exc)}") from None


def _reasons(exc, most=5) -> str:
    """openapi-core's error as its distinct causes (field path and message), not the value
    or the schema, which can be long."""
    cause = exc.__cause__ or exc
    errors = getattr(cause, "schema_errors", None)
    if not errors:
        return f"{type(exc).__name__}: {cause if cause is not exc else exc}"
    seen = {}
    for error in errors:
        path = "/".join("N" if isinstance(p, int) else str(p) for p in error.absolute_path)
        seen.setdefault(f"{path or '(body)'}: {error.message}"[:300], None)
    reasons = list(seen)
    more = f" (and {len(reasons) - most} more)" if len(reasons) > most else ""
    return f"{type(exc).__name__}: " + "; ".join(reasons[:most]) + more


class _Headless:
    """A streamed file response seen without its body (the body stays for the test)."""

    streaming = False
    content = b""

    def __init__(self, response):
        self.status_code = response.status_code
        self.headers = response.headers
        self.wsgi_request = response.wsgi_request

    def get(self, name, default=None):
        return self.headers.get(name, default)


@pytest.fixture(autouse=True, scope="session")
def _api_responses_match_the_schema():
    original = Client.request

    def request(self, **kwargs):
        response = original(self, **kwargs)
        check(response)
        return response

    Client.request = request
    yield
    Client.request = original
