"""Issue 16: the year-end settlement. Hypothesis over random agreements (partners, host,
schedules, contributions, variances, rules with caps and percentages, directions, carry
forward): shares add to the variance, final contributions to the outturn, payments net to
zero, and a partner's payment is its share plus what it carries forward. Then the statement
from a closed Q4, its sign-off through the service, the pages (PDF, xlsx) and the API."""
import io
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from agencies.roles import Role
from commissioning.budgets import services
from commissioning.budgets.models import (
    Direction,
    RiskBasis,
    SettlementSignOff,
    YearEndSettlement,
)
from commissioning.budgets.risk_share import Rule, ScheduleVariance, Term
from commissioning.budgets.settlement import settle_schedules
from portal.errors import ApplicationError
from tests.factories import budgets as make
from tests.factories.agencies import AgencyFactory, member

YEAR = "2025-26"
ZERO = Decimal("0.00")
money = st.decimals(min_value=Decimal("0"), max_value=Decimal("99999999.99"), places=2)
variances = st.decimals(min_value=Decimal("-9999999.99"), max_value=Decimal("9999999.99"),
                        places=2)


@st.composite
def fixed_terms(draw, parties):
    cuts = sorted(draw(st.lists(st.integers(0, 10_000), min_size=len(parties) - 1,
                                max_size=len(parties) - 1)))
    bounds = [0, *cuts, 10_000]
    return tuple(Term(p, Decimal(bounds[i + 1] - bounds[i]) / 100,
                      draw(st.one_of(st.none(), money)))
                 for i, p in enumerate(parties))


@st.composite
def agreements(draw):
    parties = list(range(1, draw(st.integers(2, 6)) + 1))
    host = draw(st.sampled_from(parties))
    schedules = [ScheduleVariance(
        schedule_id=n, variance=draw(variances), lead_id=draw(st.sampled_from(parties)),
        contributions={p: draw(money) for p in parties if draw(st.booleans())})
        for n in range(draw(st.integers(0, 12)))]
    rules = {}
    for key in draw(st.lists(st.sampled_from(
            [(None, Direction.BOTH), (None, Direction.OVERSPEND), (None, Direction.UNDERSPEND),
             *((n, d) for n in range(3) for d in Direction)]), max_size=4, unique=True)):
        basis = draw(st.sampled_from(list(RiskBasis)))
        terms = draw(fixed_terms(parties)) if basis == RiskBasis.FIXED else tuple(
            Term(p, None, draw(money)) for p in parties if draw(st.booleans()))
        rules[key] = Rule(basis, terms, key=str(key))
    return {"schedules": schedules, "rules": rules, "parties": parties, "host_id": host,
            "separately": draw(st.booleans()), "carry_forward": draw(st.booleans())}


@settings(max_examples=300, deadline=None)
@given(agreements())
def test_settlement_is_penny_exact(agreement):
    rows = settle_schedules(**agreement)
    variance = sum((s.variance for s in agreement["schedules"]), ZERO)
    pool = sum((v for s in agreement["schedules"] for v in s.contributions.values()), ZERO)
    assert sum((r.share for r in rows), ZERO) == variance
    assert sum((r.overspend + r.underspend for r in rows), ZERO) == variance
    assert sum((r.final_contribution for r in rows), ZERO) == pool + variance
    assert sum((r.payment for r in rows), ZERO) == ZERO
    for row in rows:
        for value in (row.share, row.payment, row.carried_forward, row.final_contribution):
            assert value == value.quantize(Decimal("0.01"))
        if not row.is_host:
            assert row.payment == row.share + row.carried_forward
        if agreement["carry_forward"]:
            assert row.carried_forward == max(-row.underspend, ZERO)
        else:
            assert row.carried_forward == ZERO
    assert [r.agency_id for r in rows] == agreement["parties"]


def test_a_capped_overspend_is_paid_to_the_host():
    """Two partners, 60/40 contributions, £100,000 overspend; the ICB capped at £30,000."""
    schedules = [ScheduleVariance(1, Decimal("100000.00"), 1, {1: Decimal("600000"),
                                                               2: Decimal("400000")})]
    rules = {(None, Direction.BOTH): Rule(RiskBasis.PROPORTIONAL,
                                          (Term(2, None, Decimal("30000")),))}
    council, icb = settle_schedules(schedules, rules=rules, parties=[1, 2], host_id=1)
    assert (icb.share, icb.payment) == (Decimal("30000.00"), Decimal("30000.00"))
    assert (council.share, council.payment) == (Decimal("70000.00"), Decimal("-30000.00"))
    assert council.final_contribution == Decimal("670000.00")


