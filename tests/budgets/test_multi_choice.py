"""The agreement form's parties render as checkboxes and every party ticked is saved
(issue 12)."""
import re

import pytest

from commissioning.budgets.models import Section75Agreement
from tests.factories.agencies import AgencyFactory

pytestmark = pytest.mark.django_db


def test_agreement_keeps_every_party(signed_in, finance, area, council, icb):
    trust = AgencyFactory(local_area=area, name="Health Trust", kind="nhs-trust")
    client = signed_in(finance)
    page = client.get("/pooled-budgets/new/").content.decode()
    assert not re.search(r'name="parties" type="radio"', page)
    offered = re.findall(r'name="parties" type="checkbox" value="(\d+)"', page)
    assert sorted(offered) == sorted(str(a.pk) for a in (council, icb, trust))
    response = client.post("/pooled-budgets/new/", {
        "title": "New pool", "parties": offered, "host": council.pk,
        "starts": "2025-04-01", "pooled_fund_manager": finance.pk})
    assert response.status_code == 302
    agreement = Section75Agreement.objects.get(title="New pool")
    assert set(agreement.parties.all()) == {council, icb, trust}


def test_agreement_page_shows_who_changed_parties_and_contributions(signed_in, finance, s75,
                                                                    area, council, icb):
    from datetime import date
    from decimal import Decimal

    from commissioning.budgets import services

    trust = AgencyFactory(local_area=area, name="Health Trust", kind="nhs-trust")
    agreement = s75["agreement"]
    services.agreement_update(actor=finance, agreement=agreement,
                              parties=[council, icb, trust])
    services.contribution_set(actor=finance, schedule=s75["s2"], agency=icb, year="2025-26",
                              amount=Decimal("120000.00"))
    contribution = s75["s2"].contributions.get(agency=icb, year="2025-26")
    services.contribution_vary(actor=finance, contribution=contribution,
                               amount=Decimal("-5000.00"), date=date(2025, 10, 1),
                               reason="Lower demand")
    page = signed_in(finance).get(f"/pooled-budgets/{agreement.pk}/").content.decode()
    changes = page[page.index('id="changes"'):]
    for what in ("Parties added: Health Trust",
                 f"{icb.name}&#x27;s contribution to S2, 2025-26: Amount changed from "
                 "£100,000.00 to £120,000.00",
                 f"Added: Variation of {icb.name}&#x27;s contribution to S2, 2025-26",
                 "Amount: -£5,000.00",
                 "Agreement set up"):
        assert what in changes, what
    assert str(finance) in changes
