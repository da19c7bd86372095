"""Every pooled budgets page, for a finance officer, an approver and a viewer, passes axe
with zero violations; forms with errors too."""
from datetime import date

import pytest

from agencies.roles import Role
from commissioning.budgets import services
from tests.browser.conftest import axe_violations, submit
from tests.factories import budgets as make

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def pool(area, council, icb):
    agreement = make.agreement(area, [council, icb], host=council,
                               title="Complex cases pooled fund")
    s1 = make.schedule(agreement, "S1", name="Residential placements",
                       contributions={council: "600000", icb: "400000"})
    s2 = make.schedule(agreement, "S2", name="Equipment", budget_type="aligned", lead=icb,
                       contributions={council: "50000", icb: "50000"})
    make.spend(s1, date(2025, 4, 30), "52000.00", "April placements")
    make.spend(s1, date(2025, 7, 31), "61000.00", "July placements")
    make.spend(s2, date(2025, 5, 31), "4000.00", "Hoists", source=icb)
    make.forecast(s1, 2, "1080000.00")
    services.quarter_close(actor=None, agreement=agreement, year="2025-26", quarter=1)
    return agreement


@pytest.fixture
def people(council, make_member):
    return {role: make_member(council, role, username=f"b.{role}",
                              limit=1000 if role == Role.APPROVER else 0)
            for role in (Role.FINANCE, Role.APPROVER, Role.VIEWER)}


@pytest.fixture
def package(area, people):
    made = services.joint_package_create(
        actor=people[Role.FINANCE], local_area=area, reference="JP-TST-0001",
        needs_category="semh", annual_cost="120000.00", request_date=date(2025, 5, 1),
        agreement_date=date(2025, 5, 7),
        percentages={"social_care_amount": "50", "health_amount": "50",
                     "education_amount": "0"})
    return made


def read_paths(pool):
    pk = pool.pk
    return ["/pooled-budgets/", f"/pooled-budgets/{pk}/",
            f"/pooled-budgets/{pk}/position/?year=2025-26&quarter=2",
            f"/pooled-budgets/{pk}/position/?year=2025-26&quarter=1",
            f"/pooled-budgets/{pk}/spend/", "/joint-packages/"]


def test_viewer_pages(pool, people, browse, check_page):
    page = browse(people[Role.VIEWER])
    for path in read_paths(pool):
        check_page(page, path)


def test_finance_pages_and_forms(pool, package, people, browse, check_page):
    page = browse(people[Role.FINANCE])
    pk = pool.pk
    for path in [*read_paths(pool), f"/pooled-budgets/{pk}/spend/new/",
                 f"/pooled-budgets/{pk}/spend/import/",
                 f"/pooled-budgets/{pk}/forecasts/2025-26/2/",
                 f"/pooled-budgets/{pk}/commentary/2025-26/2/",
                 f"/pooled-budgets/{pk}/virements/", f"/pooled-budgets/{pk}/virements/new/",
                 f"/pooled-budgets/{pk}/contributions/2025-26/",
                 f"/pooled-budgets/{pk}/contributions/2025-26/variations/new/",
                 f"/pooled-budgets/{pk}/risk-share/", "/pooled-budgets/new/",
                 f"/pooled-budgets/{pk}/schedules/new/",
                 "/joint-packages/new/", f"/joint-packages/{package.pk}/",
                 f"/joint-packages/{package.pk}/split/",
                 f"/joint-packages/{package.pk}/access/", "/"]:
        check_page(page, path)
    # a form with errors, its error summary included
    check_page(page, f"/pooled-budgets/{pk}/spend/new/")
    page.fill("#id_amount", "lots")
    submit(page, "#main-form button[type=submit]")
    assert "There is a problem" in page.content()
    assert axe_violations(page) == []
    # the CSV import: errors, then a good preview
    check_page(page, f"/pooled-budgets/{pk}/spend/import/")
    page.set_input_files("#id_file", files=[{
        "name": "bad.csv", "mimeType": "text/csv",
        "buffer": b"schedule,date,amount,description\nS9,2025-13-01,x,\n"}])
    submit(page, "#main-form button[type=submit]")
    assert "Line 2" in page.content()
    assert axe_violations(page) == []
    page.set_input_files("#id_file", files=[{
        "name": "good.csv", "mimeType": "text/csv",
        "buffer": b"schedule,date,amount,description\nS1,2025-10-01,100.00,October\n"}])
    submit(page, "#main-form button[type=submit]")
    assert "ready to import" in page.content()
    assert axe_violations(page) == []
    # forecasts with an error
    check_page(page, f"/pooled-budgets/{pk}/forecasts/2025-26/2/")
    page.fill(f"#id_outturn_{pool.schedules.first().pk}", "much")
    submit(page, "#main-form button[type=submit]")
    assert "There is a problem" in page.content()
    assert axe_violations(page) == []
    # the joint package form refusing a name
    check_page(page, "/joint-packages/new/")
    page.fill("#id_reference", "Amy Jones")
    submit(page, "#main-form button[type=submit]")
    assert "looks like a name" in page.content()
    assert axe_violations(page) == []


def test_approver_reopen_page(pool, people, browse, check_page):
    page = browse(people[Role.APPROVER])
    check_page(page, f"/pooled-budgets/{pool.pk}/quarters/2025-26/1/reopen/")
    submit(page, "#main-form button[type=submit]")
    assert "There is a problem" in page.content()
    assert axe_violations(page) == []