def test_an_underspend_is_returned_or_carried_forward():
    schedules = [ScheduleVariance(1, Decimal("-10000.01"), 1, {1: Decimal("1"),
                                                               2: Decimal("2")})]
    _, icb = settle_schedules(schedules, rules={}, parties=[1, 2], host_id=1)
    assert icb.share == icb.payment == Decimal("-6666.67")  # the host pays it back
    host, icb = settle_schedules(schedules, rules={}, parties=[1, 2], host_id=1,
                                 carry_forward=True)
    assert icb.payment == ZERO and icb.carried_forward == Decimal("6666.67")
    assert host.carried_forward == Decimal("3333.34") and host.payment == ZERO


# --- from a closed Q4, signed by both finance leads ---------------------------------------
def close_q4(s75):
    make.forecast(s75["s1"], 4, "1100000.00")
    return services.quarter_close(actor=None, agreement=s75["agreement"], year=YEAR,
                                  quarter=4, today=date(2026, 4, 10))


def test_both_finance_leads_sign(s75, finance, icb_finance, council, icb, viewer, mailoutbox,
                                 django_capture_on_commit_callbacks):
    with pytest.raises(ApplicationError, match="not closed yet") as caught:
        services.settlement_sign(actor=finance, agreement=s75["agreement"], year=YEAR,
                                 agency=council)
    assert caught.value.status == 409
    close_q4(s75)
    with pytest.raises(ApplicationError) as caught:
        services.settlement_sign(actor=viewer, agreement=s75["agreement"], year=YEAR,
                                 agency=icb)
    assert caught.value.status == 403
    settlement = services.settlement_sign(actor=finance, agreement=s75["agreement"],
                                          year=YEAR, agency=council)
    assert settlement.status == "awaiting"
    partners = {p["agency"]: p for p in settlement.statement["partners"]}
    # £100,000 overspend on S1 shared with every schedule's contributions (1.3m: 750k/550k)
    assert settlement.statement["variance"] == "100000.00"
    assert sum(Decimal(p["payment"]) for p in partners.values()) == ZERO
    assert partners[icb.pk]["direction"] == "pays the host"
    assert partners[icb.pk]["payment"] == partners[icb.pk]["share"]
    with pytest.raises(ApplicationError, match="already signed"):
        services.settlement_sign(actor=finance, agreement=s75["agreement"], year=YEAR,
                                 agency=council)
    with django_capture_on_commit_callbacks(execute=True):
        settlement = services.settlement_sign(actor=icb_finance, agreement=s75["agreement"],
                                              year=YEAR, agency=icb)
    assert settlement.status == "signed" and settlement.signed_at is not None
    [mail] = mailoutbox
    assert mail.subject.startswith("Signed off:") and mail.to == ["fin@example.org"]
    assert f"/pooled-budgets/{s75['agreement'].pk}/settlement/{YEAR}/" in mail.body
    assert SettlementSignOff.objects.get(agency=icb).history.first().history_user == \
        icb_finance


def test_reopening_q4_with_other_figures_lapses_the_signatures(s75, finance, icb_finance,
                                                                council, icb, make_member):
    close_q4(s75)
    services.settlement_sign(actor=finance, agreement=s75["agreement"], year=YEAR,
                             agency=council)
    approver = make_member(council, Role.APPROVER, username="appr", limit=10)
    services.quarter_reopen(actor=approver, agreement=s75["agreement"], year=YEAR, quarter=4,
                            reason="A March invoice was missed")
    make.forecast(s75["s1"], 4, "1200000.00")
    services.quarter_close(actor=None, agreement=s75["agreement"], year=YEAR, quarter=4,
                           today=date(2026, 4, 10))
    settlement = services.settlement_sign(actor=icb_finance, agreement=s75["agreement"],
                                          year=YEAR, agency=icb)
    assert settlement.status == "awaiting"  # the council signed other figures
    assert settlement.statement["variance"] == "200000.00"
    assert services.settlement_sign(actor=finance, agreement=s75["agreement"], year=YEAR,
                                    agency=council).status == "signed"


