"""The pooled budgets API: shapes, money as two-place strings, permissions, 404 across
areas, imports all or nothing, snapshots."""
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from agencies.roles import Role
from commissioning.budgets.models import Spend
from tests.factories.agencies import AgencyFactory, member

BASE = "/api/v1/pooled-budgets/"


@pytest.fixture
def outsider(other_area):
    return member(AgencyFactory(local_area=other_area), Role.FINANCE, username="outsider")


def test_list_and_detail(api, s75, viewer, area):
    client = api.as_user(viewer)
    body = client.get(BASE, {"local_area": area.slug}).json()
    assert body["count"] == 1
    item = body["results"][0]
    assert item["title"] == "Complex cases pooled fund" and item["schedule_count"] == 3
    detail = client.get(f"{BASE}{item['id']}/").json()
    assert [s["code"] for s in detail["schedules"]] == ["S1", "S2", "S3"]
    year = detail["contributions"][0]
    assert year["year"] == "2025-26" and year["total"] == "1300000.00"
    assert sum(Decimal(p["amount"]) for p in year["partners"]) == Decimal(year["total"])


def test_other_areas_get_404(api, s75, outsider, other_area):
    client = api.as_user(outsider)
    pk = s75["agreement"].pk
    assert client.get(BASE, {"local_area": "testshire"}).json()["count"] == 0
    for path in (f"{BASE}{pk}/", f"{BASE}{pk}/spend/",
                 f"{BASE}{pk}/position/?year=2025-26&quarter=1"):
        assert client.get(path).status_code == 404
    assert client.post(f"{BASE}{pk}/spend/", {}).status_code == 404
    closing = client.post(f"{BASE}{pk}/snapshots/", {"year": "2025-26", "quarter": 1})
    assert closing.status_code == 404


def test_position_json(api, s75, viewer):
    body = api.as_user(viewer).get(f"{BASE}{s75['agreement'].pk}/position/",
                                   {"year": "2025-26", "quarter": 2}).json()
    for key in ("total_pool", "spend_to_date", "committed", "forecast_outturn", "variance"):
        assert Decimal(body[key]).as_tuple().exponent == -2, key
    assert sum(Decimal(s["share"]) for s in body["risk_share"]) == Decimal(body["variance"])
    assert {"agency", "name", "share"} <= set(body["risk_share"][0])
    assert body["year"] == "2025-26" and body["quarter"] == 2 and body["frozen"] is False


@pytest.mark.parametrize("query", [{}, {"year": "2025", "quarter": 1},
                                   {"year": "2025-27", "quarter": 1},
                                   {"year": "2025-26", "quarter": 5}])
def test_position_bad_query(api, s75, viewer, query):
    response = api.as_user(viewer).get(f"{BASE}{s75['agreement'].pk}/position/", query)
    assert response.status_code == 400
    assert set(response.json()) >= {"message", "errors"}


