"""Who owns which figures (issue 14 #1): an area imports only its own geography and its
sub-areas; England, regions, statistical neighbours and other areas' figures come only from
a platform import by platform administrators; every change shows in the import history of
each area whose figures (or comparators' figures) it changed."""
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile

from agencies.roles import Role
from needs import services
from needs.models import Geography, ImportRun, ImportRunArea, Observation
from portal.errors import ApplicationError
from tests.factories.agencies import AgencyFactory, UserFactory, member
from tests.factories.needs import GeographyFactory, comparators_for

pytestmark = pytest.mark.django_db
HEAD = b"indicator_code,area_code,period,value,numerator,denominator,lower_ci,upper_ci,note\n"


def csv(*lines):
    return SimpleUploadedFile("figures.csv", HEAD + b"".join(
        line.encode() + b"\n" for line in lines))


@pytest.fixture
def worcestershire(other_area, sen):
    """Another area whose own geography is E10000034 (Worcestershire), with a figure."""
    comparators_for(other_area, code="E10000034", neighbours=0)
    Observation.objects.create(indicator=sen, geography=Geography.objects.get(code="E10000034"),
                               period="January 2021", period_sort=202101, value=Decimal("15.9"))
    return other_area


@pytest.fixture
def other_commissioner(worcestershire):
    return member(AgencyFactory(local_area=worcestershire), Role.COMMISSIONER,
                  username="worcs.commissioner")


@pytest.fixture
def platform_admin():
    return UserFactory(username="platform.admin", is_superuser=True, is_staff=True)


def value_of(code, period="January 2021"):
    return Observation.objects.get(geography__code=code, period=period).value


def test_another_areas_commissioner_cannot_overwrite_its_figure(api, people, worcestershire):
    """The reported attack: Testshire's commissioner posts Worcestershire's value."""
    response = api.as_user(people[Role.COMMISSIONER]).post(
        "/api/v1/needs/imports/",
        {"file": csv("sen-prevalence,E10000034,January 2021,99.9,,,,,")}, format="multipart")
    assert response.status_code == 400
    message = response.json()["errors"]["line 2"][0]
    assert "'E10000034' is not Testshire's own geography" in message
    assert "platform" in message
    assert value_of("E10000034") == Decimal("15.9")
    assert not ImportRun.objects.exists()


@pytest.mark.parametrize("code", ["E92000001", "E12000005", "neighbour"])
def test_an_area_cannot_import_its_comparators(api, people, sen, comparators, code):
    if code == "neighbour":
        code = comparators.neighbours.first().code
    response = api.as_user(people[Role.ADMIN]).post("/api/v1/needs/imports/", {"file": csv(
        "sen-prevalence,E10000099,January 2021,16.0,,,,,",
        f"sen-prevalence,{code},January 2021,1.0,,,,,")}, format="multipart")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["line 3"]  # the own line is fine ...
    assert not Observation.objects.filter(period="January 2021").exists()  # ... but not saved


def test_an_area_imports_its_own_geography_and_sub_areas(api, people, sen, comparators,
                                                         worcestershire):
    ward = GeographyFactory(code="E05000001", name="A ward", parent=comparators.geography)
    GeographyFactory(code="E05000002", name="Ward of a ward", parent=ward)
    # A geography claimed by another area stays that area's, even placed under this one.
    worcs = Observation.objects.get(geography__code="E10000034").geography
    worcs.parent = comparators.geography
    worcs.save()
    client = api.as_user(people[Role.COMMISSIONER])
    ok = client.post("/api/v1/needs/imports/", {"file": csv(
        "sen-prevalence,E10000099,January 2021,16.0,,,,,",
        "sen-prevalence,E05000001,January 2021,17.0,,,,,",
        "sen-prevalence,E05000002,January 2021,18.0,,,,,")}, format="multipart")
    assert ok.status_code == 201 and ok.json()["new"] == 3
    refused = client.post("/api/v1/needs/imports/", {"file": csv(
        "sen-prevalence,E10000034,January 2021,99.9,,,,,")}, format="multipart")
    assert refused.status_code == 400
    assert value_of("E10000034") == Decimal("15.9")


def test_platform_imports_are_for_platform_administrators(api, people, sen, comparators,
                                                          platform_admin):
    file = "sen-prevalence,E92000001,January 2021,15.1,,,,,"
    for role in (Role.COMMISSIONER, Role.ADMIN):
        response = api.as_user(people[role]).post("/api/v1/needs/platform-imports/",
                                                  {"file": csv(file)}, format="multipart")
        assert response.status_code == 403 and response.json()["message"]
    assert not Observation.objects.filter(period="January 2021").exists()
    with pytest.raises(ApplicationError):
        services.observations_import(actor=people[Role.ADMIN], local_area=None,
                                     upload=csv(file), platform=True)
    response = api.as_user(platform_admin).post("/api/v1/needs/platform-imports/",
                                                {"file": csv(file)}, format="multipart")
    assert response.status_code == 201 and response.json()["new"] == 1
    # The permission alone (no superuser) is the platform-admin flag.
    flagged = UserFactory(username="stats.team")
    flagged.user_permissions.add(Permission.objects.get(codename="import_published_statistics"))
    response = api.as_user(flagged).post("/api/v1/needs/platform-imports/", {"file": csv(
        "sen-prevalence,E92000001,January 2021,15.2,,,,,")}, format="multipart")
    assert response.status_code == 201 and response.json()["changed"] == 1


