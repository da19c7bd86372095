"""Year-end settlement of 1,000 schedules (issue 16): share the year's variance by the
agreement's risk-share rules (caps, overrides, separate directions) and settle each
partner's final contribution, carry-forward and payment to or from the host. Pure
computation: 0 queries. Target p95 <= 50 ms, like the risk share."""
import random
from decimal import Decimal

from bench.support import bench_database, report, timed

SCHEDULES = 1_000


def _inputs(rng):
    from commissioning.budgets.models import Direction, RiskBasis
    from commissioning.budgets.risk_share import Rule, ScheduleVariance, Term

    parties = [1, 2, 3, 4]
    schedules = [ScheduleVariance(
        schedule_id=n, variance=Decimal(rng.randint(-5_000_000, 5_000_000)) / 100,
        lead_id=parties[n % 4],
        contributions={p: Decimal(rng.randint(0, 90_000_000)) / 100 for p in parties})
        for n in range(SCHEDULES)]
    rules = {(None, Direction.OVERSPEND): Rule(RiskBasis.FIXED, (
        Term(1, Decimal("40")), Term(2, Decimal("30")), Term(3, Decimal("20"), Decimal("50000")),
        Term(4, Decimal("10"), Decimal("10000"))), key="over"),
        (None, Direction.UNDERSPEND): Rule(RiskBasis.PROPORTIONAL, key="under")}
    for n in range(0, SCHEDULES, 7):
        rules[(n, Direction.OVERSPEND)] = Rule(RiskBasis.LEAD_BEARS, key=f"lead-{n}")
    return schedules, rules, parties


def run():
    with bench_database():
        from commissioning.budgets.settlement import settle_schedules

        schedules, rules, parties = _inputs(random.Random(16))
        for carry in (False, True):
            p50, p95, queries = timed(lambda carry=carry: settle_schedules(
                schedules, rules=rules, parties=parties, host_id=1, separately=True,
                carry_forward=carry), repeat=50)
            report(f"year-end settlement of {SCHEDULES:,} schedules (4 partners, caps, "
                   f"overrides{', carry-forward' if carry else ''})", p50, p95, queries,
                   "p95 <= 50 ms, 0 queries")
        rows = settle_schedules(schedules, rules=rules, parties=parties, host_id=1,
                                separately=True, carry_forward=True)
        total = sum((s.variance for s in schedules), Decimal("0.00"))
        print(f"   shares add up to the variance: {sum(r.share for r in rows) == total}; "
              f"payments net to zero: {sum(r.payment for r in rows) == 0}")


if __name__ == "__main__":
    run()
