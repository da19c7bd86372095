"""The standing sweep (issue 14), on two demo areas loaded once for the module:

1. no input breaks a page: numbers no database holds, JSON nested thousands deep and
   financial years off the calendar are a 400 (the JSON error body on the API, a message on
   pages) on every route of the URL conf, never a 500;
2. one area cannot touch another's objects: every page detail route (from the URL conf) and
   every API detail operation (from the schema) for one area's objects, read and written by
   every role of another area and anonymously, answers 404 / 401 / 302-to-sign-in and
   changes nothing;
3. every GET operation's response matches its schema, and a bounded schemathesis run over
   every operation finds no 5xx, undocumented status or response-schema violation.
"""
import json
import re
import time

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from agencies.models import LocalArea, User
from agencies.roles import Role
from tests.conftest import pass_two_factor
from tests.portal import fuzz
from tests.portal.sweep import (
    NOT_AREA_OBJECTS,
    OTHER,
    OWN,
    LoadedOnce,
    fill,
    model_objects,
    params_of,
    prefix_of,
    routes,
)

BIG = "99999999999999999999"          # 20 digits: more than any database integer
HUGE_BODY_INT = 10**30
DEEP = "[" * 5000 + "]" * 5000
NAMES = ("id", "pk", "intention", "meeting", "contract", "indicator", "board", "agency",
         "priority", "strategy", "schedule", "provider", "plan", "kpi", "agenda_item",
         "in_reply_to", "lead_agency", "geography", "consultation", "observations")
METHODS_WITH_BODY = ("post", "put", "patch")


TIMINGS = {}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    started = time.monotonic()
    with django_db_blocker.unblock(), LoadedOnce([OWN, OTHER]):
        TIMINGS["load two areas"] = time.monotonic() - started
        yield
    print("\nsweep timings (s):", {k: round(v, 1) for k, v in TIMINGS.items()})


@pytest.fixture(autouse=True)
def _timed(request):
    started = time.monotonic()
    yield
    TIMINGS[request.node.name] = time.monotonic() - started


def verified_client(user):
    """A client signed in as `user` whose session has passed two-factor."""
    client = Client(raise_request_exception=False)
    return client if user is None else pass_two_factor(client, user)


@pytest.fixture
def admin_client(demo, db):
    return verified_client(User.objects.get(username=f"{OWN}.admin"))


def _addresses():
    from agencies.models import LocalArea

    area = LocalArea.objects.get(slug=OWN)
    ids = {}
    for route, _pattern in routes():
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
    for _route, address in _addresses():
        for method in ("get",):
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
    for route, _address in _addresses():
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
    for _route, address in _addresses():
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
    for _route, address in _addresses():
        for year in ("9999-00", "0000-01"):
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


# --- 2. One area cannot touch another's objects ----------------------------------------

WRITE_METHODS = ("post", "put", "patch", "delete")
FINGERPRINT_APPS = ("agencies", "commissioning", "budgets", "contracts", "coproduction",
                    "governance", "needs", "authtoken")
IGNORED_FIELDS = {"last_login"}


def page_detail_routes():
    return [route for route, _ in routes()
            if not route.startswith("api/") and "<int:" in route
            and prefix_of(route).split("/")[0] not in NOT_AREA_OBJECTS]


def api_detail_operations():
    """(route in URL-conf form, method) for every schema operation on one object."""
    out = []
    for path, item in fuzz.openapi_dict()["paths"].items():
        if "{id}" not in path:
            continue
        route = re.sub(r"\{(\w+_pk)\}", r"<int:\1>",
                       path.lstrip("/").replace("{id}", "<int:pk>"))
        if prefix_of(route).split("/")[0] in NOT_AREA_OBJECTS:
            continue
        out += [(route, method) for method in item if method in ("get", *WRITE_METHODS)]
    return out


def attackers():
    """Anonymous, then every role of the other area (sessions past two-factor)."""
    people = [("anonymous", None)] + [
        (role.value, User.objects.get(username=f"{OTHER}.{role.value}")) for role in Role]
    return [(name, verified_client(user)) for name, user in people]


def refused(name, address, response, *, api):
    """None when the answer gives nothing away; otherwise what was wrong."""
    status = response.status_code
    if name == "anonymous":
        if api and status in (401, 405):
            return None
        if not api and status == 302 and response["Location"].startswith(
                reverse(settings.LOGIN_URL)):
            return None
        if not api and status == 405:
            return None
    elif status in (404, 405):
        return None
    return (name, address, status)


def fingerprint():
    """Every row of every domain model (and its history), to prove nothing changed."""
    from django.apps import apps

    rows = {}
    for model in apps.get_models():
        if model._meta.app_label not in FINGERPRINT_APPS:
            continue
        fields = [f.attname for f in model._meta.concrete_fields
                  if f.attname not in IGNORED_FIELDS]
        rows[model._meta.label] = list(model._default_manager.order_by("pk").values_list(
            *fields))
    return rows