def test_settlement_pages(signed_in, s75, finance, icb_finance, council, icb, viewer,
                          other_area):
    pk = s75["agreement"].pk
    url = f"/pooled-budgets/{pk}/settlement/{YEAR}/"
    waiting = signed_in(viewer).get(url)
    assert waiting.status_code == 200 and "not closed yet" in waiting.content.decode()
    close_q4(s75)
    position = signed_in(viewer).get(f"/pooled-budgets/{pk}/position/?year={YEAR}&quarter=4")
    assert url in position.content.decode()  # reached from the closed Q4
    page = signed_in(viewer).get(url).content.decode()
    assert "Year-end settlement 2025-26" in page and "Sign for" not in page
    sign = f"/pooled-budgets/{pk}/settlement/{YEAR}/sign/"
    as_council = {"agency": council.pk}
    assert signed_in(viewer).post(sign, as_council).status_code == 404
    assert signed_in(icb_finance).post(sign, as_council).status_code == 404
    assert signed_in(finance).post(sign, {"agency": "x"}).status_code == 404
    assert signed_in(finance).get(sign).status_code == 405
    client = signed_in(finance)
    assert f"Sign for {council.display_name}" in client.get(url).content.decode()
    assert client.post(sign, as_council).status_code == 302
    again = client.post(sign, as_council)
    assert again.status_code == 409 and "already signed" in again.content.decode()
    assert YearEndSettlement.objects.get().status == "awaiting"
    assert signed_in(icb_finance).post(sign, {"agency": icb.pk}).status_code == 302
    assert YearEndSettlement.objects.get().status == "signed"
    assert "Signed off by every partner" in signed_in(viewer).get(url).content.decode()

    xlsx = signed_in(viewer).get(f"/pooled-budgets/{pk}/settlement/{YEAR}.xlsx")
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.content))["Settlement"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    header = rows.index(next(r for r in rows if r[0] == "Partner"))
    partners = [r for r in rows[header + 1:header + 3]]
    assert sum(Decimal(str(r[8])) for r in partners) == ZERO
    assert sum(Decimal(str(r[5])) for r in partners) == Decimal("100000.00")
    pdf = signed_in(viewer).get(f"/pooled-budgets/{pk}/settlement/{YEAR}.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")

    far = member(AgencyFactory(local_area=other_area), Role.FINANCE, username="far")
    for path in (url, f"/pooled-budgets/{pk}/settlement/{YEAR}.xlsx"):
        assert signed_in(far).get(path).status_code == 404


def test_settlement_api(api, s75, finance, icb_finance, council, icb, viewer, other_area):
    pk = s75["agreement"].pk
    url = f"/api/v1/pooled-budgets/{pk}/settlement/"
    assert api.as_user(viewer).get(url).status_code == 400  # which year?
    body = api.as_user(viewer).get(url, {"year": YEAR}).json()
    assert body["statement"] is None and body["signers"] == []
    premature = api.as_user(finance).post(f"{url}sign/", {"year": YEAR, "agency": council.pk},
                                          format="json")
    assert premature.status_code == 409
    close_q4(s75)
    bad = api.as_user(finance).post(f"{url}sign/", {"year": YEAR, "agency": "x"}, format="json")
    assert bad.status_code == 400 and "agency" in bad.json()["errors"]
    wrong = api.as_user(finance).post(f"{url}sign/", {"year": YEAR, "agency": icb.pk},
                                      format="json")
    assert wrong.status_code == 403
    ok = api.as_user(finance).post(f"{url}sign/", {"year": YEAR, "agency": council.pk},
                                   format="json")
    assert ok.status_code == 200 and ok.json()["signed"] is False
    done = api.as_user(icb_finance).post(f"{url}sign/", {"year": YEAR, "agency": icb.pk},
                                         format="json")
    assert done.json()["signed"] is True
    statement = done.json()["statement"]
    assert sum(Decimal(p["payment"]) for p in statement["partners"]) == ZERO
    far = member(AgencyFactory(local_area=other_area), Role.FINANCE, username="far")
    assert api.as_user(far).get(url).status_code == 404
    assert api.as_user(far).post(f"{url}sign/", {"year": YEAR, "agency": council.pk},
                                 format="json").status_code == 404


def test_settlement_page_queries_are_constant(signed_in, area, council, icb, finance,
                                              django_assert_max_num_queries):
    def pool(partners, title):
        agencies = [council, icb] + [AgencyFactory(local_area=area, name=f"{title} {n}",
                                                   code=f"{title[:2]}{n}")
                                     for n in range(partners)]
        agreement = make.agreement(area, agencies, host=council, title=title)
        for n in range(1 + partners):
            make.schedule(agreement, f"S{n}", contributions={a: "100.00" for a in agencies})
        services.quarter_close(actor=None, agreement=agreement, year=YEAR, quarter=4,
                               today=date(2026, 4, 10))
        for agency in agencies[:2]:
            services.settlement_sign(actor=finance if agency == council
                                     else member(icb, Role.FINANCE, username=f"i{title}"),
                                     agreement=agreement, year=YEAR, agency=agency)
        return f"/pooled-budgets/{agreement.pk}/settlement/{YEAR}/"

    small, large = pool(1, "Small"), pool(6, "Large")
    client = signed_in(finance)
    client.get(small), client.get(large)  # warm the per-process caches (content types)
    with django_assert_max_num_queries(30) as counted:
        client.get(small)
    with django_assert_max_num_queries(len(counted.captured_queries)):
        assert client.get(large).content.decode().count("Awaited: a finance officer") == 6
