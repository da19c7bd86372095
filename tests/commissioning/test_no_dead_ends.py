"""No dead ends on the cycle's pages (issue 12): a page offers an action only when the
permission and guard the service applies would allow it now; otherwise it says why, as text.
Each test checks the refusal (no link or button, the reason shown), the offer (present when
allowed) and that following the offer works."""
import html
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from agencies import services as agency_services
from agencies.models import Membership, Stage
from agencies.roles import Role
from commissioning import services
from commissioning.models import GateStatus, Intention, IntentionStatus
from needs import services as needs_services
from portal.errors import ApplicationError
from tests.factories.agencies import member
from tests.factories.commissioning import (
    Cycle,
    PriorityFactory,
    StrategyFactory,
    bulk_intentions,
    intention,
    tick_all,
)

pytestmark = pytest.mark.django_db


def text(response):
    return html.unescape(response.content.decode())


@pytest.fixture
def cycle(area):
    return Cycle(area)


# --- "Mark completed" ------------------------------------------------------------------
def test_mark_completed_is_offered_only_at_the_last_stage(signed_in, cycle):
    client = signed_in(cycle.commissioner)
    url = f"/intentions/{cycle.intention.pk}/"
    page = text(client.get(url))
    assert f"{url}status/complete/" not in page
    assert "Mark completed is not available: An intention is completed from its last stage " \
           "(Review)." in page
    assert f"{url}status/hold/" in page  # what is allowed is still offered
    # The refused action, asked for anyway, says why instead of a confirmation page.
    response = client.get(f"{url}status/complete/", follow=True)
    assert "An intention is completed from its last stage" in text(response)
    last = Stage.objects.filter(local_area=cycle.area).order_by("-position").first()
    Intention.objects.filter(pk=cycle.intention.pk).update(current_stage=last)
    page = text(client.get(url))
    assert f"{url}status/complete/" in page and "Mark completed is not available" not in page
    assert client.post(f"{url}status/complete/", {"reason": ""}).status_code == 302
    cycle.intention.refresh_from_db()
    assert cycle.intention.status == IntentionStatus.COMPLETED


# --- "Sign off for <agency>" -----------------------------------------------------------
def test_sign_off_button_goes_once_the_agency_has_decided(signed_in, cycle):
    cycle.submit()
    approver = signed_in(cycle.council_approver)
    url = f"/intentions/{cycle.intention.pk}/"
    page = text(approver.get(url))
    assert f'href="{url}sign-off/?agency={cycle.council.pk}"' in page
    response = approver.post(f"{url}sign-off/?agency={cycle.council.pk}",
                             {"decision": "approve"})
    assert response.status_code == 302
    page = text(approver.get(url))
    assert f'href="{url}sign-off/?agency={cycle.council.pk}"' not in page
    assert (f"Sign off for {cycle.council.display_name}: {cycle.council} has already decided "
            "on this gate: approved by") in re.sub(r"<[^>]+>", "", page)
    # The service refuses what the page no longer offers (409), with the same reason.
    response = approver.post(f"{url}sign-off/?agency={cycle.council.pk}",
                             {"decision": "approve"})
    assert response.status_code == 409 and "has already decided on this gate" in text(response)