def test_every_detail_route_is_covered(demo, db):
    """A new detail route must say which area's object it is about, or the sweep would
    silently skip it."""
    known = set(model_objects()) | {"action-plans"}
    prefixes = {prefix_of(route) for route in page_detail_routes()}
    prefixes |= {prefix_of(route) for route, _ in api_detail_operations()}
    assert prefixes - known == set()


def test_no_role_of_another_area_reads_this_areas_objects(demo, db):
    own = LocalArea.objects.get(slug=OWN)
    ids = {}
    pages = [fill(route, own, ids) for route in page_detail_routes()]
    api = [fill(route, own, ids) for route, method in api_detail_operations() if method == "get"]
    missing = [k for k, v in ids.items() if v is None]
    assert missing == [], f"the demo area {OWN} has no {missing}: the sweep would miss them"
    failures, count = [], 0
    for name, client in attackers():
        for address in pages:
            failures.append(refused(name, address, client.get(address), api=False))
        for address in api:
            failures.append(refused(name, address, client.get(address), api=True))
        count += len(pages) + len(api)
    TIMINGS["reads"] = count
    assert [f for f in failures if f] == []


def test_no_role_of_another_area_writes_this_areas_objects(demo, db):
    own = LocalArea.objects.get(slug=OWN)
    ids = {}
    pages = [fill(route, own, ids) for route in page_detail_routes()]
    api = [(fill(route, own, ids), method) for route, method in api_detail_operations()
           if method in WRITE_METHODS]
    clients = attackers()  # signing in writes last_login (and its history): before the snapshot
    before = fingerprint()
    failures, count = [], 0
    for name, client in clients:
        for address in pages:
            response = client.post(address, {"title": "Taken over", "confirm": "yes"})
            failures.append(refused(name, address, response, api=False))
        for address, method in api:
            response = getattr(client, method)(address, {"title": "Taken over"},
                                               content_type="application/json")
            failures.append(refused(name, f"{method.upper()} {address}", response, api=True))
        count += len(pages) + len(api)
    TIMINGS["writes"] = count
    assert [f for f in failures if f] == []
    assert fingerprint() == before


# --- 3. Responses match the schema; a bounded fuzz finds nothing -----------------------

def _real_id(path):
    area = LocalArea.objects.get(slug=OWN)
    route = path.lstrip("/").replace("{id}", "<int:pk>")
    prefix = prefix_of(route)
    if prefix.split("/")[0] == "public" or prefix not in {*model_objects(), "indicators"}:
        return None
    from tests.portal.sweep import object_id

    return object_id(prefix, area)


def test_every_get_operation_answers_as_its_schema_says(admin_client):
    """Deterministic: each GET with a real object of the area, validated against the
    documented response (this is where the 8 disagreements of issue 14 showed)."""
    import schemathesis

    spec = json.loads(json.dumps(fuzz.openapi_dict(), default=str))
    schema = schemathesis.openapi.from_dict(spec)
    session = fuzz.session_of(admin_client)
    findings = []
    with fuzz.connection_kept():
        _validate_gets(schema, session, findings)
    assert not findings, "\n\n".join(f"{path} {status}: {text}" for path, status, text in findings)


def _validate_gets(schema, session, findings):
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.method.lower() != "get":
            continue
        params = {}
        if "{id}" in operation.path:
            params["id"] = _real_id(operation.path)
            if params["id"] is None:
                continue
        if "{area_slug}" in operation.path:
            params["area_slug"] = OWN
        case = operation.Case(path_parameters=params)
        response = case.call(app=fuzz.wsgi_app(), **session)
        try:
            case.validate_response(response, checks=fuzz.CHECKS)
        except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - all are findings
            findings.append((operation.path, response.status_code, str(exc)[:1500]))


def test_schema_fuzz_finds_no_server_error_or_schema_violation(admin_client):
    cases, findings = fuzz.fuzz(session=fuzz.session_of(admin_client), real_ids=_real_id,
                                max_examples=6)
    TIMINGS["fuzz cases"] = cases
    assert cases > 100
    assert not findings, "\n\n".join(f"{op} {status}: {text}" for op, status, text in findings)


def test_schema_is_valid_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn",
                 "--file", str(tmp_path / "schema.yaml"))
    text = (tmp_path / "schema.yaml").read_text()
    assert "#/components/schemas/Error" in text
    undocumented = []
    for path, item in fuzz.openapi_dict()["paths"].items():
        for method, operation in item.items():
            wanted = {"400", "404"} | ({"401", "403"} if {} not in operation.get(
                "security", [{"auth": []}]) else set())
            wanted |= {"409", "429"} if method in WRITE_METHODS else set()
            undocumented += [(method, path, s) for s in wanted - set(operation["responses"])]
    assert undocumented == []