def test_a_platform_import_shows_in_each_affected_areas_history(api, people, sen, comparators,
                                                                 worcestershire,
                                                                 other_commissioner,
                                                                 platform_admin):
    response = api.as_user(platform_admin).post("/api/v1/needs/platform-imports/", {
        "file": csv("sen-prevalence,E10000034,January 2021,16.4,,,,,",
                    "sen-prevalence,E92000001,January 2021,15.0,,,,,",
                    "sen-prevalence,E12000005,January 2021,15.3,,,,,")}, format="multipart")
    assert response.status_code == 201
    run = ImportRun.objects.get()
    assert run.local_area is None and run.scope == "platform"
    assert {(a.local_area.slug, a.own, a.comparators) for a in run.affected.all()} == {
        (worcestershire.slug, 1, 2), ("testshire", 0, 2)}
    history = api.as_user(other_commissioner).get(
        "/api/v1/needs/imports/", {"local_area": worcestershire.slug}).json()["results"]
    assert [(h["id"], h["imported_by"], h["own_figures"], h["comparator_figures"])
            for h in history] == [(run.pk, "platform", 1, 2)]
    mine = api.as_user(people[Role.COMMISSIONER]).get(
        "/api/v1/needs/imports/", {"local_area": "testshire"}).json()["results"]
    assert [(h["own_figures"], h["comparator_figures"]) for h in mine] == [(0, 2)]
    # Importers of one area cannot read another's history.
    assert api.as_user(people[Role.COMMISSIONER]).get(
        "/api/v1/needs/imports/", {"local_area": worcestershire.slug}).status_code == 404
    assert api.as_user(people[Role.VIEWER]).get(
        "/api/v1/needs/imports/", {"local_area": "testshire"}).status_code == 404


def test_an_areas_own_import_shows_in_the_history_of_areas_comparing_with_it(
        api, people, sen, comparators, worcestershire, other_commissioner):
    """Testshire's own figure is one of Worcestershire's neighbours: Worcestershire sees the
    change in its history (but not the run's page, which is Testshire's)."""
    worcestershire.comparator_set.neighbours.add(comparators.geography)
    response = api.as_user(people[Role.COMMISSIONER]).post("/api/v1/needs/imports/", {
        "file": csv("sen-prevalence,E10000099,January 2021,16.0,,,,,")}, format="multipart")
    assert response.status_code == 201
    run = ImportRun.objects.get()
    history = api.as_user(other_commissioner).get(
        "/api/v1/needs/imports/", {"local_area": worcestershire.slug}).json()["results"]
    assert [(h["id"], h["imported_by"], h["own_figures"], h["comparator_figures"])
            for h in history] == [(run.pk, "testshire", 0, 1)]


def test_pages_area_import_refuses_and_platform_page_imports(signed_in, client, people, area,
                                                            sen, comparators, worcestershire,
                                                            other_commissioner,
                                                            platform_admin, settings, tmp_path,
                                                            django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path
    page = signed_in(people[Role.COMMISSIONER])
    assert page.get("/needs/platform-imports/").status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        response = page.post("/needs/imports/", {"file": csv(
            "sen-prevalence,E10000034,January 2021,99.9,,,,,")})
    run = ImportRun.objects.get()
    assert run.status == "failed"
    html = page.get(f"/needs/imports/{run.pk}/").content.decode()
    assert "is not Testshire&#x27;s own geography" in html and "Nothing was saved" in html
    assert value_of("E10000034") == Decimal("15.9")

    admin = signed_in(platform_admin)
    assert admin.get("/needs/platform-imports/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post("/needs/platform-imports/", {"file": csv(
            "sen-prevalence,E10000034,January 2021,16.4,,,,,")})
    platform_run = ImportRun.objects.get(scope="platform")
    assert response["Location"] == f"/needs/imports/{platform_run.pk}/"
    with django_capture_on_commit_callbacks(execute=True):
        admin.post(f"/needs/imports/{platform_run.pk}/confirm/")
    assert value_of("E10000034") == Decimal("16.4")

    worcs = signed_in(other_commissioner)
    history = worcs.get("/needs/imports/").content.decode()
    assert "figures.csv" in history and "Platform: " in history
    assert worcs.get(f"/needs/imports/{platform_run.pk}/").status_code == 200
    assert worcs.get(f"/needs/imports/{run.pk}/").status_code == 404  # Testshire's own run
    # A commissioner cannot confirm a platform run.
    platform_run.status = "previewed"
    platform_run.save()
    with pytest.raises(ApplicationError):
        services.import_run_confirm(actor=other_commissioner, run=platform_run)


@pytest.mark.parametrize("runs", [2, 20])
def test_history_costs_constant_queries(runs, api, people, sen, comparators, platform_admin,
                                        django_assert_max_num_queries):
    for i in range(runs):
        services.observations_import(actor=platform_admin, local_area=None, platform=True,
                                     upload=csv(f"sen-prevalence,E10000099,January 2021,"
                                                f"{16 + i},,,,,"))
    assert ImportRunArea.objects.count() == runs
    client = api.as_user(people[Role.COMMISSIONER])
    with django_assert_max_num_queries(8):
        body = client.get("/api/v1/needs/imports/",
                          {"local_area": "testshire", "page_size": 50}).json()
    assert body["count"] == runs
