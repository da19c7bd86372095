"""Journey 1: a commissioner creates an intention with several partner agencies and
priorities, changes one detail, makes it active, completes the checklist and submits it for
sign-off — through the pages only, the database checked after every step.
"""
from decimal import Decimal

import pytest

from agencies.models import Stage
from agencies.roles import Role
from commissioning.models import ChecklistTick, GateStatus, Intention, IntentionStatus
from tests.factories.agencies import AgencyFactory, member
from tests.factories.commissioning import PriorityFactory, StrategyFactory

from .conftest import button, follow, main_text, nav, no_sideways_scroll

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHECKLIST = ["Equality impact assessment", "Market engagement done"]


@pytest.fixture
def world(area, council, icb):
    city = AgencyFactory(local_area=area, name="Testshire City Council", code="E06000099")
    Stage.objects.filter(local_area=area, position=1).update(checklist=CHECKLIST)
    strategy = StrategyFactory(local_area=area, title="Joint Commissioning Strategy")
    priorities = [PriorityFactory(strategy=strategy, number=n, title=title) for n, title in
                  enumerate(["Early help", "Preparing for adulthood", "Short breaks"], 1)]
    for agency, limit in ((council, 500000), (icb, 500000), (city, 500000)):
        member(agency, Role.APPROVER, limit=limit, username=f"approver-{agency.pk}")
    return {"commissioner": member(council, Role.COMMISSIONER, username="j.commissioner"),
            "partners": [icb, city], "priorities": priorities[1:], "lead": council}


def saved(intention_pk):
    intention = Intention.objects.get(pk=intention_pk)
    return (intention, {a.name for a in intention.partner_agencies.all()},
            {p.title for p in intention.priorities.all()})


def test_commissioner_creates_and_submits_an_intention(world, browse, visit,
                                                        live_server):
    partners = {a.name for a in world["partners"]}
    priorities = {p.title for p in world["priorities"]}
    page = browse(world["commissioner"])
    visit(page, "/")

    # The list, then the form.
    follow(page, nav(page, "Intentions"))
    follow(page, button(page, "New intention"))
    page.fill("#id_title", "Therapy hub for under-fives")
    page.fill("#id_summary", "One place for speech, occupational and physio therapy.")
    page.fill("#id_thematic_area", "Therapies")
    page.get_by_label("Strategic", exact=True).check()
    page.select_option("#id_lead_agency", label=world["lead"].name)
    partner_boxes = page.locator("fieldset", has_text="Partner agencies")
    for name in sorted(partners):
        partner_boxes.get_by_label(name, exact=True).check()
    priority_boxes = page.locator("fieldset", has_text="Strategy priorities")
    for priority in world["priorities"]:
        priority_boxes.get_by_label(f"{priority.number}. {priority.title}", exact=True).check()
    page.fill("#id_estimated_annual_value", "180000")
    follow(page, button(page, "Create intention"))

    intention = Intention.objects.get(title="Therapy hub for under-fives")
    _, saved_partners, saved_priorities = saved(intention.pk)
    assert (saved_partners, saved_priorities) == (partners, priorities), \
        "creating the intention kept only some of the partners and priorities chosen"
    assert intention.status == IntentionStatus.DRAFT
    assert intention.estimated_annual_value == Decimal("180000.00")
    assert intention.reference in main_text(page)

    # Change one detail: every partner and priority must survive the save.
    follow(page, button(page, "Change the details"))
    for name in partners:
        assert partner_boxes.get_by_label(name, exact=True).is_checked(), name
    page.fill("#id_thematic_area", "Therapies and early help")
    follow(page, button(page, "Save changes"))
    intention, saved_partners, saved_priorities = saved(intention.pk)
    assert intention.thematic_area == "Therapies and early help"
    assert (saved_partners, saved_priorities) == (partners, priorities), \
        "saving “Change the details” dropped partners or priorities"

    # Make it active (a confirmation page, then the intention again).
    follow(page, button(page, "Make active"))
    follow(page, button(page, "Make active"))
    intention, saved_partners, _ = saved(intention.pk)
    assert intention.status == IntentionStatus.ACTIVE
    assert saved_partners == partners
    # Completing is refused before the last stage, so it is not offered as an action.
    assert page.locator("main").get_by_role("link", name="Mark completed").count() == 0
    assert page.locator("main").get_by_role("button", name="Mark completed").count() == 0

    # The checklist, ticked by hand, then the stage gate.
    for item in CHECKLIST:
        page.locator("main").get_by_label(item, exact=True).check()
    follow(page, button(page, "Save checklist"))
    assert set(ChecklistTick.objects.filter(intention=intention).values_list(
        "item", flat=True)) == set(CHECKLIST)

    follow(page, button(page, "Submit for sign-off"))
    gate = intention.gates.get()
    assert gate.status == GateStatus.OPEN
    assert (gate.from_stage.position, gate.to_stage.position) == (1, 2)
    assert not gate.referrals.exists()  # every partner has an approver within the value
    text = main_text(page)
    assert "Submitted for sign-off" in text
    for name in partners | {world["lead"].name}:
        assert name in text, f"the sign-off table does not name {name}"

    # The list shows it; at a phone's width the list does not scroll sideways.
    follow(page, nav(page, "Intentions"))
    assert intention.reference in main_text(page)
    no_sideways_scroll(page)
