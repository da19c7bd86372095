"""Journey (issue 16): Derbyshire's pooled fund manager submits Q4 2025-26 of the S75
complex-cases pool; the council's finance officer and the ICB's finance lead each confirm
it for their organisation; the quarter is closed; both sign the year-end settlement.
Through the pages only, axe on each."""
import re
from decimal import Decimal

import pytest
from django.conf import settings

from commissioning.budgets.models import (
    QuarterConfirmation,
    QuarterSnapshot,
    YearEndSettlement,
)

from .conftest import button, follow, link, main_text, nav

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def derbyshire(transactional_db):
    from portal import area_files

    return area_files.load(settings.BASE_DIR / "demo" / "areas" / "derbyshire.yaml",
                           password=settings.DEMO_PASSWORD)


POOL = "Section 75 complex cases pooled fund"


def open_q4(page, visit):
    visit(page, "/")
    follow(page, nav(page, re.compile(r"^(Pooled )?budgets$", re.IGNORECASE)))
    follow(page, link(page, POOL, exact=True))
    follow(page, link(page, "Position at Q4 2025-26"))


def test_every_partner_confirms_q4(derbyshire, browse, visit):
    from agencies.models import User

    users = {name: User.objects.get(username=name) for name in (
        "derbyshire.pooled-fund-manager", "derbyshire.finance", "grace.okafor")}

    # The pooled fund manager submits the quarter.
    page = browse(users["derbyshire.pooled-fund-manager"], password=settings.DEMO_PASSWORD)
    open_q4(page, visit)
    follow(page, link(page, "Submit the quarter for the partners' confirmation"))
    assert "Submit Q4 2025-26" in main_text(page)
    follow(page, button(page, "Submit the quarter"))
    assert "was submitted" in main_text(page)
    snapshot = QuarterSnapshot.objects.get(agreement__title=POOL, year="2025-26", quarter=4)
    assert snapshot.status == "submitted"
    assert main_text(page).count("Awaited") == 2

    # The council's finance officer confirms for DCC.
    page = browse(users["derbyshire.finance"], password=settings.DEMO_PASSWORD)
    open_q4(page, visit)
    follow(page, link(page, "Confirm or return for DCC"))
    follow(page, button(page, "Confirm the figures"))
    assert "You confirmed Q4 2025-26" in main_text(page)
    assert main_text(page).count("Awaited") == 1

    # The ICB's finance lead confirms for the ICB: the quarter is closed.
    page = browse(users["grace.okafor"], password=settings.DEMO_PASSWORD)
    open_q4(page, visit)
    follow(page, link(page, "Confirm or return for DDICB"))
    follow(page, button(page, "Confirm the figures"))
    assert "This quarter is closed" in main_text(page)
    snapshot.refresh_from_db()
    assert snapshot.status == "closed"
    assert {(c.person.username, c.decision) for c in QuarterConfirmation.objects.filter(
        snapshot=snapshot)} == {("derbyshire.finance", "confirmed"),
                                ("grace.okafor", "confirmed")}

    # Both finance leads sign the year-end settlement, reached from the closed Q4.
    follow(page, link(page, "Year-end settlement 2025-26"))
    text = main_text(page)
    assert "Year-end settlement 2025-26" in text and "Pays the host" in text
    follow(page, button(page, "Sign for DDICB"))
    assert "You signed the 2025-26 settlement for DDICB" in main_text(page)
    page = browse(users["derbyshire.finance"], password=settings.DEMO_PASSWORD)
    open_q4(page, visit)
    follow(page, link(page, "Year-end settlement 2025-26"))
    follow(page, button(page, "Sign for DCC"))
    assert "Signed off by every partner" in main_text(page)
    settlement = YearEndSettlement.objects.get(agreement__title=POOL, year="2025-26")
    assert settlement.status == "signed"
    assert sum(Decimal(p["payment"]) for p in settlement.statement["partners"]) == 0
