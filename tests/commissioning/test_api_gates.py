"""The API submits stage gates and ticks checklists through the same services and guards
as the intention page (issue 13: the API covers what the pages do)."""
import pytest
from django.utils import timezone

from agencies.roles import Role
from commissioning import services
from commissioning.models import ChecklistTick, StageGate
from tests.factories.agencies import AgencyFactory, member
from tests.factories.commissioning import Cycle

pytestmark = pytest.mark.django_db
NEEDS = "Needs evidence linked"
EIA = "Equality impact assessment"


@pytest.fixture
def cycle(area):
    return Cycle(area)


def _url(cycle, what):
    return f"/api/v1/intentions/{cycle.intention.pk}/{what}/"


def test_checklist_reads_and_ticks_like_the_page(api, cycle):
    client = api.as_user(cycle.commissioner)
    body = client.get(_url(cycle, "checklist")).json()
    assert body["stage"]["name"] == "Analyse"
    assert [(i["text"], i["done"], i["automatic"]) for i in body["items"]] == [
        (NEEDS, False, True), (EIA, False, False)]

    response = client.post(_url(cycle, "checklist"), {"item": EIA}, format="json")
    assert response.status_code == 200, response.json()
    assert [i["done"] for i in response.json()["items"]] == [False, True]
    assert ChecklistTick.objects.filter(intention=cycle.intention, item=EIA).count() == 1

    response = client.post(_url(cycle, "checklist"), {"item": EIA, "done": False}, format="json")
    assert [i["done"] for i in response.json()["items"]] == [False, False]
    assert not ChecklistTick.objects.filter(intention=cycle.intention).exists()


def test_checklist_refuses_automatic_and_unknown_items(api, cycle):
    client = api.as_user(cycle.commissioner)
    response = client.post(_url(cycle, "checklist"), {"item": NEEDS}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["item"] == ["The portal checks this item itself."]
    response = client.post(_url(cycle, "checklist"), {"item": "Invent a step"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["item"] == ["Choose an item of the checklist."]
    response = client.post(_url(cycle, "checklist"), {}, format="json")
    assert response.status_code == 400 and "item" in response.json()["errors"]
    assert not ChecklistTick.objects.exists()


def test_gate_submit_waits_for_the_checklist_then_opens_a_gate(api, cycle):
    client = api.as_user(cycle.commissioner)
    response = client.post(_url(cycle, "gates"), {"note": "Ready"}, format="json")
    assert response.status_code == 409
    assert response.json()["errors"]["checklist"] == [NEEDS, EIA]
    assert not StageGate.objects.exists()

    services.checklist_tick(actor=None, intention=cycle.intention, item=NEEDS)  # set-up
    client.post(_url(cycle, "checklist"), {"item": EIA}, format="json")
    response = client.post(_url(cycle, "gates"), {"note": "Ready"}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["from_stage"]["name"], body["to_stage"]["name"], body["status"],
            body["round"], body["note"]) == ("Analyse", "Plan", "open", 1, "Ready")
    gate = StageGate.objects.get()
    assert gate.pk == body["id"] and gate.opened_by == cycle.commissioner

    listed = client.get(_url(cycle, "gates")).json()
    assert [g["id"] for g in listed] == [gate.pk]
    again = client.post(_url(cycle, "gates"), {}, format="json")
    assert again.status_code == 409
    assert again.json()["message"] == "A stage gate is already waiting for sign-off."


def test_readers_may_look_but_not_submit_or_tick(api, cycle):
    viewer = member(cycle.council, Role.VIEWER)
    client = api.as_user(viewer)
    assert client.get(_url(cycle, "checklist")).status_code == 200
    assert client.get(_url(cycle, "gates")).status_code == 200
    assert client.post(_url(cycle, "checklist"), {"item": EIA}, format="json").status_code == 403
    assert client.post(_url(cycle, "gates"), {}, format="json").status_code == 403
    assert not ChecklistTick.objects.exists() and not StageGate.objects.exists()


def test_other_areas_get_404(api, cycle, other_area):
    stranger = member(AgencyFactory(local_area=other_area, name="Other council"),
                      Role.COMMISSIONER)
    client = api.as_user(stranger)
    for what in ("checklist", "gates"):
        assert client.get(_url(cycle, what)).status_code == 404
        assert client.post(_url(cycle, what), {"item": EIA}, format="json").status_code == 404
    assert not ChecklistTick.objects.exists() and not StageGate.objects.exists()


@pytest.mark.parametrize("gates", [1, 12])
def test_gate_list_costs_constant_queries(gates, api, cycle, django_assert_max_num_queries):
    target = cycle.intention
    stages = list(cycle.area.stages.order_by("position"))
    for n in range(gates):
        StageGate.objects.create(intention=target, from_stage=stages[0], to_stage=stages[1],
                                 round=n + 1, status="rejected", opened_by=cycle.commissioner,
                                 opened_at=timezone.now())
    client = api.as_user(cycle.commissioner)
    with django_assert_max_num_queries(14):
        response = client.get(f"/api/v1/intentions/{target.pk}/gates/")
    assert len(response.json()) == gates
