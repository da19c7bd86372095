"""The contract form's commissioning agencies render as checkboxes and every one ticked is
kept on create and when another field is changed (issue 12)."""
import re

import pytest

from commissioning.contracts.models import Contract

pytestmark = pytest.mark.django_db


def test_contract_keeps_every_commissioning_agency(signed_in, commissioner, area, council,
                                                   icb, school, provider):
    client = signed_in(commissioner)
    page = client.get("/contracts/new/").content.decode()
    assert not re.search(r'name="commissioning_agencies" type="radio"', page)
    offered = re.findall(r'name="commissioning_agencies" type="checkbox" value="(\d+)"', page)
    assert {str(icb.pk), str(school.pk)} <= set(offered)
    data = {"reference": "NEW-1", "title": "Key working", "provider": provider.pk,
            "lead_agency": council.pk, "total_value": "100000", "annual_value": "50000",
            "starts": "2025-04-01", "ends": "2027-03-31", "procurement_route": "grant",
            "status": "live"}
    response = client.post("/contracts/new/", {**data,
                                               "commissioning_agencies": [icb.pk, school.pk]})
    assert response.status_code == 302
    contract = Contract.objects.get(reference="NEW-1")
    assert {icb, school} <= set(contract.commissioning_agencies.all())
    edit = f"/contracts/{contract.pk}/edit/"
    ticked = re.findall(r'name="commissioning_agencies" type="checkbox" value="(\d+)" checked',
                        client.get(edit).content.decode())
    assert {str(icb.pk), str(school.pk)} <= set(ticked)
    response = client.post(edit, {**data, "title": "Key working service",
                                  "commissioning_agencies": ticked})
    assert response.status_code == 302
    contract.refresh_from_db()
    assert contract.title == "Key working service"
    assert {icb, school} <= set(contract.commissioning_agencies.all())


def test_contract_page_shows_who_changed_agencies_and_values(signed_in, commissioner,
                                                             contract, council, icb, school):
    from commissioning.contracts import services

    services.contract_update(actor=commissioner, contract=contract,
                             commissioning_agencies=[school], annual_value="310000.00")
    page = signed_in(commissioner).get(f"/contracts/{contract.pk}/").content.decode()
    changes = page[page.index('id="changes"'):]
    for what in ("Commissioning agencies added: Testshire Special School",
                 f"Commissioning agencies removed: {icb.name}",
                 "Annual value changed from £300,000.00 to £310,000.00",
                 "Added to the register"):
        assert what in changes, what
    assert str(commissioner) in changes
