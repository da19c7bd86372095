"""Every contracts page (and its error states) passes axe with zero violations."""
from datetime import timedelta

import pytest
from django.utils import timezone

from agencies.roles import Role
from commissioning.contracts import quarters, services
from tests.browser.conftest import submit
from tests.factories.agencies import AgencyFactory
from tests.factories.contracts import ProviderFactory, add_return, make_contract, make_kpi

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def register(area, council, icb):
    """A small register with returns across green, amber, red and missing."""
    today = timezone.localdate()
    year, quarter = quarters.last_ended(today)
    provider = ProviderFactory(local_area=area, name="Acorn Short Breaks CIC",
                               charity_number="1012345", address="1 High Street\nTestbury",
                               postcode="TE1 1ST")
    contract = make_contract(area, council, provider=provider, agencies=[icb],
                             reference="TST-SB-01", total_value="6000000",
                             starts=today - timedelta(days=900), ends=today + timedelta(days=200))
    make_contract(area, icb, reference="TST-PT-02", title="Paediatric therapies",
                  value_is_sensitive=True, starts=today - timedelta(days=500),
                  ends=today + timedelta(days=900))
    periods = quarters.recent(year, quarter, 4)
    for name, values in (("Families offered a break within 6 weeks", ["92", "88", "80", "95"]),
                         ("Overnight breaks delivered", ["96", None, "91", "97"])):
        kpi = make_kpi(contract, name=name)
        for (y, q), value in zip(periods, values, strict=True):
            if value:
                add_return(kpi, y, q, value)
    services.quality_visit_record(actor=None, contract=contract, visited_on=today,
                                  findings="Children well settled.", rating="good")
    assessment = services.assessment_create(actor=None, contract=contract, rating="other",
                                            reason="Demo", assessed_on=today)
    return contract, assessment


def test_commissioner_pages(register, council, make_member, browse, check_page):
    contract, assessment = register
    person = make_member(council, Role.COMMISSIONER, username="b.commissioner")
    page = browse(person)
    c = contract.pk
    for path in ["/", "/contracts/", "/contracts/?q=short&status=live&sort=-ends",
                 f"/contracts/{c}/", "/contracts/ending/", "/contracts/performance/",
                 "/providers/", f"/providers/{contract.provider_id}/", "/contracts/new/",
                 f"/contracts/{c}/edit/", f"/contracts/{c}/kpis/new/",
                 f"/contracts/{c}/visits/new/", f"/contracts/{c}/returns/",
                 f"/contracts/{c}/assessments/new/",
                 f"/contracts/assessments/{assessment.pk}/edit/", "/providers/new/",
                 f"/providers/{contract.provider_id}/edit/",
                 f"/contracts/kpis/{contract.kpis.first().pk}/edit/",
                 f"/contracts/returns/{contract.kpis.first().returns.first().pk}/correct/"]:
        check_page(page, path)
    # Error states are accessible too, and the error summary links to the field.
    check_page(page, "/contracts/?ends_before=soon", status=400)
    check_page(page, "/contracts/performance/?year=x&quarter=9", status=400)
    page.goto(page.url.split("/contracts/")[0] + f"/contracts/{c}/returns/")
    page.fill("#id_year", "2025-26")
    page.check("#id_quarter")
    page.fill(f"#id_kpi-{contract.kpis.first().pk}", "ninety")
    submit(page, "button:has-text('Save returns')")
    assert "There is a problem" in page.content()
    from tests.browser.conftest import axe_violations
    assert axe_violations(page) == []
    # The one action of the pipeline works without JavaScript.
    page.goto(page.url.split("/contracts/")[0] + "/contracts/ending/")
    submit(page, "button:has-text('Open review intention')")
    assert "was opened at the Review stage" in page.content()
    assert axe_violations(page) == []


def test_reader_from_another_agency(register, area, make_member, browse, check_page):
    contract, _ = register
    school = AgencyFactory(local_area=area, name="Testshire Special School", kind="school")
    person = make_member(school, Role.VIEWER, username="b.viewer")
    page = browse(person)
    for path in ["/contracts/", f"/contracts/{contract.pk}/", "/contracts/ending/",
                 "/contracts/performance/", "/providers/", f"/providers/{contract.provider_id}/"]:
        check_page(page, path)
    assert "Withheld" in page.content()
