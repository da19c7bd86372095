"""Pages: status codes, 404 for other areas and non-writers, forms answering 400 with the
error summary, exports, and constant query counts at two sizes."""
import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from agencies.roles import Role
from commissioning.budgets.models import JointPackage, QuarterSnapshot, Spend
from tests.factories import budgets as make
from tests.factories.agencies import AgencyFactory, member


@pytest.fixture
def pages(s75):
    pk = s75["agreement"].pk
    return ["/pooled-budgets/", f"/pooled-budgets/{pk}/",
            f"/pooled-budgets/{pk}/position/?year=2025-26&quarter=2",
            f"/pooled-budgets/{pk}/spend/", "/joint-packages/"]


def test_viewer_reads_every_page(signed_in, viewer, pages):
    client = signed_in(viewer)
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
    position = client.get(pages[2]).content.decode()
    assert "<title id=\"position-chart-title\">" in position
    assert "s contribution and share of the variance" in position


def test_viewer_cannot_reach_write_pages(signed_in, viewer, s75):
    pk = s75["agreement"].pk
    client = signed_in(viewer)
    for path in (f"/pooled-budgets/{pk}/spend/new/", f"/pooled-budgets/{pk}/spend/import/",
                 f"/pooled-budgets/{pk}/forecasts/2025-26/2/",
                 f"/pooled-budgets/{pk}/quarters/2025-26/2/submit/",
                 f"/pooled-budgets/{pk}/quarters/2025-26/2/confirm/"
                 f"?agency={s75['s1'].lead_partner_id}",
                 f"/pooled-budgets/{pk}/quarters/2025-26/2/reopen/", "/joint-packages/new/"):
        assert client.get(path).status_code == 404, path


def test_other_area_gets_404(signed_in, s75, other_area):
    person = member(AgencyFactory(local_area=other_area), Role.FINANCE, username="far")
    client = signed_in(person)
    pk = s75["agreement"].pk
    for path in (f"/pooled-budgets/{pk}/", f"/pooled-budgets/{pk}/position/",
                 f"/pooled-budgets/{pk}/position.xlsx", f"/pooled-budgets/{pk}/spend/"):
        assert client.get(path).status_code == 404, path


def test_parent_carers_get_404(signed_in, area, make_member):
    forum = AgencyFactory(local_area=area, name="Forum", kind="parent-carer-forum")
    client = signed_in(make_member(forum, Role.PARENT_CARER, username="pc"))
    assert client.get("/pooled-budgets/").status_code == 404
    assert client.get("/joint-packages/").status_code == 404


def test_spend_form_errors_then_success(signed_in, finance, s75):
    client = signed_in(finance)
    url = f"/pooled-budgets/{s75['agreement'].pk}/spend/new/"
    assert client.get(url).status_code == 200
    bad = client.post(url, {"schedule": s75["s3"].pk, "date": "31/02/2025", "amount": "abc",
                            "description": ""})
    assert bad.status_code == 400
    assert "There is a problem" in bad.content.decode()
    aligned = client.post(url, {"schedule": s75["s3"].pk, "date": "2025-08-01",
                                "amount": "10.00", "description": "No payer"})
    assert aligned.status_code == 400 and "aligned budget" in aligned.content.decode()
    good = client.post(url, {"schedule": s75["s1"].pk, "date": "01/08/2025", "amount": "10.00",
                             "description": "Page entry"})
    assert good.status_code == 302
    assert Spend.objects.filter(description="Page entry").exists()


def test_import_preview_then_confirm(signed_in, finance, s75):
    client = signed_in(finance)
    url = f"/pooled-budgets/{s75['agreement'].pk}/spend/import/"
    text = b"schedule,date,amount,description\nS1,2025-08-01,10.00,Imported A\n"
    preview = client.post(url, {"file": SimpleUploadedFile("s.csv", text)})
    assert preview.status_code == 200 and "ready to import" in preview.content.decode()
    assert not Spend.objects.filter(description="Imported A").exists()
    confirm = preview.context["sha256"]
    assert client.post(url, {"confirm": confirm}).status_code == 302
    assert Spend.objects.filter(description="Imported A").count() == 1
    stale = client.post(url, {"confirm": confirm})
    assert stale.status_code == 400


def test_import_errors_on_the_page(signed_in, finance, s75):
    client = signed_in(finance)
    url = f"/pooled-budgets/{s75['agreement'].pk}/spend/import/"
    response = client.post(url, {"file": SimpleUploadedFile(
        "s.csv", b"schedule,date,amount,description\nS1,2025-08-01,-5,Bad\n")})
    assert response.status_code == 400
    assert "Line 2, amount" in response.content.decode()


