"""Journey 2: two agencies' approvers sign off a stage gate and the commissioner moves the
intention to the next stage. An approver of the partner agency whose limit is below the
value is told who can sign instead of being sent to a board.
"""
import pytest

from agencies.roles import Role
from commissioning.models import GateStatus, SignOff
from tests.factories.agencies import member
from tests.factories.commissioning import Cycle

from .conftest import button, follow, link, main_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def cycle(area):
    cycle = Cycle(area, value="120000.00")  # council approver £500,000; ICB approver £250,000
    cycle.icb_junior = member(cycle.icb, Role.APPROVER, limit="50000", username="icb-junior",
                              first_name="Jo", last_name="Junior")
    cycle.icb_approver.first_name, cycle.icb_approver.last_name = "Priya", "Senior"
    cycle.icb_approver.save(update_fields=["first_name", "last_name"])
    cycle.submit()
    return cycle


def approve(page, intention, agency, person):
    page.get_by_label("Approve", exact=True).check()
    page.fill("#id_reason", f"Agreed for {agency.name}.")
    follow(page, button(page, "Record decision"))
    decision = SignOff.objects.get(gate__intention=intention, agency=agency)
    assert (decision.decision, decision.person.username) == ("approve", person.username)
    return decision


def test_two_agencies_sign_off_and_the_stage_advances(cycle, browse, visit):
    intention = cycle.intention
    title = f"{intention.reference} {intention.title}"

    # The council's approver: from the home page's panel to the decision.
    page = browse(cycle.council_approver)
    visit(page, "/")
    follow(page, link(page, title))
    approve(page, intention, cycle.council, cycle.council_approver)
    assert intention.gates.get().status == GateStatus.OPEN  # the ICB has still to decide
    assert f"You approved {intention.reference}" in main_text(page)
    assert page.locator(f"main a[href*='/sign-off/?agency={cycle.council.pk}']").count() == 0, \
        "the council's approver is still offered a sign-off the council has made"
    page.context.close()

    # An ICB approver below the value is told who can sign, and offered no dead end.
    page = browse(cycle.icb_junior)
    visit(page, "/approvals/")
    assert page.locator("main a[href*='/refer/']").count() == 0, \
        "the approvals inbox sends an approver to a board although a colleague can sign"
    assert "Priya Senior" in main_text(page), "the inbox does not say who can sign"
    visit(page, f"/intentions/{intention.pk}/")
    assert page.locator("main a[href*='/sign-off/']").count() == 0, \
        "the intention page offers a sign-off the service would refuse"
    assert "Priya Senior" in main_text(page)
    page.context.close()

    # The ICB approver within the value signs from the approvals inbox.
    page = browse(cycle.icb_approver)
    visit(page, "/approvals/")
    follow(page, link(page, f"Sign off {intention.reference}"))
    approve(page, intention, cycle.icb, cycle.icb_approver)
    assert intention.gates.get().status == GateStatus.APPROVED
    page.context.close()

    # The commissioner moves it on.
    page = browse(cycle.commissioner)
    visit(page, f"/intentions/{intention.pk}/")
    follow(page, button(page, "Move to Plan"))
    intention.refresh_from_db()
    gate = intention.gates.get()
    assert (intention.current_stage.name, gate.status) == ("Plan", GateStatus.ADVANCED)
    assert "moved to Plan" in main_text(page)
