"""Every page of the commissioning cycle passes axe with zero violations, for the roles
that use it, including the form pages showing their error summary."""
import pytest

from agencies.roles import Role
from commissioning import services
from tests.browser.conftest import submit
from tests.factories.agencies import member
from tests.factories.commissioning import Cycle, PriorityFactory, StrategyFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(area):
    cycle = Cycle(area, value="120000.00")
    strategy = StrategyFactory(local_area=area, title="Joint Commissioning Strategy")
    priority = PriorityFactory(strategy=strategy, number=1, title="Early help")
    services.intention_update(actor=None, intention=cycle.intention, priorities=[priority],
                              published_for_consultation=True)
    cycle.submit()
    services.intention_sign_off(actor=cycle.council_approver, intention=cycle.intention,
                                agency=cycle.council, decision="approve", reason="Agreed")
    services.intention_note_add(actor=cycle.commissioner, intention=cycle.intention,
                                text="Parent carers asked for evening sessions.")
    plan = services.action_plan_create(actor=None, local_area=area, title="SEND action plan",
                                       strategy=strategy)
    action = services.action_create(actor=None, plan=plan, number="1.1", title="Map provision",
                                    owner_agency=cycle.council, rag="amber")
    disagreement = services.disagreement_create(
        actor=None, local_area=area, subject="Therapy funding", raised_by=cycle.commissioner,
        parties=[cycle.council, cycle.icb], intention=cycle.intention)
    return {"cycle": cycle, "strategy": strategy, "plan": plan, "action": action,
            "disagreement": disagreement}


def test_commissioner_pages(world, browse, check_page):
    cycle = world["cycle"]
    pk = cycle.intention.pk
    page = browse(cycle.commissioner)
    for path in ["/intentions/", "/intentions/?q=short&sort=-value&status=active",
                 "/intentions/by-stage/", f"/intentions/{pk}/", "/intentions/new/",
                 f"/intentions/{pk}/edit/", f"/intentions/{pk}/status/hold/",
                 "/strategies/", f"/strategies/{world['strategy'].pk}/",
                 "/approvals/", f"/action-plans/{world['plan'].pk}/",
                 f"/action-plans/{world['plan'].pk}/actions/new/",
                 f"/actions/{world['action'].pk}/edit/", "/disagreements/",
                 "/disagreements/new/", f"/disagreements/{world['disagreement'].pk}/", "/"]:
        check_page(page, path)
    # a form with errors: the error summary is accessible too
    check_page(page, "/intentions/new/")
    page.fill("#id_estimated_annual_value", "lots")
    submit(page, "form#main-form button[type=submit]")
    assert "There is a problem" in page.content()
    from tests.browser.conftest import axe_violations
    assert axe_violations(page) == []


def test_approver_pages(world, browse, check_page):
    cycle = world["cycle"]
    page = browse(cycle.icb_approver)
    check_page(page, "/approvals/")
    check_page(page, f"/intentions/{cycle.intention.pk}/sign-off/?agency={cycle.icb.pk}")
    submit(page, "form#main-form button[type=submit]")  # no decision chosen
    assert "There is a problem" in page.content()
    from tests.browser.conftest import axe_violations
    assert axe_violations(page) == []
    # A referral is offered only when no ICB approver's limit covers the value (issue 12).
    from decimal import Decimal

    from commissioning.models import Intention
    Intention.objects.filter(pk=cycle.intention.pk).update(
        estimated_annual_value=Decimal("300000.00"))
    check_page(page, f"/intentions/{cycle.intention.pk}/refer/?agency={cycle.icb.pk}")
    check_page(page, "/")


def test_parent_carer_pages(world, browse, check_page):
    cycle = world["cycle"]
    carer = member(cycle.council, Role.PARENT_CARER, username="carer")
    page = browse(carer)
    for path in ["/intentions/", "/intentions/by-stage/", f"/intentions/{cycle.intention.pk}/",
                 f"/strategies/{world['strategy'].pk}/", "/"]:
        check_page(page, path)
