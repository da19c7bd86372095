"""Every error under /api/ is the JSON error body `{"message", "errors", "code"}`, including
the ones Django answers itself (issue 14): an oversized body, an unknown address, a server
error. Pages keep their HTML error pages."""
import json

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import include, path

import portal.urls


def boom(request):
    raise RuntimeError("an unexpected failure")


def html_teapot(request):
    return HttpResponse("<p>I'm a teapot</p>", status=418)


urlpatterns = [
    path("api/v1/test-boom/", boom),
    path("api/v1/test-teapot/", html_teapot),
    path("pages/test-boom/", boom),
    path("", include(portal.urls)),
]
handler400, handler403 = portal.urls.handler400, portal.urls.handler403
handler404, handler500 = portal.urls.handler404, portal.urls.handler500


def assert_error_body(response, status, code=None):
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == {"message", "errors", "code"}
    assert body["message"]
    if code:
        assert body["code"] == code
    return body


@pytest.mark.django_db
def test_oversized_body_on_the_api_is_the_json_error_body(settings, api, make_member, council):
    from agencies.roles import Role

    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    client = Client(raise_request_exception=False)
    client.force_login(make_member(council, Role.COMMISSIONER))
    payload = json.dumps({"title": "x" * 20_000})
    response = client.post("/api/v1/intentions/", payload, content_type="application/json")
    body = assert_error_body(response, 400, "too_large")
    assert "10000 bytes" in body["message"]
    form = client.post("/api/v1/findings/", {"title": "x" * 20_000})
    assert_error_body(form, 400)


@pytest.mark.django_db
def test_unknown_api_address_is_the_json_error_body():
    response = Client().get("/api/v1/no-such-thing/")
    assert_error_body(response, 404, "not_found")


@pytest.mark.django_db
@pytest.mark.urls("tests.portal.test_api_errors")
def test_server_error_on_the_api_is_the_json_error_body_and_pages_stay_html():
    client = Client(raise_request_exception=False)
    body = assert_error_body(client.get("/api/v1/test-boom/"), 500, "error")
    assert "unexpected failure" not in body["message"]  # nothing internal leaks
    assert_error_body(client.get("/api/v1/test-teapot/"), 418)
    page = client.get("/pages/test-boom/")
    assert page.status_code == 500
    assert page["Content-Type"].startswith("text/html")


@pytest.mark.django_db
def test_keeps_retry_after_and_drf_bodies(settings):
    client = Client(raise_request_exception=False)
    response = client.get("/api/v1/intentions/")  # DRF's own 401 body passes through
    body = assert_error_body(response, 401)
    assert body["code"] == "not_authenticated"
    assert "WWW-Authenticate" in response
