"""No input breaks a page (issue 14): numbers no database holds, JSON nested thousands deep
and financial years off the calendar are a 400 (the JSON error body on the API, a message on
pages) on every route of the URL conf, never a 500."""
import json

import pytest
from django.test import Client

from agencies.models import User
from tests.portal.sweep import OWN, LoadedOnce, fill, params_of, routes

BIG = "99999999999999999999"          # 20 digits: more than any database integer
HUGE_BODY_INT = 10**30
DEEP = "[" * 5000 + "]" * 5000
NAMES = ("id", "pk", "intention", "meeting", "contract", "indicator", "board", "agency",
         "priority", "strategy", "schedule", "provider", "plan", "kpi", "agenda_item",
         "in_reply_to", "lead_agency", "geography", "consultation", "observations")
METHODS_WITH_BODY = ("post", "put", "patch")


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), LoadedOnce([OWN]):
        yield


@pytest.fixture
def admin_client(demo, db):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = User.objects.get(username=f"{OWN}.admin")
    client = Client(raise_request_exception=False)
    client.force_login(user)
    device = TOTPDevice.objects.create(user=user, name="sweep", confirmed=True)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return client


def _addresses():
    from agencies.models import LocalArea

    area = LocalArea.objects.get(slug=OWN)
    ids = {}
    for route, pattern in routes():
        if any(conv not in ("int", "slug", "str", "fy", "") or name in ("uidb64", "token")
               for conv, name in params_of(route)):
            continue
        address = fill(route, area, ids)
        if address is not None:
            yield route, address


def _is_error_body(response):
    body = response.json()
    return set(body) >= {"message", "errors", "code"} and body["message"]


def test_huge_ids_in_queries_and_forms_are_400_everywhere(admin_client):
    failures = []
    query = "&".join(f"{name}={BIG}" for name in NAMES)
    for route, address in _addresses():
        for method in ("get", "post"):
            response = getattr(admin_client, method)(f"{address}?{query}")
            if response.status_code != 400:
                failures.append((method, address, response.status_code))
            elif address.startswith("/api/"):
                if response["Content-Type"] != "application/json" or not _is_error_body(response):
                    failures.append((method, address, "not the JSON error body"))
            elif BIG[:10] not in response.content.decode() and "whole number" not in \
                    response.content.decode():
                failures.append((method, address, "no message on the page"))
        if not address.startswith("/api/"):
            response = admin_client.post(address, {name: BIG for name in NAMES})
            if response.status_code != 400:
                failures.append(("form", address, response.status_code))
    assert failures == []


def test_huge_ids_in_addresses_are_404_not_500(admin_client):
    failures = []
    for route, address in _addresses():
        if "<int:" not in route:
            continue
        for method in ("get", "post"):
            bad = route
            for conv, name in params_of(route):
                bad = bad.replace(f"<{conv}:{name}>", BIG if conv == "int" else "x", 1)
            response = getattr(admin_client, method)("/" + bad)
            if response.status_code not in (400, 404, 405):
                failures.append((method, bad, response.status_code))
    assert failures == []


def test_json_bodies_with_huge_numbers_or_deep_nesting_are_400(admin_client):
    failures = []
    for route, address in _addresses():
        if not address.startswith("/api/"):
            continue
        bodies = {"huge": json.dumps({name: HUGE_BODY_INT for name in NAMES} | {
            "ids": [HUGE_BODY_INT], "agencies": [HUGE_BODY_INT]}), "deep": DEEP}
        for method in METHODS_WITH_BODY:
            for kind, body in bodies.items():
                response = getattr(admin_client, method)(address, body,
                                                         content_type="application/json")
                if response.status_code == 405:
                    continue
                if response.status_code >= 500 or not _is_error_body(response):
                    failures.append((method, address, kind, response.status_code))
    assert failures == []


@pytest.mark.parametrize("path", [
    "/api/v1/intentions/", "/api/v1/meetings/", "/api/v1/contracts/",
    "/api/v1/actions/", "/api/v1/providers/", "/api/v1/findings/",
    "/api/v1/strategies/", "/api/v1/disagreements/", "/api/v1/joint-packages/",
])
def test_the_lists_named_in_the_issue_refuse_bad_bodies_with_400(admin_client, path):
    for body in (DEEP, json.dumps({"intention": HUGE_BODY_INT, "board": HUGE_BODY_INT})):
        response = admin_client.post(path, body, content_type="application/json")
        assert response.status_code == 400, (path, response.content[:200])
        assert response.json()["code"] in ("parse_error", "invalid")


def test_years_off_the_calendar_never_break_a_page(admin_client):
    failures = []
    for route, address in _addresses():
        for year in ("9999-00", "0000-01", "2025-27"):
            response = admin_client.get(f"{address}?year={year}&quarter=1")
            if response.status_code >= 500:
                failures.append((address, year, response.status_code))
    assert failures == []


@pytest.mark.parametrize("year", ["9999-00", "0000-01"])
def test_spend_and_position_api_refuse_bad_years_with_the_error_body(admin_client, year):
    from commissioning.budgets.models import Section75Agreement

    pk = Section75Agreement.objects.filter(local_area__slug=OWN).first().pk
    for suffix in ("spend", "position"):
        response = admin_client.get(f"/api/v1/pooled-budgets/{pk}/{suffix}/?year={year}"
                                    "&quarter=1")
        assert response.status_code == 400, suffix
        assert response.json()["errors"].get("year"), response.json()
    page = admin_client.get(f"/pooled-budgets/{pk}/position/?year={year}&quarter=1")
    assert page.status_code == 404
    assert b"Page not found" in page.content or b"not found" in page.content.lower()
    spend = admin_client.get(f"/pooled-budgets/{pk}/spend/?year={year}")
    assert spend.status_code == 200
