"""API: indicators, observations, comparison, imports, findings."""
import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from agencies.roles import Role
from needs import services
from needs.models import Observation
from tests.factories.agencies import AgencyFactory, member

CSV = (b"indicator_code,area_code,period,value,numerator,denominator,lower_ci,upper_ci,note\n"
       b"sen-prevalence,E10000099,January 2020,16.3,13480,82700,,,\n")


def test_indicators_list_and_detail(api, people, sen):
    client = api.as_user(people[Role.PARENT_CARER])
    body = client.get("/api/v1/indicators/").json()
    assert [i["code"] for i in body["results"]] == ["sen-prevalence"]
    assert client.get(f"/api/v1/indicators/{sen.pk}/").json()["unit"] == "percentage"


def test_people_without_an_area_see_nothing(api, sen):
    from tests.factories.agencies import UserFactory

    client = api.as_user(UserFactory())
    assert client.get("/api/v1/indicators/").json()["count"] == 0
    assert client.get(f"/api/v1/indicators/{sen.pk}/").status_code == 404
    assert client.get("/api/v1/observations/").json()["count"] == 0


def test_observations_filtered_and_paginated(api, people, sen):
    client = api.as_user(people[Role.VIEWER])
    body = client.get("/api/v1/observations/", {"indicator": sen.pk, "geography": "E92000001",
                                                 "period": "January 2019"}).json()
    assert body["count"] == 1
    assert body["results"][0] == {
        "id": body["results"][0]["id"], "indicator": "sen-prevalence", "geography": "E92000001",
        "period": "January 2019", "value": "14.900000", "numerator": None, "denominator": None,
        "lower_ci": None, "upper_ci": None, "note": ""}
    page = client.get("/api/v1/observations/", {"page_size": 2}).json()
    assert page["count"] == 15 and len(page["results"]) == 2 and page["next"]
    bad = client.get("/api/v1/observations/", {"indicator": "abc"})
    assert bad.status_code == 400
    assert bad.json()["errors"] == {"indicator": ["Enter an indicator id."]}


def test_comparison(api, people, sen, area):
    client = api.as_user(people[Role.PARENT_CARER])
    body = client.get(f"/api/v1/indicators/{sen.pk}/comparison/",
                      {"local_area": area.slug}).json()
    assert body["period"] == "January 2019"
    assert body["area"]["value"] == "15.9"
    assert body["area"]["interval"]["method"] == "wilson"
    assert body["england"]["value"] == "14.9" and body["england"]["verdict"] == "higher"
    assert body["region"]["value"] == "15" and body["region"]["verdict"] == "higher"
    assert body["neighbours"]["average"] == 15.2
    assert len(body["neighbours"]["values"]) == 2
    assert body["neighbours"]["verdict"] == "higher"
    assert body["trend"]["direction"] == "increasing"
    older = client.get(f"/api/v1/indicators/{sen.pk}/comparison/",
                       {"local_area": area.slug, "period": "January 2017"}).json()
    assert older["area"]["value"] == "15.2"
    assert client.get(f"/api/v1/indicators/{sen.pk}/comparison/").status_code == 400
    missing = client.get(f"/api/v1/indicators/{sen.pk}/comparison/",
                         {"local_area": area.slug, "period": "1999"})
    assert missing.status_code == 404


def test_comparison_outside_the_area_is_404(api, sen, area, other_area):
    outsider = member(AgencyFactory(local_area=other_area), Role.COMMISSIONER)
    response = api.as_user(outsider).get(f"/api/v1/indicators/{sen.pk}/comparison/",
                                         {"local_area": area.slug})
    assert response.status_code == 404


def test_import_dry_run_then_real(api, people, sen):
    client = api.as_user(people[Role.COMMISSIONER])
    dry = client.post("/api/v1/needs/imports/?dry_run=1",
                      {"file": SimpleUploadedFile("sen.csv", CSV)}, format="multipart")
    assert dry.status_code == 201
    assert dry.json() == {"layout": "long", "rows": 1, "new": 1, "changed": 0, "unchanged": 0,
                          "skipped": 0, "dry_run": True}
    assert not Observation.objects.filter(period="January 2020").exists()
    real = client.post("/api/v1/needs/imports/", {"file": SimpleUploadedFile("sen.csv", CSV)},
                       format="multipart")
    assert real.status_code == 201 and real.json()["new"] == 1
    again = client.post("/api/v1/needs/imports/", {"file": SimpleUploadedFile("sen.csv", CSV)},
                        format="multipart")
    assert (again.json()["new"], again.json()["unchanged"]) == (0, 1)