# --- the approvals inbox ---------------------------------------------------------------
def test_inbox_names_who_can_sign_instead_of_offering_a_referral(signed_in, area):
    cycle = Cycle(area, value="300000.00")
    senior = member(cycle.icb, Role.APPROVER, limit="900000", first_name="Sam",
                    last_name="Senior", username="sam.senior")
    cycle.submit()  # Sam's limit covers the value: nothing is referred at submission
    client = signed_in(cycle.icb_approver)
    page = text(client.get("/approvals/"))
    assert "exceeds your delegated limit of £250,000.00. Sam Senior can sign for ICB." in page
    assert "/refer/" not in page and "Refer to a board" not in page
    # The referral the page does not offer is refused.
    response = client.post(f"/intentions/{cycle.intention.pk}/refer/?agency={cycle.icb.pk}",
                           {"board": cycle.board.pk, "reason": "Above my limit"})
    assert response.status_code == 404 and cycle.board.referrals.count() == 0
    with pytest.raises(ApplicationError, match="Sam Senior can sign for ICB"):
        services.board_referral_create(actor=cycle.icb_approver, intention=cycle.intention,
                                       agency=cycle.icb, board=cycle.board)
    # The intention page names Sam too, and Sam is offered the sign-off.
    page = text(client.get(f"/intentions/{cycle.intention.pk}/"))
    assert "Sam Senior can sign for ICB" in page
    assert f"sign-off/?agency={cycle.icb.pk}" in text(signed_in(senior).get("/approvals/"))
    # Once nobody of the agency covers the value, the referral is offered and works.
    agency_services.membership_end(actor=None, membership=Membership.objects.get(
        user=senior, role=Role.APPROVER), on=timezone.localdate() - timedelta(days=1))
    client = signed_in(cycle.icb_approver)
    page = text(client.get("/approvals/"))
    assert "no approver of ICB has a limit that covers it" in page
    href = f"/intentions/{cycle.intention.pk}/refer/?agency={cycle.icb.pk}"
    assert href.replace("&", "&") in page
    response = client.post(href, {"board": cycle.board.pk, "reason": "Above every limit"})
    assert response.status_code == 302 and cycle.board.referrals.count() == 1


@pytest.mark.parametrize("size", [5, 60])
def test_inbox_decisions_cost_constant_queries(size, signed_in, area,
                                               django_assert_max_num_queries):
    cycle = Cycle(area, value="300000.00")
    member(cycle.icb, Role.APPROVER, limit="900000", username="senior")
    bulk_intentions(cycle.council, cycle.commissioner, size, partners=[cycle.icb],
                    open_gates=True)
    client = signed_in(cycle.icb_approver)
    # Measured 20 at both sizes: the inbox's own (the existing budget, 19) plus one query
    # for the approvers who cover each value; issue 13: joint leads and the successions map.
    with django_assert_max_num_queries(23):
        assert client.get("/approvals/").status_code == 200


# --- the task list, the checklist and the home panel ------------------------------------
def _finding_for(area, author, priority):
    return needs_services.finding_create(
        actor=None, local_area=area, statement="Waiting times for short breaks doubled.",
        found_on=timezone.localdate(), priorities=[priority], author=author)


def test_a_draft_shows_its_next_steps_until_it_is_submitted(signed_in, cycle):
    draft = intention(lead_agency=cycle.council, owner=cycle.commissioner,
                      partners=[cycle.icb], status="draft", title="Autism outreach")
    client = signed_in(cycle.commissioner)
    url = f"/intentions/{draft.pk}/"
    page = text(client.get(url))
    assert "Getting it signed off" in page and "govuk-task-list" in page
    assert f'href="{url}status/activate/"' in page  # step 1 links to "Make active"
    assert "Submit for sign-off to move to Plan" in page
    assert f'action="{url}submit/"' not in page  # nothing to submit yet
    # The checklist appears once; the portal checks "Needs evidence linked" itself.
    words = re.sub(r"<[^>]+>", "", page)
    assert words.count("Equality impact assessment") == 1
    assert words.count("Needs evidence linked") == 1
    assert 'value="Needs evidence linked"' not in page
    assert "Link it to a strategy priority that has needs findings" in page
    # Following the steps: make it active, tick what people tick.
    assert client.post(f"{url}status/activate/", {"reason": ""}).status_code == 302
    client.post(f"{url}checklist/", {"done": ["Equality impact assessment",
                                              "Needs evidence linked"]})
    page = text(client.get(url))
    assert f'action="{url}submit/"' not in page
    assert "Complete the Analyse checklist first: Needs evidence linked." in page
    with pytest.raises(ApplicationError, match="checked by the portal"):
        services.checklist_tick(actor=cycle.commissioner, intention=draft,
                                item="Needs evidence linked")
    # Linking a priority with a needs finding ticks the item: submit is offered and works.
    priority = PriorityFactory(strategy=StrategyFactory(local_area=cycle.area), number=1)
    _finding_for(cycle.area, cycle.commissioner, priority)
    services.intention_update(actor=cycle.commissioner, intention=draft, priorities=[priority])
    page = text(client.get(url))
    assert "1 needs finding linked through its priorities" in page
    assert f'action="{url}submit/"' in page and 'href="#submit"' in page
    home = text(client.get("/"))
    assert "Ready for your next step" in home
    assert re.search(rf'href="{url}#submit">{draft.reference} Autism outreach</a>', home)
    assert client.post(f"{url}submit/").status_code == 302
    assert draft.gates.get().status == GateStatus.OPEN
    page = text(client.get(url))
    assert f'action="{url}submit/"' not in page and "Waiting for Council, ICB." in page
    assert draft.reference not in text(client.get("/")).split("Ready for your next step")[1] \
        .split("</section>")[0]


