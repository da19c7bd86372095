"""The funding link: a contract funded from a section 75 pooled budget schedule."""
from datetime import date

import pytest

from commissioning.budgets.models import Schedule, Section75Agreement
from commissioning.contracts import services
from portal.errors import ApplicationError
from tests.factories.agencies import AgencyFactory
from tests.factories.contracts import make_contract

pytestmark = pytest.mark.django_db


def _schedule(area, host, title="Complex cases pool", code="S1"):
    agreement = Section75Agreement.objects.create(local_area=area, title=title, host=host,
                                                  starts=date(2023, 4, 1))
    return Schedule.objects.create(agreement=agreement, code=code, name="Complex placements",
                                   lead_partner=host)


def test_funded_contract_shows_the_thread_and_filters(signed_in, commissioner, area, council):
    schedule = _schedule(area, council)
    funded = make_contract(area, council, reference="FUNDED", schedule=schedule)
    make_contract(area, council, reference="UNFUNDED")
    page = signed_in(commissioner)
    body = page.get(f"/contracts/{funded.pk}/").content.decode()
    assert "Complex cases pool" in body and "S1 Complex placements" in body
    agreement = schedule.agreement_id

    def refs(query):
        text = page.get(f"/contracts/?{query}").content.decode()
        return [r for r in ("FUNDED", "UNFUNDED") if f">{r}<" in text]

    assert refs(f"funding={agreement}") == ["FUNDED"]
    assert refs("funding=none") == ["UNFUNDED"]
    assert "Funding pool" in page.get("/contracts/").content.decode()


def test_schedule_must_be_of_the_same_area(area, other_area, council):
    foreign = _schedule(other_area, AgencyFactory(local_area=other_area))
    with pytest.raises(ApplicationError) as exc:
        make_contract(area, council, schedule=foreign)
    assert "schedule" in exc.value.errors


def test_api_sets_the_schedule(api, area, council, contract, commissioner):
    schedule = _schedule(area, council)
    response = api.as_user(commissioner).patch(f"/api/v1/contracts/{contract.pk}/", {
        "schedule": schedule.pk}, format="json")
    assert response.status_code == 200 and response.json()["schedule"] == schedule.pk
    services.contract_update(actor=commissioner, contract=contract, schedule=None)
    contract.refresh_from_db()
    assert contract.schedule is None


def test_loader_links_the_schedule_listing_the_contract(area, council):
    from commissioning.contracts.area_loader import _schedule as find

    schedule = _schedule(area, council)
    schedule.contract_references = "DCC-CC-2023, DCC-XX-1"
    schedule.save()
    assert find(area, {"reference": "DCC-CC-2023"}) == schedule
    assert find(area, {"reference": "DCC-CC-20"}) is None
    assert find(area, {"reference": "X", "schedule": "S1"}) == schedule
