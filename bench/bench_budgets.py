"""Pooled budgets: position (1,000 schedules, 100,000 spend lines), risk share, CSV check.

The position of one agreement with 1,000 schedules and 100,000 spend lines at Q2 and Q4,
the risk share of 1,000 schemes, and the checks of a 2,000-line CSV import (dry run)."""
import random
from datetime import date, timedelta
from decimal import Decimal

from bench.support import bench_database, report, timed

SCHEDULES = 1_000
SPEND_LINES = 100_000
YEAR = "2025-26"


def _setup():
    from agencies.models import Agency, LocalArea
    from commissioning.budgets import services
    from commissioning.budgets.models import (
        Contribution,
        Forecast,
        RiskBasis,
        Schedule,
        Spend,
    )

    rng = random.Random(75)
    area = LocalArea.objects.create(name="Benchshire", slug="benchshire", reference_prefix="BEN")
    council = Agency.objects.create(local_area=area, name="Benchshire Council", kind="council")
    icb = Agency.objects.create(local_area=area, name="NHS Benchshire ICB", kind="icb")
    trust = Agency.objects.create(local_area=area, name="Benchshire Trust", kind="nhs-trust")
    agreement = services.agreement_create(
        actor=None, local_area=area, title="Benchmark pool", parties=[council, icb, trust],
        host=council, starts=date(2025, 4, 1))
    services.risk_rule_set(actor=None, agreement=agreement, basis=RiskBasis.FIXED, terms=[
        {"agency": council, "percentage": "45.5"}, {"agency": icb, "percentage": "40"},
        {"agency": trust, "percentage": "14.5", "cap": "250000"}])
    Schedule.objects.bulk_create(
        Schedule(agreement=agreement, code=f"S{n:04d}", name=f"Scheme {n}",
                 lead_partner=(council, icb, trust)[n % 3],
                 budget_type="pooled" if n % 5 else "aligned") for n in range(SCHEDULES))
    schedules = list(agreement.schedules.all())
    Contribution.objects.bulk_create(
        Contribution(schedule=s, agency=agency, year=YEAR,
                     amount=Decimal(rng.randint(1_000_00, 500_000_00)) / 100)
        for s in schedules for agency in (council, icb))
    Forecast.objects.bulk_create(
        Forecast(schedule=s, year=YEAR, quarter=2,
                 outturn=Decimal(rng.randint(10_000_00, 1_000_000_00)) / 100)
        for s in schedules[::2])
    start = date(2025, 4, 1)
    batch = []
    for n in range(SPEND_LINES):
        schedule = schedules[n % SCHEDULES]
        batch.append(Spend(schedule=schedule, date=start + timedelta(days=rng.randint(0, 364)),
                           amount=Decimal(rng.randint(100, 5_000_00)) / 100,
                           description=f"Invoice {n}",
                           source_agency=icb if schedule.budget_type == "aligned" else None))
        if len(batch) == 10_000:
            Spend.objects.bulk_create(batch)
            batch = []
    Spend.objects.bulk_create(batch)
    return agreement


def _risk_share_inputs(rng):
    from commissioning.budgets.models import Direction, RiskBasis
    from commissioning.budgets.risk_share import Rule, ScheduleVariance, Term

    parties = [1, 2, 3, 4]
    schedules = [ScheduleVariance(
        schedule_id=n, variance=Decimal(rng.randint(-5_000_000, 5_000_000)) / 100,
        lead_id=parties[n % 4],
        contributions={p: Decimal(rng.randint(0, 90_000_000)) / 100 for p in parties})
        for n in range(1_000)]
    rules = {(None, Direction.OVERSPEND): Rule(RiskBasis.FIXED, (
        Term(1, Decimal("40")), Term(2, Decimal("30")), Term(3, Decimal("20"), Decimal("50000")),
        Term(4, Decimal("10"), Decimal("10000"))), key="over"),
        (None, Direction.UNDERSPEND): Rule(RiskBasis.PROPORTIONAL, key="under")}
    for n in range(0, 1_000, 7):
        rules[(n, Direction.OVERSPEND)] = Rule(RiskBasis.LEAD_BEARS, key=f"lead-{n}")
    return schedules, rules, parties


def run():
    with bench_database():
        from commissioning.budgets import services
        from commissioning.budgets.position import positions_of
        from commissioning.budgets.risk_share import share_variance

        agreement = _setup()
        from bench.support import analyze

        analyze()
        print(f"   data: 1 agreement, {SCHEDULES:,} schedules, {SPEND_LINES:,} spend lines")
        p50, p95, queries = timed(lambda: positions_of([agreement], YEAR, 2), repeat=10)
        report("position, Q2 (1,000 schedules, 100,000 spend lines)", p50, p95, queries,
               "p95 < 150 ms, constant queries", p95_target=150)
        p50, p95, queries = timed(lambda: positions_of([agreement], YEAR, 4), repeat=10)
        report("position, Q4 (whole year)", p50, p95, queries, "p95 < 150 ms", p95_target=150)
        position = positions_of([agreement], YEAR, 4)[agreement.pk]
        total = sum(Decimal(s["share"]) for s in position["risk_share"])
        print(f"   risk shares add up to the variance: {total == Decimal(position['variance'])}")

        rng = random.Random(1)
        schedules, rules, parties = _risk_share_inputs(rng)
        p50, p95, queries = timed(lambda: share_variance(
            schedules, rules=rules, parties=parties, host_id=1, separately=True), repeat=50)
        report("risk share of 1,000 schemes (4 partners, caps, overrides)", p50, p95, queries,
               "p95 < 50 ms, 0 queries", p95_target=50)

        lines = ["schedule,date,amount,description,source"] + [
            f"S{n % SCHEDULES:04d},2025-10-{1 + n % 28:02d},{1 + n % 900}.{n % 100:02d},"
            f"Import line {n},{'NHS Benchshire ICB' if (n % SCHEDULES) % 5 == 0 else ''}"
            for n in range(2_000)]
        content = ("\n".join(lines) + "\n").encode()
        p50, p95, queries = timed(lambda: services.spend_import(
            actor=None, agreement=agreement, content=content, dry_run=True), repeat=5)
        report("CSV import check (2,000 lines, dry run)", p50, p95, queries,
               "p95 < 2000 ms, constant queries", p95_target=2000)
