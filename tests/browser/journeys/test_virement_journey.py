"""Journey (issue 16): Derbyshire's finance officer proposes a virement from S1 to S2 of
the S75 complex-cases pool for Q4 2025-26; the council's and the ICB's approvers approve it
within their limits; the position shows the original, virements and revised budgets.
Through the pages only, axe on each."""
import re

import pytest
from django.conf import settings

from commissioning.budgets.models import Schedule, Virement

from .conftest import button, follow, link, main_text, nav

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

POOL = "Section 75 complex cases pooled fund"


@pytest.fixture
def derbyshire(transactional_db):
    from portal import area_files

    return area_files.load(settings.BASE_DIR / "demo" / "areas" / "derbyshire.yaml",
                           password=settings.DEMO_PASSWORD)


def open_virements(page, visit):
    visit(page, "/")
    follow(page, nav(page, re.compile(r"^(Pooled )?budgets$", re.IGNORECASE)))
    follow(page, link(page, POOL, exact=True))
    follow(page, link(page, "Virements between schedules"))


def test_virement_proposed_and_approved(derbyshire, browse, visit):
    from agencies.models import User

    users = {name: User.objects.get(username=name) for name in (
        "derbyshire.finance", "helen.marsh", "sanjay.rao")}
    page = browse(users["derbyshire.finance"], password=settings.DEMO_PASSWORD)
    open_virements(page, visit)
    assert "No virements have been proposed" in main_text(page)
    follow(page, button(page, "Propose a virement"))
    codes = dict(Schedule.objects.filter(agreement__title=POOL).values_list("code", "pk"))
    page.get_by_label("Move budget from").select_option(value=str(codes["S1"]))
    page.get_by_label("Move it to").select_option(value=str(codes["S2"]))
    page.get_by_label("Amount").fill("25000.00")
    page.get_by_label("Financial year").fill("2025-26")
    page.get_by_label("Q4").check()
    page.get_by_label("Why move it?").fill("Placements below plan; home support demand up")
    page.get_by_label("Amount").fill("not money")
    follow(page, button(page, "Propose the virement"), expect=400)
    assert "There is a problem" in main_text(page)
    page.get_by_label("Amount").fill("25000.00")
    follow(page, button(page, "Propose the virement"))
    assert "Virement of £25,000.00" in main_text(page)
    assert main_text(page).count("Awaited") == 2
    virement = Virement.objects.get()

    for name, short in (("helen.marsh", "DCC"), ("sanjay.rao", "DDICB")):
        page = browse(users[name], password=settings.DEMO_PASSWORD)
        open_virements(page, visit)
        follow(page, link(page, re.compile(r"\d{4}$")))  # the proposed date
        follow(page, button(page, f"Approve for {short}"))
        assert f"You approved the virement for {short}" in main_text(page)
    virement.refresh_from_db()
    assert virement.status == "approved"

    follow(page, link(page, "Q4 2025-26"))
    text = main_text(page)
    assert "Original budget" in text and "Revised budget" in text and "£25,000.00" in text