def test_an_approved_gate_is_listed_to_advance(signed_in, cycle):
    cycle.submit()
    cycle.approve_all()
    client = signed_in(cycle.commissioner)
    url = f"/intentions/{cycle.intention.pk}/"
    home = text(client.get("/"))
    assert f'href="{url}#advance"' in home and "Every agency approved: move it to Plan" in home
    page = text(client.get(url))
    assert 'id="advance"' in page
    assert client.post(f"{url}advance/").status_code == 302
    cycle.intention.refresh_from_db()
    assert cycle.intention.current_stage.name == "Plan"
    assert f'href="{url}#advance"' not in text(client.get("/"))


def test_co_production_is_checked_from_a_closed_consultation(signed_in, cycle):
    from tests.factories.coproduction import close, open_consultation

    Stage.objects.filter(local_area=cycle.area).update(
        checklist=["Co-produced with the parent carer forum"])
    subject = intention(lead_agency=cycle.council, owner=cycle.commissioner,
                        partners=[cycle.icb], published_for_consultation=True,
                        title="Sensory service")
    client = signed_in(cycle.commissioner)
    url = f"/intentions/{subject.pk}/"
    page = text(client.get(url))
    assert "a consultation on it has closed" in page and f'action="{url}submit/"' not in page
    consultation = open_consultation(actor=cycle.commissioner, intention=subject)
    assert f'action="{url}submit/"' not in text(client.get(url))
    close(consultation)
    page = text(client.get(url))
    assert "1 consultation with parent carers and young people closed" in page
    assert f'action="{url}submit/"' in page


def test_someone_who_may_not_change_it_is_told_who_can(signed_in, cycle):
    viewer = member(cycle.icb, Role.VIEWER)
    page = text(signed_in(viewer).get(f"/intentions/{cycle.intention.pk}/"))
    assert "/status/" not in page and 'action="/intentions/' not in page
    assert "Only the owner or a commissioner for a partner agency may change this." in page


def test_home_panel_costs_constant_queries(signed_in, cycle, django_assert_max_num_queries):
    client = signed_in(cycle.commissioner)
    counts = []
    for start, size in ((0, 5), (5, 120)):
        rows = bulk_intentions(cycle.council, cycle.commissioner, size, partners=[cycle.icb],
                               start=start)
        for row in rows[:3]:
            tick_all(row)
        with django_assert_max_num_queries(45) as captured:
            page = text(client.get("/"))
        assert "Ready for your next step" in page and "Bulk intention" in page
        counts.append(len(captured))
    assert counts[0] == counts[1], counts


def test_home_panel_finds_the_ready_few_among_many_at_constant_queries(
        signed_in, cycle, django_assert_max_num_queries):
    """Issue 15: the panel narrows the candidates in SQL (no open gate; an approved gate or
    enough ticks), so the few ready intentions after 1,000 that are not ready cost the same
    queries as after 10, and the page never checks every active intention in Python."""
    client = signed_in(cycle.commissioner)
    counts = []
    for start, size in ((0, 10), (10, 1000)):
        rows = bulk_intentions(cycle.council, cycle.commissioner, size, partners=[cycle.icb],
                               start=start)
        active = [r for r in rows if r.status == "active"]
        tick_all(active[-1])  # the last in reference order: ready to submit
        with django_assert_max_num_queries(45) as captured:
            page = text(client.get("/"))
        assert f"{active[-1].reference} {active[-1].title}" in page
        assert f"{active[0].reference} " not in page  # not ticked: not ready
        counts.append(len(captured))
    assert counts[0] == counts[1], counts