def test_spend_post_and_list(api, s75, finance, viewer):
    pk = s75["agreement"].pk
    data = {"schedule": "S1", "date": "2025-08-01", "amount": "1234.56",
            "description": "August placement"}
    response = api.as_user(finance).post(f"{BASE}{pk}/spend/", data, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["amount"] == "1234.56"
    listed = api.as_user(viewer).get(f"{BASE}{pk}/spend/", {"year": "2025-26"}).json()
    assert listed["count"] == 4
    bad = api.as_user(finance).post(f"{BASE}{pk}/spend/", {**data, "amount": "1.234"},
                                    format="json")
    assert bad.status_code == 400 and "amount" in bad.json()["errors"]


def test_viewers_may_not_write(api, s75, viewer):
    pk = s75["agreement"].pk
    response = api.as_user(viewer).post(f"{BASE}{pk}/spend/", {
        "schedule": "S1", "date": "2025-08-01", "amount": "1.00", "description": "x"},
        format="json")
    assert response.status_code == 403
    assert "finance officers" in response.json()["message"]


def upload(text):
    return SimpleUploadedFile("spend.csv", text.encode(), content_type="text/csv")


def test_import_dry_run_then_real(api, s75, finance):
    pk = s75["agreement"].pk
    text = "schedule,date,amount,description\nS1,2025-08-01,10.00,A\nS2,2025-08-02,20.00,B\n"
    client = api.as_user(finance)
    dry = client.post(f"{BASE}{pk}/spend/import/?dry_run=1", {"file": upload(text)},
                      format="multipart")
    assert dry.status_code == 200 and dry.json()["lines"] == 2 and dry.json()["dry_run"]
    assert Spend.objects.filter(description__in=["A", "B"]).count() == 0
    real = client.post(f"{BASE}{pk}/spend/import/", {"file": upload(text)}, format="multipart")
    assert real.status_code == 201
    assert real.json()["total"] == "30.00"
    assert Spend.objects.filter(description__in=["A", "B"]).count() == 2


def test_import_errors_shape(api, s75, finance):
    text = "schedule,date,amount,description\nS1,2025-08-01,10.00,A\nS1,2025-13-01,x,B\n"
    response = api.as_user(finance).post(f"{BASE}{s75['agreement'].pk}/spend/import/",
                                         {"file": upload(text)}, format="multipart")
    assert response.status_code == 400
    body = response.json()
    first = body["errors"][0]
    assert (first["line"], first["field"]) == (3, "date") and first["message"]
    assert {e["field"] for e in body["errors"]} == {"date", "amount"}
    assert Spend.objects.filter(description="A").count() == 0


def test_import_without_file(api, s75, finance):
    response = api.as_user(finance).post(f"{BASE}{s75['agreement'].pk}/spend/import/", {},
                                         format="multipart")
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "file"


def test_snapshot_closes_a_quarter(api, s75, finance, manager):
    pk = s75["agreement"].pk
    client = api.as_user(finance)
    refused = client.post(f"{BASE}{pk}/snapshots/", {"year": "2025-26", "quarter": 1},
                          format="json")
    assert refused.status_code == 403 and "pooled fund manager" in refused.json()["message"]
    client = api.as_user(manager)
    response = client.post(f"{BASE}{pk}/snapshots/", {"year": "2025-26", "quarter": 1},
                           format="json")
    assert response.status_code == 201, response.json()
    assert len(response.json()["sha256"]) == 64
    assert response.json()["status"] == "submitted"
    position = client.get(f"{BASE}{pk}/position/", {"year": "2025-26", "quarter": 1}).json()
    assert position["frozen"] is True
    again = client.post(f"{BASE}{pk}/snapshots/", {"year": "2025-26", "quarter": 1},
                        format="json")
    assert again.status_code == 409
    late = client.post(f"{BASE}{pk}/spend/", {"schedule": "S1", "date": "2025-05-01",
                                              "amount": "1.00", "description": "Late"},
                       format="json")
    assert late.status_code == 409 and "is closed" in late.json()["message"]


def test_joint_packages_api(api, area, finance, viewer):
    payload = {"local_area": area.slug, "reference": "JP-TST-0007", "needs_category": "semh",
               "annual_cost": "90000.00", "split_by": "percentages",
               "split": {"social_care": "40", "health": "40", "education": "20"},
               "request_date": "2025-06-02", "agreement_date": "2025-06-06"}
    created = api.as_user(finance).post("/api/v1/joint-packages/", payload, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["health_amount"] == "36000.00"
    assert created.json()["days_taken"] == 4
    pk = created.json()["id"]
    assert api.as_user(finance).get("/api/v1/joint-packages/").json()["count"] == 1
    assert api.as_user(viewer).get("/api/v1/joint-packages/").json()["count"] == 0
    assert api.as_user(viewer).get(f"/api/v1/joint-packages/{pk}/").status_code == 404
    aggregates = api.as_user(viewer).get("/api/v1/joint-packages/aggregates/",
                                         {"local_area": area.slug}).json()
    # One child's package: never its count, cost or split (small-number suppression).
    assert aggregates["total"]["count"] is None and aggregates["total"]["cost"] is None
    assert aggregates["total"]["suppressed"] and aggregates["rows"][0]["suppressed"]
    assert "90000" not in str(aggregates) and "36000" not in str(aggregates)
    named = api.as_user(finance).post("/api/v1/joint-packages/",
                                      {**payload, "reference": "Tom Smith"}, format="json")
    assert named.status_code == 400 and "reference" in named.json()["errors"]
    refused = api.as_user(viewer).post("/api/v1/joint-packages/",
                                       {**payload, "reference": "JP-TST-0008"}, format="json")
    assert refused.status_code == 403


def test_list_query_count_is_constant(api, area, council, icb, viewer,
                                      django_assert_max_num_queries):
    from tests.factories import budgets as make

    make.pool(area, council, icb, schedules=1, spend_lines=0, prefix="A")
    client = api.as_user(viewer)
    with django_assert_max_num_queries(8):
        assert client.get(BASE).status_code == 200
    for prefix in "BCDEFG":
        make.pool(area, council, icb, schedules=2, spend_lines=0, prefix=prefix)
    with django_assert_max_num_queries(8):
        assert client.get(BASE).json()["count"] == 7


def test_spend_and_package_lists_constant_queries(api, s75, finance, area,
                                                  django_assert_max_num_queries):
    from datetime import date

    from commissioning.budgets import services
    from tests.factories import budgets as make

    def package(n):
        services.joint_package_create(
            actor=finance, local_area=area, reference=f"JP-TST-{n:04d}", needs_category="semh",
            annual_cost="10.00", request_date=date(2025, 5, 1),
            amounts={"social_care_amount": "10.00", "health_amount": "0",
                     "education_amount": "0"})

    package(1)
    client = api.as_user(finance)
    spend_url = f"{BASE}{s75['agreement'].pk}/spend/"
    # grants 3 + agreement 2 (+parties) + count + page = 7; packages: grants 1 + count + page
    with django_assert_max_num_queries(7):
        assert client.get(spend_url).json()["count"] == 3
    with django_assert_max_num_queries(4):
        assert client.get("/api/v1/joint-packages/").json()["count"] == 1
    for n in range(40):
        make.spend(s75["s1"], date(2025, 10, 1 + n % 28), 10 + n, f"Line {n}")
    for n in range(2, 30):
        package(n)
    with django_assert_max_num_queries(7):
        assert client.get(spend_url).json()["count"] == 43
    with django_assert_max_num_queries(4):
        assert client.get("/api/v1/joint-packages/").json()["count"] == 29
