"""The position: contributions, spend to date, commitments, forecasts, variance and risk
share, in a constant number of queries."""
from datetime import date
from decimal import Decimal

from commissioning.budgets import services
from commissioning.budgets.models import Direction, RiskBasis
from commissioning.budgets.position import position_of, positions_of
from tests.factories import budgets as make


def test_position_adds_up(s75, council, icb):
    agreement = s75["agreement"]
    make.forecast(s75["s1"], 2, "1100000.00")
    services.commitment_set(actor=None, schedule=s75["s1"], year="2025-26", quarter=2,
                            amount="25000.00")
    position = position_of(agreement, "2025-26", 2)
    assert position["total_pool"] == "1300000.00"
    assert position["spend_to_date"] == "272000.00"
    assert position["committed"] == "25000.00"
    # S1 forecast 1,100,000; S2 and S3 have none so stay on budget.
    assert position["forecast_outturn"] == "1400000.00"
    assert position["variance"] == "100000.00"
    shares = {s["agency"]: Decimal(s["share"]) for s in position["risk_share"]}
    assert shares == {council.pk: Decimal("60000.00"), icb.pk: Decimal("40000.00")}
    assert sum(shares.values()) == Decimal(position["variance"])
    assert position["frozen"] is False
    s1 = next(r for r in position["schedules"] if r["code"] == "S1")
    assert s1["planned_to_date"] == "500000.00"
    assert s1["forecast_made_at"] == 2
    s3 = next(r for r in position["schedules"] if r["code"] == "S3")
    assert {f["name"]: f["actual"] for f in s3["funding"]} == {
        council.display_name: "0.00", icb.display_name: "12000.00"}


def test_q1_position_excludes_later_spend(s75):
    position = position_of(s75["agreement"], "2025-26", 1)
    assert position["spend_to_date"] == "112000.00"
    assert [m["month"] for m in position["trend"]["months"]] == ["2025-04", "2025-05", "2025-06"]


def test_variation_changes_the_budget_from_its_date(s75, council):
    contribution = s75["s1"].contributions.get(agency=council)
    services.contribution_vary(actor=None, contribution=contribution, amount="-50000.00",
                               date=date(2025, 8, 1), reason="In-year saving agreed")
    assert position_of(s75["agreement"], "2025-26", 1)["total_pool"] == "1300000.00"
    assert position_of(s75["agreement"], "2025-26", 2)["total_pool"] == "1250000.00"


def test_fixed_rule_with_cap_and_schedule_override(s75, council, icb):
    agreement = s75["agreement"]
    services.risk_rule_set(actor=None, agreement=agreement, basis=RiskBasis.FIXED, terms=[
        {"agency": council, "percentage": "50"},
        {"agency": icb, "percentage": "50", "cap": "30000"}])
    services.risk_rule_set(actor=None, agreement=agreement, schedule=s75["s2"],
                           basis=RiskBasis.LEAD_BEARS)
    make.forecast(s75["s1"], 2, "1100000.01")   # +100,000.01 shared 50/50, ICB capped
    make.forecast(s75["s2"], 2, "150000.00")    # -50,000 falls to the ICB (lead)
    position = position_of(agreement, "2025-26", 2)
    shares = {s["agency"]: Decimal(s["share"]) for s in position["risk_share"]}
    assert shares[icb.pk] == Decimal("30000.00") - Decimal("50000.00")
    assert shares[council.pk] == Decimal("70000.01")
    assert sum(shares.values()) == Decimal(position["variance"]) == Decimal("50000.01")


def test_over_and_underspends_shared_separately(s75, council, icb):
    agreement = services.agreement_update(actor=None, agreement=s75["agreement"],
                                          share_separately=True)
    services.risk_rule_set(actor=None, agreement=agreement, basis=RiskBasis.FIXED,
                           direction=Direction.OVERSPEND, terms=[
                               {"agency": council, "percentage": "100"}])
    services.risk_rule_set(actor=None, agreement=agreement, basis=RiskBasis.FIXED,
                           direction=Direction.UNDERSPEND, terms=[
                               {"agency": icb, "percentage": "100"}])
    make.forecast(s75["s1"], 2, "1010000.00")
    make.forecast(s75["s2"], 2, "190000.00")
    position = position_of(agreement, "2025-26", 2)
    rows = {s["agency"]: s for s in position["risk_share"]}
    assert rows[council.pk]["overspend"] == "10000.00"
    assert rows[icb.pk]["underspend"] == "-10000.00"
    assert position["variance"] == "0.00"


def test_positions_cost_constant_queries(area, council, icb, django_assert_max_num_queries):
    small = [make.pool(area, council, icb, schedules=2, spend_lines=2, prefix="A")]
    big = [make.pool(area, council, icb, schedules=12, spend_lines=6, prefix=p)
           for p in ("B", "C", "D")]
    # snapshots 1, agreements 2 (+parties), schedules 1, contributions 1, variations 1,
    # spend 2 (by schedule and payer; by month), commitments 1, forecasts 1, rules 2
    # (+terms, when there are rules), commentary 1, virements 1 = 14
    with django_assert_max_num_queries(14):
        positions_of(small, "2025-26", 4)
    with django_assert_max_num_queries(14):
        positions_of(big, "2025-26", 4)


def test_a_contributing_partner_cannot_leave(s75, council, icb, area):
    import pytest

    from portal.errors import ApplicationError
    from tests.factories.agencies import AgencyFactory

    trust = AgencyFactory(local_area=area, name="Testshire Trust", kind="nhs-trust")
    agreement = services.agreement_update(actor=None, agreement=s75["agreement"],
                                          parties=[council, icb, trust])
    services.agreement_update(actor=None, agreement=agreement, parties=[council, icb])
    with pytest.raises(ApplicationError, match="cannot leave"):
        services.agreement_update(actor=None, agreement=agreement, parties=[council, trust])
