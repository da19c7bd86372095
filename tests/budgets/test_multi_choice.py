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