def test_forecasts_and_close_and_reopen(signed_in, finance, s75, council, make_member,
                                        manager, icb_finance, icb):
    client = signed_in(finance)
    pk = s75["agreement"].pk
    url = f"/pooled-budgets/{pk}/forecasts/2025-26/2/"
    bad = client.post(url, {f"outturn_{s75['s1'].pk}": "lots"})
    assert bad.status_code == 400
    ok = client.post(url, {f"outturn_{s75['s1'].pk}": "1050000.00",
                           f"committed_{s75['s1'].pk}": "1000.00"})
    assert ok.status_code == 302
    close_url = f"/pooled-budgets/{pk}/quarters/2025-26/2/submit/"
    assert client.get(close_url).status_code == 404  # a finance officer does not submit
    client = signed_in(manager)
    assert client.get(close_url).status_code == 200
    assert client.post(close_url).status_code == 302
    assert QuarterSnapshot.objects.get().position["variance"] == "50000.00"
    again = client.post(close_url)
    assert again.status_code == 400 and "already submitted" in again.content.decode()
    for person, agency in ((finance, council), (icb_finance, icb)):
        confirm = f"/pooled-budgets/{pk}/quarters/2025-26/2/confirm/?agency={agency.pk}"
        assert signed_in(person).post(confirm).status_code == 302
    assert QuarterSnapshot.objects.get().status == "closed"
    approver = make_member(council, Role.APPROVER, username="appr", limit=10)
    reopen = signed_in(approver)  # the same client, now as the approver
    reopen_url = f"/pooled-budgets/{pk}/quarters/2025-26/2/reopen/"
    assert reopen.post(reopen_url, {"reason": "short"}).status_code == 400
    assert reopen.post(reopen_url, {"reason": "A July invoice was missed"}).status_code == 302


def test_exports(signed_in, viewer, s75):
    client = signed_in(viewer)
    pk = s75["agreement"].pk
    xlsx = client.get(f"/pooled-budgets/{pk}/position.xlsx?year=2025-26&quarter=2")
    assert xlsx.status_code == 200
    book = load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames == ["Summary", "Expenditure", "Risk share", "Trend"]
    header = [c.value for c in book["Expenditure"][1]]
    assert header[:6] == ["Scheme ID", "Scheme name", "Budget type", "Lead partner",
                          "Funding source", "Planned expenditure (year)"]
    csv_body = client.get(f"/pooled-budgets/{pk}/position.csv?year=2025-26&quarter=2")
    lines = csv_body.content.decode().splitlines()
    assert lines[0].startswith("year,quarter,schedule")
    assert "S1,Residential placements" in lines[1]


def test_bad_period_is_404(signed_in, viewer, s75):
    client = signed_in(viewer)
    pk = s75["agreement"].pk
    assert client.get(f"/pooled-budgets/{pk}/position/?year=2025-27").status_code == 404
    assert client.get(f"/pooled-budgets/{pk}/position/?quarter=9").status_code == 404


def test_joint_package_pages(signed_in, finance, viewer, area):
    client = signed_in(finance)
    bad = client.post("/joint-packages/new/", {
        "reference": "Amy Jones", "needs_category": "semh", "annual_cost": "100.00",
        "split_by": "percentages", "social_care": "50", "health": "50", "education": "0",
        "request_date": "2025-05-01"})
    assert bad.status_code == 400 and "looks like a name" in bad.content.decode()
    good = client.post("/joint-packages/new/", {
        "reference": "JP-TST-0100", "needs_category": "semh", "annual_cost": "100.00",
        "split_by": "percentages", "social_care": "33.3333", "health": "33.3333",
        "education": "33.3334", "request_date": "2025-05-01", "agreement_date": "2025-05-06"})
    assert good.status_code == 302
    package = JointPackage.objects.get()
    assert package.social_care_amount + package.health_amount + package.education_amount == \
        package.annual_cost
    assert client.get(f"/joint-packages/{package.pk}/").status_code == 200
    split = client.post(f"/joint-packages/{package.pk}/split/", {
        "annual_cost": "100.00", "split_by": "amounts", "social_care": "10", "health": "10",
        "education": "10"})
    assert split.status_code == 400 and "add up to" in split.content.decode()
    assert signed_in(viewer).get(f"/joint-packages/{package.pk}/").status_code == 404
    client = signed_in(finance)  # the test client is shared: sign back in
    grant = client.post(f"/joint-packages/{package.pk}/access/", {"user": viewer.pk})
    assert grant.status_code == 302
    assert signed_in(viewer).get(f"/joint-packages/{package.pk}/").status_code == 200


