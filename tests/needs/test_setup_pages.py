"""Findings are changed and removed on pages, and the area's comparator set is set and
changed there (issue 13): audited, 400 with the error summary on bad input, 404 for people
who may not, and removal refused while strategy priorities depend on a finding."""
import datetime
import re

import pytest

from agencies.roles import Role
from commissioning.models import Priority
from needs import services
from needs.models import ComparatorSet, Finding, Geography, GeographyKind, Observation
from tests.factories.needs import comparators_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def finding(people, area, sen, priority):
    observations = list(Observation.objects.filter(indicator=sen).order_by("pk")[:2])
    return services.finding_create(actor=people[Role.COMMISSIONER], local_area=area,
                                   statement="Higher than England",
                                   found_on=datetime.date(2020, 11, 30),
                                   observations=observations, priorities=[priority])


def test_commissioner_changes_a_finding_keeping_every_value(people, finding, priority,
                                                            signed_in):
    second = Priority.objects.create(strategy=priority.strategy, number=2, title="Act on it")
    client = signed_in(people[Role.COMMISSIONER])
    assert f'href="/findings/{finding.pk}/edit/"' in client.get(
        f"/findings/{finding.pk}/").content.decode()
    form = client.get(f"/findings/{finding.pk}/edit/").content.decode()
    assert "Higher than England" in form
    ticked = re.findall(r'name="observations" type="checkbox" value="(\d+)"[^>]*checked', form)
    assert len(ticked) == 2
    observations = re.findall(r'name="observations" type="checkbox" value="(\d+)"', form)
    bad = client.post(f"/findings/{finding.pk}/edit/", {"statement": "", "found_on": "x"})
    assert bad.status_code == 400 and "There is a problem" in bad.content.decode()
    done = client.post(f"/findings/{finding.pk}/edit/", {
        "statement": "Much higher than England", "found_on": "2021-01-15",
        "observations": observations[:3], "priorities": [str(priority.pk), str(second.pk)]})
    assert done.status_code == 302
    finding.refresh_from_db()
    assert finding.statement == "Much higher than England"
    assert finding.found_on == datetime.date(2021, 1, 15)
    assert sorted(map(str, finding.observations.values_list("pk", flat=True))) == \
        sorted(observations[:3])
    assert set(finding.priorities.all()) == {priority, second}
    page = client.get(f"/findings/{finding.pk}/").content.decode()
    assert "Priorities added: 2. Act on it" in page and "Edited: statement" in page


def test_a_finding_the_golden_thread_depends_on_is_not_removed(people, finding, signed_in):
    client = signed_in(people[Role.COMMISSIONER])
    page = client.get(f"/findings/{finding.pk}/").content.decode()
    assert "It cannot be removed" in page and f"/findings/{finding.pk}/remove/" not in page
    refused = client.post(f"/findings/{finding.pk}/remove/")
    assert refused.status_code == 409 and "take the priorities off" in refused.content.decode()
    assert Finding.objects.filter(pk=finding.pk).exists()


def test_commissioner_removes_a_finding_nothing_depends_on(people, finding, area, signed_in):
    commissioner = people[Role.COMMISSIONER]
    services.finding_update(actor=commissioner, finding=finding, priorities=[])
    client = signed_in(commissioner)
    confirm = client.get(f"/findings/{finding.pk}/remove/")
    assert confirm.status_code == 200 and "Remove finding" in confirm.content.decode()
    done = client.post(f"/findings/{finding.pk}/remove/")
    assert done.status_code == 302 and done["Location"] == "/findings/"
    assert not Finding.objects.filter(pk=finding.pk).exists()
    listing = client.get("/findings/").content.decode()
    assert "Findings removed" in listing and "Removed: Higher than England" in listing
    assert str(commissioner) in listing


def test_only_commissioners_and_administrators_change_findings(people, finding, signed_in,
                                                               other_area, make_member):
    for role in (Role.VIEWER, Role.PARENT_CARER, Role.BOARD_MEMBER):
        client = signed_in(people[role])
        for path in (f"/findings/{finding.pk}/edit/", f"/findings/{finding.pk}/remove/"):
            assert client.get(path).status_code == 404, (role, path)
            assert client.post(path).status_code == 404, (role, path)
    from tests.factories.agencies import AgencyFactory

    stranger = make_member(AgencyFactory(local_area=other_area, code="E10000098"),
                           Role.COMMISSIONER, username="stranger")
    assert signed_in(stranger).get(f"/findings/{finding.pk}/edit/").status_code == 404


