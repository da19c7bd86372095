"""Multi-choice fields of the cycle's forms render as checkboxes and keep every value:
"Change the details" once kept only one partner and one priority (issue 12), and the
timeline says who added or removed which partner, priority or amount."""
import re

import pytest

from commissioning import services
from commissioning.models import Disagreement
from commissioning.timeline import build
from tests.factories.agencies import AgencyFactory
from tests.factories.commissioning import Cycle, PriorityFactory, StrategyFactory

pytestmark = pytest.mark.django_db


def checkboxes(html, name):
    """The values of the checkboxes called `name` (and fail on any radio of that name)."""
    assert not re.search(rf'type="radio"[^>]*name="{name}"|name="{name}"[^>]*type="radio"',
                         html), f"{name} renders as radios"
    return re.findall(rf'name="{name}" type="checkbox" value="([^"]+)"', html)


@pytest.fixture
def cycle(area):
    return Cycle(area)


@pytest.fixture
def third(cycle):
    return AgencyFactory(local_area=cycle.area, name="Health Trust", kind="nhs-trust")


@pytest.fixture
def priorities(cycle):
    strategy = StrategyFactory(local_area=cycle.area)
    return [PriorityFactory(strategy=strategy, number=n, title=f"Priority {n}")
            for n in (1, 2, 3, 4)]


def _intention_post(cycle, **overrides):
    data = {"title": cycle.intention.title, "level": "strategic",
            "lead_agency": cycle.council.pk, "estimated_annual_value": "100000.00"}
    data.update(overrides)
    return data


def test_intention_edit_keeps_every_partner_and_priority(signed_in, cycle, third, priorities):
    client = signed_in(cycle.commissioner)
    url = f"/intentions/{cycle.intention.pk}/edit/"
    page = client.get(url).content.decode()
    assert set(checkboxes(page, "partner_agencies")) >= {str(cycle.icb.pk), str(third.pk)}
    assert len(checkboxes(page, "priorities")) == 4
    chosen = [p.pk for p in priorities[1:]]
    response = client.post(url, _intention_post(
        cycle, partner_agencies=[cycle.icb.pk, third.pk], priorities=chosen))
    assert response.status_code == 302
    # Edit another field through the page as it renders now: every value is still ticked.
    page = client.get(url).content.decode()
    ticked = re.findall(r'name="(partner_agencies|priorities)" type="checkbox" '
                        r'value="([^"]+)" checked', page)
    assert sorted(ticked) == sorted(
        [("partner_agencies", str(cycle.icb.pk)), ("partner_agencies", str(third.pk))]
        + [("priorities", str(pk)) for pk in chosen])
    response = client.post(url, _intention_post(
        cycle, thematic_area="Social care",
        partner_agencies=[v for k, v in ticked if k == "partner_agencies"],
        priorities=[v for k, v in ticked if k == "priorities"]))
    assert response.status_code == 302
    intention = cycle.intention
    intention.refresh_from_db()
    assert intention.thematic_area == "Social care"
    assert set(intention.partner_agencies.all()) == {cycle.icb, third}
    assert sorted(intention.priorities.values_list("pk", flat=True)) == sorted(chosen)


def test_intention_create_keeps_every_partner_and_priority(signed_in, cycle, third,
                                                           priorities):
    client = signed_in(cycle.commissioner)
    page = client.get("/intentions/new/").content.decode()
    assert checkboxes(page, "partner_agencies") and checkboxes(page, "priorities")
    response = client.post("/intentions/new/", {
        "title": "Speech and language therapy", "level": "operational",
        "lead_agency": cycle.council.pk, "estimated_annual_value": "5000",
        "partner_agencies": [cycle.icb.pk, third.pk],
        "priorities": [p.pk for p in priorities]})
    assert response.status_code == 302
    created = cycle.area.intentions.get(title="Speech and language therapy")
    assert set(created.partner_agencies.all()) == {cycle.icb, third}
    assert created.priorities.count() == 4
    # The creation names its partners and priorities in one event, not four "added" ones.
    events = build(created)
    assert [e["kind"] for e in events] == ["created"]
    assert "Partner agencies: Health Trust, ICB" in events[0]["detail"]
    assert "Priorities: 1. Priority 1, 2. Priority 2, 3. Priority 3, 4. Priority 4" \
        in events[0]["detail"]


def test_disagreement_keeps_every_party(signed_in, cycle, third):
    client = signed_in(cycle.commissioner)
    page = client.get("/disagreements/new/").content.decode()
    assert len(checkboxes(page, "parties")) >= 3
    response = client.post("/disagreements/new/", {
        "subject": "Therapy funding", "details": "Who pays",
        "parties": [cycle.council.pk, cycle.icb.pk, third.pk]})
    assert response.status_code == 302
    item = Disagreement.objects.get(subject="Therapy funding")
    assert set(item.parties.all()) == {cycle.council, cycle.icb, third}


def test_timeline_names_partners_priorities_and_value_changed_and_by_whom(
        signed_in, cycle, third, priorities):
    client = signed_in(cycle.commissioner)
    url = f"/intentions/{cycle.intention.pk}/edit/"
    client.post(url, _intention_post(cycle, partner_agencies=[cycle.icb.pk, third.pk],
                                     priorities=[priorities[0].pk, priorities[3].pk]))
    client.post(url, _intention_post(cycle, partner_agencies=[third.pk],
                                     priorities=[priorities[0].pk],
                                     estimated_annual_value="125000.50"))
    page = client.get(f"/intentions/{cycle.intention.pk}/").content.decode()
    timeline = page[page.index("portal-timeline"):]
    for what in ("Partner agencies added: Health Trust",
                 "Priorities added: 1. Priority 1, 4. Priority 4",
                 "Partner agencies removed: ICB",
                 "Priorities removed: 4. Priority 4",
                 "Estimated value changed from £100,000.00 to £125,000.50"):
        assert what in timeline, what
    events = build(cycle.intention)
    removed = next(e for e in events if e["what"] == "Partner agencies removed: ICB")
    assert removed["who"] == str(cycle.commissioner)
    # The "Edited:" line no longer stands for what partners and priorities lost.
    assert not any(e["what"].startswith("Edited:") for e in events)


def test_timeline_hides_a_sensitive_value_from_those_who_may_not_see_it(cycle):
    services.intention_update(actor=cycle.commissioner, intention=cycle.intention,
                              estimated_annual_value="90000", value_is_sensitive=True)
    hidden = [e["what"] for e in build(cycle.intention, show_value=False)]
    assert "Estimated value changed" in hidden
    assert not any("£" in what for what in hidden)
    shown = [e["what"] for e in build(cycle.intention)]
    assert "Estimated value changed from £100,000.00 to £90,000.00" in shown
