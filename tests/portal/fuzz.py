"""A bounded schema fuzz of the API (schemathesis, in-process against the WSGI app).

Every operation of the generated OpenAPI schema gets `max_examples` generated requests; path
ids are half random and half real objects of the area. A failure is a 5xx, a response that
does not match its documented schema, or a status or content type the schema does not list.
Findings are collected, not raised, so hypothesis spends no time shrinking."""
import contextlib
import secrets

import hypothesis
import schemathesis
from hypothesis import HealthCheck, Phase
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance,
          content_type_conformance]


def openapi_dict():
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)


def session_of(client):
    """Cookies and the CSRF header that carry a Django test client's session to the app."""
    from django.conf import settings

    csrf = secrets.token_hex(16)  # 32 characters: an unmasked CSRF secret
    cookies = {settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value,
               settings.CSRF_COOKIE_NAME: csrf}
    return {"cookies": cookies, "headers": {"X-CSRFToken": csrf}}


def wsgi_app():
    """The portal's WSGI application, in-process (same thread, same database connection,
    so inside the test's transaction)."""
    from django.core.wsgi import get_wsgi_application

    wsgi = get_wsgi_application()

    def app(environ, start_response):
        environ.setdefault("REMOTE_ADDR", "127.0.0.1")  # as every real server sets it
        return wsgi(environ, start_response)

    return app


@contextlib.contextmanager
def connection_kept():
    """As Django's test client does: the end of a request must not close the test's
    database connection (it holds the transaction the test data lives in)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def fuzz(*, session, real_ids, max_examples=5, skip=()):
    """Run every operation; return (number of cases, list of findings)."""
    import json

    from django.core.serializers.json import DjangoJSONEncoder

    spec = json.loads(json.dumps(openapi_dict(), cls=DjangoJSONEncoder))
    schema = schemathesis.openapi.from_dict(spec)
    schema.app = wsgi_app()
    findings, count = [], [0]
    with connection_kept():
        _fuzz_all(schema, session, real_ids, max_examples, skip, findings, count)
    return count[0], findings


def _fuzz_all(schema, session, real_ids, max_examples, skip, findings, count):
    for result in schema.get_all_operations():
        operation = result.ok()
        label = f"{operation.method.upper()} {operation.path}"
        if operation.path in skip:
            continue
        real = real_ids(operation.path)

        _run_operation(operation, label, real, session, max_examples, findings, count)


def _run_operation(operation, label, real, session, max_examples, findings, count):
    @hypothesis.settings(max_examples=max_examples, deadline=None, database=None,
                         phases=[Phase.explicit, Phase.generate], derandomize=True,
                         suppress_health_check=list(HealthCheck))
    @hypothesis.given(case=operation.as_strategy(), use_real=st.booleans())
    def run(case, use_real):
        if use_real and real is not None and "id" in (case.path_parameters or {}):
            case.path_parameters["id"] = real
        count[0] += 1
        response = case.call(**session)
        try:
            case.validate_response(response, checks=CHECKS)
        except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - all are findings
            findings.append((label, response.status_code, str(exc).strip()[:1500]))

    run()
