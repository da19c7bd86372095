"""Pages: dashboard, indicator, findings, imports — content, permissions, query counts."""
import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from agencies.roles import Role
from needs import services
from needs.models import ImportRun, Observation
from tests.factories.agencies import AgencyFactory, member
from tests.factories.needs import IndicatorFactory, series

CSV = (b"indicator_code,area_code,period,value,numerator,denominator,lower_ci,upper_ci,note\n"
       b"sen-prevalence,E10000099,January 2020,16.3,13480,82700,,,\n")


def test_dashboard_url_is_needs():
    assert reverse("needs:dashboard") == "/needs/"


@pytest.mark.parametrize("role", list(Role))
def test_dashboard_for_every_role(role, people, sen, signed_in):
    response = signed_in(people[role]).get("/needs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Pupils with SEN" in html
    assert "15.9" in html and "14.9" in html and "15.0" in html
    assert "15.2" in html  # the neighbours' average (15.1 + 15.3) / 2
    assert "Significantly </span>Higher" in html
    assert ("Import published data" in html) == (role in (Role.COMMISSIONER, Role.ADMIN))


def test_dashboard_without_comparators_explains(area, council, signed_in):
    user = member(council, Role.VIEWER)
    html = signed_in(user).get("/needs/").content.decode()
    assert "no comparator set yet" in html


def _indicators(n, comparators, start=0):
    for i in range(start, start + n):
        indicator = IndicatorFactory(code=f"ind-{i}", name=f"Indicator {i}", position=i)
        series(indicator, comparators, {
            f"January {2017 + y}": ((15 + y, 150 + y, 1000), 14, 14.5, [14.2, 14.6])
            for y in range(5)})


def test_dashboard_query_count_is_constant(people, comparators, signed_in,
                                           django_assert_max_num_queries):
    client = signed_in(people[Role.VIEWER])
    _indicators(2, comparators)
    client.get("/needs/")  # warm the session
    # session + user + OTP device + current area (+ its stages) + grants/roles (area ids,
    # internal, admin, roles) + my_areas + the dashboard's own four (comparator set,
    # neighbours, indicators, observations) + the import/finding permission checks.
    with django_assert_max_num_queries(16) as small:
        assert client.get("/needs/").status_code == 200
    _indicators(30, comparators, start=2)
    with django_assert_max_num_queries(len(small.captured_queries)):
        html = client.get("/needs/").content.decode()
    assert html.count('class="govuk-table__row"') == 33  # header + 32 indicators


def test_indicator_page_has_chart_alternative_and_table(people, sen, signed_in):
    html = signed_in(people[Role.PARENT_CARER]).get(f"/indicators/{sen.pk}/").content.decode()
    assert re.search(r'<svg[^>]+role="img"', html)
    assert "<title id=" in html and "<desc id=" in html
    assert "In January 2019, Testshire council was 15.9" in html
    assert "Wilson score method" in html
    assert "<caption" in html and "January 2017" in html


def test_indicator_page_query_count(people, sen, signed_in, django_assert_max_num_queries):
    client = signed_in(people[Role.VIEWER])
    client.get(f"/indicators/{sen.pk}/")
    with django_assert_max_num_queries(14):
        assert client.get(f"/indicators/{sen.pk}/").status_code == 200


def test_outsiders_get_404(sen, other_area, signed_in, area):
    outsider = member(AgencyFactory(local_area=other_area), Role.COMMISSIONER)
    client = signed_in(outsider)
    finding = services.finding_create(actor=None, local_area=area, statement="Ours",
                                      found_on=datetime.date(2021, 1, 1),
                                      author=outsider)
    assert client.get(f"/findings/{finding.pk}/").status_code == 404


def test_findings_list_and_page_show_priorities_and_intentions(people, area, sen, priority,
                                                               signed_in):
    finding = services.finding_create(
        actor=people[Role.COMMISSIONER], local_area=area, statement="SEN is higher than England",
        found_on=datetime.date(2020, 11, 30), observations=Observation.objects.filter(
            indicator=sen, period="January 2019"), priorities=[priority])
    client = signed_in(people[Role.PARENT_CARER])
    listing = client.get("/findings/").content.decode()
    assert "SEN is higher than England" in listing and "Understand need" in listing
    page = client.get(f"/findings/{finding.pk}/").content.decode()
    assert "1. Understand need" in page and "Joint strategy" in page
    assert "No intentions answer this priority yet." in page


def test_findings_list_query_count(people, area, sen, priority, signed_in,
                                   django_assert_max_num_queries):
    client = signed_in(people[Role.VIEWER])

    def add(n):
        for i in range(n):
            services.finding_create(actor=people[Role.COMMISSIONER], local_area=area,
                                    statement=f"Finding {i}", found_on=datetime.date(2021, 1, 1),
                                    observations=Observation.objects.filter(indicator=sen)[:2],
                                    priorities=[priority])
    add(2)
    client.get("/findings/")
    with django_assert_max_num_queries(16) as small:
        client.get("/findings/")
    add(20)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get("/findings/")


def test_record_a_finding(people, area, sen, priority, signed_in):
    client = signed_in(people[Role.COMMISSIONER])
    assert client.get("/findings/new/").status_code == 200
    bad = client.post("/findings/new/", {"statement": "", "found_on": "soon"})
    assert bad.status_code == 400
    assert "Enter what the evidence shows" in bad.content.decode()
    obs = Observation.objects.get(indicator=sen, period="January 2019",
                                  geography__code="E10000099")
    response = client.post("/findings/new/", {
        "statement": "Higher than England", "found_on": "2020-11-30",
        "observations": [obs.pk], "priorities": [priority.pk]})
    assert response.status_code == 302
    assert signed_in(people[Role.VIEWER]).get("/findings/new/").status_code == 404


def test_import_page_flow(people, area, sen, signed_in, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = signed_in(people[Role.ADMIN])
    assert client.get("/needs/imports/").status_code == 200
    missing = client.post("/needs/imports/", {})
    assert missing.status_code == 400 and "Select a CSV file to upload" in missing.content.decode()
    response = client.post("/needs/imports/", {"file": SimpleUploadedFile("sen.csv", CSV)})
    run = ImportRun.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/needs/imports/{run.pk}/"


@pytest.mark.django_db(transaction=True)
def test_import_page_preview_and_confirm(area, council, signed_in, settings, tmp_path,
                                         comparators):
    settings.MEDIA_ROOT = tmp_path
    IndicatorFactory(code="sen-prevalence")
    user = member(council, Role.COMMISSIONER)
    client = signed_in(user)
    response = client.post("/needs/imports/", {"file": SimpleUploadedFile("sen.csv", CSV)},
                           follow=True)
    html = response.content.decode()
    assert "New figures" in html and "Import 1 new and changed figures" in html
    run = ImportRun.objects.get()
    response = client.post(f"/needs/imports/{run.pk}/confirm/", follow=True)
    assert "Imported" in response.content.decode()
    assert Observation.objects.filter(period="January 2020").count() == 1
    bad = client.post("/needs/imports/", {"file": SimpleUploadedFile(
        "bad.csv", CSV.replace(b"E10000099", b"E00000000"))}, follow=True).content.decode()
    assert "Line 2: Area code &#x27;E00000000&#x27; is not a known geography." in bad
    assert "Nothing was saved" in bad


@pytest.mark.parametrize("role", [Role.PARENT_CARER, Role.VIEWER, Role.FINANCE])
def test_import_pages_hidden_from_readers(role, people, signed_in):
    assert signed_in(people[role]).get("/needs/imports/").status_code == 404


def test_home_panel(people, area, sen, signed_in):
    services.finding_create(actor=people[Role.COMMISSIONER], local_area=area,
                            statement="A finding for home", found_on=datetime.date(2021, 1, 1))
    html = signed_in(people[Role.COMMISSIONER]).get("/").content.decode()
    assert "A finding for home" in html and "Keep the evidence up to date" in html


def test_finding_page_follows_the_thread_to_intentions(people, area, council, sen, priority,
                                                       signed_in):
    """Internal roles see every intention answering the priority; parent carers only those
    published for consultation."""
    from tests.factories.commissioning import intention

    draft = intention(lead_agency=council, title="Internal draft intention",
                      owner=people[Role.COMMISSIONER])
    published = intention(lead_agency=council, title="Published short breaks",
                          owner=people[Role.COMMISSIONER])
    for item in (draft, published):
        item.priorities.add(priority)
    type(published).objects.filter(pk=published.pk).update(published_for_consultation=True)
    finding = services.finding_create(
        actor=people[Role.COMMISSIONER], local_area=area, statement="Need is rising",
        found_on=datetime.date(2021, 1, 1), priorities=[priority])
    internal = signed_in(people[Role.VIEWER]).get(f"/findings/{finding.pk}/").content.decode()
    assert "Internal draft intention" in internal and "Published short breaks" in internal
    carer = signed_in(people[Role.PARENT_CARER]).get(f"/findings/{finding.pk}/").content.decode()
    assert "Published short breaks" in carer and "Internal draft intention" not in carer
