"""The finding form's evidence and priorities render as checkboxes and every value ticked
is saved (issue 12)."""
import re

import pytest

from agencies.roles import Role
from commissioning.models import Priority
from needs.models import Finding

pytestmark = pytest.mark.django_db


def test_finding_keeps_every_observation_and_priority(people, area, sen, priority,
                                                      signed_in):
    second = Priority.objects.create(strategy=priority.strategy, number=2, title="Act on it")
    client = signed_in(people[Role.COMMISSIONER])
    page = client.get("/findings/new/").content.decode()
    assert 'type="radio"' not in page
    observations = re.findall(r'name="observations" type="checkbox" value="(\d+)"', page)
    priorities = re.findall(r'name="priorities" type="checkbox" value="(\d+)"', page)
    assert len(observations) >= 3 and len(priorities) == 2
    response = client.post("/findings/new/", {
        "statement": "Higher than England", "found_on": "2020-11-30",
        "observations": observations[:3], "priorities": priorities})
    assert response.status_code == 302
    finding = Finding.objects.get()
    assert sorted(map(str, finding.observations.values_list("pk", flat=True))) == \
        sorted(observations[:3])
    assert set(finding.priorities.all()) == {priority, second}


def test_finding_page_shows_evidence_and_priorities_changed_by_whom(
        people, area, sen, priority, signed_in, django_assert_max_num_queries):
    import datetime

    from needs import services
    from needs.models import Observation

    commissioner = people[Role.COMMISSIONER]
    second = Priority.objects.create(strategy=priority.strategy, number=2, title="Act on it")
    observations = list(Observation.objects.filter(indicator=sen).order_by("pk")[:3])
    finding = services.finding_create(actor=commissioner, local_area=area,
                                      statement="Higher than England",
                                      found_on=datetime.date(2020, 11, 30),
                                      observations=observations[:2], priorities=[priority])
    services.finding_update(actor=commissioner, finding=finding,
                            observations=observations[1:], priorities=[second])
    client = signed_in(commissioner)
    client.get(f"/findings/{finding.pk}/")
    with django_assert_max_num_queries(30) as counted:
        page = client.get(f"/findings/{finding.pk}/").content.decode()
    changes = page[page.index('id="changes"'):]
    assert "Evidence added: Pupils with SEN" in changes
    assert "Evidence removed: Pupils with SEN" in changes
    assert "Priorities added: 2. Act on it" in changes
    assert "Priorities removed: 1. Understand need" in changes
    assert "Recorded" in changes and str(commissioner) in changes
    # The observations' names are read with their indicator and area in one query each.
    assert sum("needs_indicator" in q["sql"] for q in counted.captured_queries) <= 2