def test_page_queries_constant(signed_in, viewer, area, council, icb,
                               django_assert_max_num_queries):
    agreement = make.pool(area, council, icb, schedules=2, spend_lines=2, prefix="A")
    client = signed_in(viewer)
    paths = ["/pooled-budgets/", f"/pooled-budgets/{agreement.pk}/",
             f"/pooled-budgets/{agreement.pk}/position/?year=2025-26&quarter=1",
             f"/pooled-budgets/{agreement.pk}/spend/", "/joint-packages/"]
    counts = {}
    for path in paths:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert client.get(path).status_code == 200
        counts[path] = len(ctx.captured_queries)
    for n in range(2, 8):
        make.pool(area, council, icb, schedules=1, spend_lines=1, prefix=f"X{n}")
    for s in range(3, 20):
        item = make.schedule(agreement, f"A{s}", contributions={council: 10, icb: 10})
        make.spend(item, date(2025, 4, 3), 5)
    for path in paths:
        with django_assert_max_num_queries(counts[path]):
            assert client.get(path).status_code == 200


def test_contributions_variation_and_rule_pages(signed_in, finance, viewer, s75, council, icb):
    from commissioning.budgets.models import Contribution, RiskShareRule

    pk = s75["agreement"].pk
    client = signed_in(finance)
    url = f"/pooled-budgets/{pk}/contributions/2025-26/"
    assert client.get(url).status_code == 200
    bad = client.post(url, {f"c_{s75['s1'].pk}_{council.pk}": "many"})
    assert bad.status_code == 400
    ok = client.post(url, {f"c_{s75['s1'].pk}_{council.pk}": "650000.00",
                           f"c_{s75['s1'].pk}_{icb.pk}": "400000.00"})
    assert ok.status_code == 302
    assert Contribution.objects.get(schedule=s75["s1"], agency=council).amount == 650000
    vary = f"/pooled-budgets/{pk}/contributions/2025-26/variations/new/"
    wrong_year = client.post(vary, {"schedule": s75["s1"].pk, "agency": council.pk,
                                    "amount": "-100.00", "date": "2026-05-01",
                                    "reason": "Saving"})
    assert wrong_year.status_code == 400 and "within 2025-26" in wrong_year.content.decode()
    good = client.post(vary, {"schedule": s75["s1"].pk, "agency": council.pk,
                              "amount": "-100.00", "date": "2025-11-01", "reason": "Saving"})
    assert good.status_code == 302
    rule = f"/pooled-budgets/{pk}/risk-share/"
    assert client.get(rule).status_code == 200
    not_100 = client.post(rule, {"basis": "fixed", "direction": "both",
                                 f"pct_{council.pk}": "60", f"pct_{icb.pk}": "30"})
    assert not_100.status_code == 400 and "exactly 100%" in not_100.content.decode()
    capped_host = client.post(rule, {"basis": "proportional", "direction": "both",
                                     f"cap_{council.pk}": "10"})
    assert capped_host.status_code == 400
    saved = client.post(rule, {"basis": "fixed", "direction": "both", f"pct_{council.pk}": "60",
                               f"pct_{icb.pk}": "40", f"cap_{icb.pk}": "5000"})
    assert saved.status_code == 302
    assert RiskShareRule.objects.get().terms.count() == 2
    viewer_client = signed_in(viewer)
    for path in (url, vary, rule):
        assert viewer_client.get(path).status_code == 404


def test_set_up_an_agreement_and_a_schedule(signed_in, finance, viewer, area, council, icb):
    from commissioning.budgets.models import Section75Agreement

    assert signed_in(viewer).get("/pooled-budgets/new/").status_code == 404
    client = signed_in(finance)
    assert client.get("/pooled-budgets/new/").status_code == 200
    bad = client.post("/pooled-budgets/new/", {"title": "New pool", "parties": [council.pk],
                                               "host": icb.pk, "starts": "2025-04-01"})
    assert bad.status_code == 400
    good = client.post("/pooled-budgets/new/", {
        "title": "New pool", "parties": [council.pk, icb.pk], "host": council.pk,
        "starts": "2025-04-01", "pooled_fund_manager": finance.pk})
    assert good.status_code == 302
    agreement = Section75Agreement.objects.get(title="New pool")
    url = f"/pooled-budgets/{agreement.pk}/schedules/new/"
    assert client.get(url).status_code == 200
    added = client.post(url, {"code": "N1", "name": "New scheme", "budget_type": "pooled",
                              "lead_partner": icb.pk})
    assert added.status_code == 302
    again = client.post(url, {"code": "n1", "name": "Again", "budget_type": "pooled",
                              "lead_partner": icb.pk})
    assert again.status_code == 400 and "already exists" in again.content.decode()