def _geographies():
    england = Geography.objects.get(kind=GeographyKind.ENGLAND)
    region = Geography.objects.filter(kind=GeographyKind.REGION).first()
    own = Geography.objects.create(code="E06000099", name="Newtown", kind="local-authority")
    neighbour = Geography.objects.create(code="E06000098", name="Oldtown",
                                         kind="local-authority")
    return england, region, own, neighbour


def test_administrator_sets_up_the_comparators_of_a_new_area(other_area, make_member,
                                                            signed_in):
    from tests.factories.agencies import AgencyFactory

    comparators_for(other_area, code="E10000098")  # the geographies exist
    ComparatorSet.objects.filter(local_area=other_area).delete()
    admin = make_member(AgencyFactory(local_area=other_area, code="E10000097"), Role.ADMIN,
                        username="oadmin")
    england, region, own, neighbour = _geographies()
    client = signed_in(admin)
    page = client.get("/needs/comparators/").content.decode()
    assert "has no comparator set yet" in page and "Save comparators" in page
    bad = client.post("/needs/comparators/", {
        "geography": str(own.pk), "england": str(england.pk), "neighbours": "E99999999"})
    assert bad.status_code == 400 and "Unknown geography code: E99999999" in bad.content.decode()
    own_as_neighbour = client.post("/needs/comparators/", {
        "geography": str(own.pk), "england": str(england.pk), "neighbours": own.code})
    assert own_as_neighbour.status_code == 400
    assert not ComparatorSet.objects.filter(local_area=other_area).exists()
    done = client.post("/needs/comparators/", {
        "geography": str(own.pk), "england": str(england.pk), "region": str(region.pk),
        "neighbours": f"{neighbour.code.lower()}, E10000098"})
    assert done.status_code == 302
    made = ComparatorSet.objects.get(local_area=other_area)
    assert (made.geography, made.england, made.region) == (own, england, region)
    assert {g.code for g in made.neighbours.all()} == {"E06000098", "E10000098"}
    page = client.get("/needs/comparators/").content.decode()
    assert "Set up" in page and "Statistical neighbours: " in page


def test_changing_the_comparators_is_audited(area, comparators, people, signed_in):
    england, region, own, neighbour = _geographies()
    client = signed_in(people[Role.ADMIN])
    done = client.post("/needs/comparators/", {
        "geography": str(comparators.geography_id), "england": str(england.pk),
        "region": str(region.pk), "neighbours": neighbour.code})
    assert done.status_code == 302
    page = client.get("/needs/comparators/").content.decode()
    assert "Statistical neighbours added: Oldtown" in page
    assert "Statistical neighbours removed:" in page


def test_only_administrators_change_the_comparators(area, comparators, people, signed_in):
    for role in (Role.COMMISSIONER, Role.VIEWER, Role.PARENT_CARER):
        client = signed_in(people[role])
        page = client.get("/needs/comparators/")
        assert page.status_code == 200 and "Save comparators" not in page.content.decode()
        assert client.post("/needs/comparators/", {}).status_code == 404
    assert 'href="/needs/comparators/"' in signed_in(people[Role.VIEWER]).get(
        "/needs/").content.decode()


def test_findings_page_lists_removals_in_constant_queries(people, area, signed_in,
                                                          django_assert_max_num_queries):
    commissioner = people[Role.COMMISSIONER]
    client = signed_in(commissioner)
    client.get("/findings/")

    def remove(count):
        for n in range(count):
            made = services.finding_create(actor=commissioner, local_area=area,
                                           statement=f"Finding {n}",
                                           found_on=datetime.date(2021, 1, 1))
            services.finding_delete(actor=commissioner, finding=made)

    remove(1)
    with django_assert_max_num_queries(30) as small:
        client.get("/findings/")
    remove(10)
    with django_assert_max_num_queries(30) as large:
        page = client.get("/findings/").content.decode()
    assert len(small.captured_queries) == len(large.captured_queries)
    assert page.count("Removed: Finding") == 11
