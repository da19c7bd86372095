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