def test_import_errors_are_400_with_lines_and_nothing_saved(api, people, sen):
    client = api.as_user(people[Role.ADMIN])
    before = Observation.objects.count()
    bad = CSV + b"sen-prevalence,E10000099,January 2020,16.3,,,,,\nnope,E10000099,2020,1,,,,,\n"
    response = client.post("/api/v1/needs/imports/", {"file": SimpleUploadedFile("x.csv", bad)},
                           format="multipart")
    assert response.status_code == 400
    body = response.json()
    assert body["message"] == "The file has 2 problem(s); nothing was saved."
    assert body["errors"] == {
        "line 3": ["Duplicate key: the same indicator, area and period as line 2."],
        "line 4": ["Indicator code 'nope' is not a known indicator."]}
    assert [e["line"] for e in body["lines"]] == [3, 4]
    assert Observation.objects.count() == before


@pytest.mark.parametrize("role", [Role.PARENT_CARER, Role.APPROVER, Role.BOARD_MEMBER])
def test_import_forbidden_for_readers(api, people, role, sen):
    response = api.as_user(people[role]).post(
        "/api/v1/needs/imports/", {"file": SimpleUploadedFile("sen.csv", CSV)},
        format="multipart")
    assert response.status_code == 403
    assert not Observation.objects.filter(period="January 2020").exists()


def test_import_needs_a_file(api, people):
    response = api.as_user(people[Role.COMMISSIONER]).post("/api/v1/needs/imports/", {},
                                                            format="multipart")
    assert response.status_code == 400 and "file" in response.json()["errors"]


def test_findings_get_and_post(api, people, area, sen, priority):
    client = api.as_user(people[Role.COMMISSIONER])
    obs = Observation.objects.get(indicator=sen, period="January 2019",
                                  geography__code="E10000099")
    response = client.post("/api/v1/findings/", {
        "local_area": area.slug, "statement": "Higher than England", "found_on": "2020-11-30",
        "observations": [obs.pk], "priorities": [priority.pk]}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["priorities"] == [{"id": priority.pk, "strategy": "Joint strategy", "number": 1,
                                   "title": "Understand need"}]
    assert body["observations"][0]["value"] == "15.900000"
    listing = api.as_user(people[Role.PARENT_CARER]).get("/api/v1/findings/").json()
    assert listing["count"] == 1
    refused = api.as_user(people[Role.PARENT_CARER]).post("/api/v1/findings/", {
        "local_area": area.slug, "statement": "x", "found_on": "2020-11-30"}, format="json")
    assert refused.status_code == 403
    bad = client.post("/api/v1/findings/", {"local_area": area.slug, "statement": "x",
                                             "found_on": "2020-11-30", "priorities": [999999]},
                      format="json")
    assert bad.status_code == 400 and bad.json()["errors"] == {
        "priorities": ["Choose priorities of this area."]}


def test_findings_list_query_count(api, people, area, sen, priority,
                                   django_assert_max_num_queries):
    client = api.as_user(people[Role.VIEWER])

    def add(n):
        for i in range(n):
            services.finding_create(actor=people[Role.COMMISSIONER], local_area=area,
                                    statement=f"F{i}", found_on=datetime.date(2021, 1, 1),
                                    observations=Observation.objects.filter(indicator=sen)[:3],
                                    priorities=[priority])
    add(2)
    with django_assert_max_num_queries(10) as small:
        client.get("/api/v1/findings/")
    add(25)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get("/api/v1/findings/").json()["count"] == 27


def test_observation_and_indicator_lists_query_count(api, people, comparators,
                                                     django_assert_max_num_queries):
    from tests.factories.needs import IndicatorFactory, series

    client = api.as_user(people[Role.VIEWER])

    def add(start, n):
        for i in range(start, start + n):
            series(IndicatorFactory(code=f"q-{i}"), comparators,
                   {"2020": (1, 2, 3, [4, 5]), "2021": (1, 2, 3, [4, 5])})
    add(0, 1)
    client.get("/api/v1/indicators/")  # reads the person's grants once (cached on the user)
    sizes = []
    for start, n in ((1, 0), (1, 10)):
        add(start, n)
        for path in ("/api/v1/observations/", "/api/v1/indicators/"):
            with django_assert_max_num_queries(8) as ctx:
                assert client.get(path).status_code == 200
            sizes.append(len(ctx.captured_queries))
    assert sizes[:2] == sizes[2:]  # 1 indicator (10 rows) and 11 indicators (110 rows)
