"""Year-end settlement of 1,000 schedules (issue 16): share the year's variance by the
agreement's risk-share rules (caps, overrides, separate directions) and settle each
partner's final contribution, carry-forward and payment to or from the host. Pure
computation: 0 queries. Target p95 <= 50 ms, like the risk share."""
import random
from decimal import Decimal

from bench.support import bench_database, report, timed

SCHEDULES = 1_000  # as bench_budgets._risk_share_inputs builds


def run():
    with bench_database():
        from bench.bench_budgets import _risk_share_inputs  # the risk-share bench's agreement
        from commissioning.budgets.settlement import settle_schedules

        schedules, rules, parties = _risk_share_inputs(random.Random(16))
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
