"""Risk share and the largest-remainder split: shares add back to the variance exactly,
for arbitrary amounts, partner counts, percentages and caps (hypothesis)."""
from decimal import Decimal

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from commissioning.budgets.models import Direction, RiskBasis
from commissioning.budgets.risk_share import (
    Rule,
    ScheduleVariance,
    Term,
    allocate,
    apply_caps,
    share_variance,
)
from portal.money import split_largest_remainder

amounts = st.decimals(min_value=Decimal("-99999999999.99"), max_value=Decimal("99999999999.99"),
                      places=2)
money = st.decimals(min_value=Decimal("0"), max_value=Decimal("999999999.99"), places=2)


@st.composite
def percentages(draw, n):
    """n non-negative percentages with up to four places adding to exactly 100."""
    cuts = sorted(draw(st.lists(st.integers(0, 1_000_000), min_size=n - 1, max_size=n - 1)))
    bounds = [0, *cuts, 1_000_000]
    return [Decimal(bounds[i + 1] - bounds[i]) / 10_000 for i in range(n)]


@given(amounts, st.lists(money, min_size=1, max_size=30))
def test_split_adds_back_exactly(amount, weights):
    parts = split_largest_remainder(amount, weights)
    assert sum(parts) == amount
    assert all(p == p.quantize(Decimal("0.01")) for p in parts)
    total = sum(weights)
    if total:
        for part, weight in zip(parts, weights, strict=True):
            assert abs(part - amount * weight / total) < Decimal("0.01")


@given(amounts, st.lists(money, min_size=1, max_size=10))
def test_split_of_underspend_mirrors_overspend(amount, weights):
    assert split_largest_remainder(-amount, weights) == [
        -p for p in split_largest_remainder(amount, weights)]


@given(st.data(), amounts, st.integers(2, 12))
def test_fixed_percentages_with_caps_add_back(data, amount, n):
    parties = list(range(1, n + 1))
    host = data.draw(st.sampled_from(parties))
    pct = dict(zip(parties, data.draw(percentages(n)), strict=True))
    caps = {p: data.draw(money) for p in parties if p != host and data.draw(st.booleans())}
    shares = allocate(amount, basis=RiskBasis.FIXED, parties=parties, host_id=host,
                      percentages=pct, caps=caps)
    assert sum(shares.values()) == amount
    for agency_id, cap in caps.items():
        assert abs(shares[agency_id]) <= cap


@given(st.data(), amounts, st.integers(2, 12))
def test_proportional_with_caps_add_back(data, amount, n):
    parties = list(range(1, n + 1))
    host = parties[0]
    contributions = {p: data.draw(money) for p in parties}
    caps = {p: data.draw(money) for p in parties[1:] if data.draw(st.booleans())}
    shares = allocate(amount, basis=RiskBasis.PROPORTIONAL, parties=parties, host_id=host,
                      contributions=contributions, caps=caps)
    assert sum(shares.values()) == amount
    if not caps and sum(contributions.values()):
        total = sum(contributions.values())
        for p in parties:
            assert abs(shares[p] - amount * contributions[p] / total) < Decimal("0.01")


@settings(max_examples=150)
@given(st.data(), st.integers(2, 6), st.integers(1, 25), st.booleans())
def test_share_variance_of_many_schedules_adds_back(data, n, count, separately):
    """Whole agreements: schedule overrides, directions, every basis, caps, both signs."""
    parties = list(range(1, n + 1))
    host = parties[0]
    schedules = [ScheduleVariance(
        schedule_id=i, variance=data.draw(amounts), lead_id=data.draw(st.sampled_from(parties)),
        contributions={p: data.draw(money) for p in parties}) for i in range(count)]

    def rule(key):
        basis = data.draw(st.sampled_from(list(RiskBasis)))
        pct = data.draw(percentages(n)) if basis == RiskBasis.FIXED else [None] * n
        terms = tuple(Term(p, pct[i], data.draw(st.one_of(st.none(), money)) if p != host
                           else None) for i, p in enumerate(parties))
        return Rule(basis=basis, terms=terms, key=key)

    directions = [Direction.OVERSPEND, Direction.UNDERSPEND] if separately else [Direction.BOTH]
    rules = {(None, d): rule(f"default-{d}") for d in directions}
    for item in schedules:
        if data.draw(st.booleans()):
            d = data.draw(st.sampled_from(directions))
            rules[(item.schedule_id, d)] = rule(f"{item.schedule_id}-{d}")
    result = share_variance(schedules, rules=rules, parties=parties, host_id=host,
                            separately=separately)
    variance = sum(s.variance for s in schedules)
    assert sum(result.total.values()) == variance
    for p in parties:
        assert result.overspend[p] + result.underspend[p] == result.total[p]
    if separately:
        assert sum(result.overspend.values()) == sum(s.variance for s in schedules
                                                     if s.variance > 0)


def test_lead_partner_bears_its_own_schemes():
    schedules = [ScheduleVariance(1, Decimal("1000.00"), lead_id=1),
                 ScheduleVariance(2, Decimal("-250.00"), lead_id=2),
                 ScheduleVariance(3, Decimal("99.99"), lead_id=2)]
    result = share_variance(schedules, rules={(None, Direction.BOTH): Rule(RiskBasis.LEAD_BEARS)},
                            parties=[1, 2], host_id=1)
    assert result.total == {1: Decimal("1000.00"), 2: Decimal("-150.01")}


def test_cap_sends_the_rest_to_the_host():
    shares = apply_caps({1: Decimal("600.00"), 2: Decimal("400.00")}, {2: Decimal("150.00")}, 1)
    assert shares == {1: Decimal("850.00"), 2: Decimal("150.00")}
    under = apply_caps({1: Decimal("-600.00"), 2: Decimal("-400.00")}, {2: Decimal("150")}, 1)
    assert under == {1: Decimal("-850.00"), 2: Decimal("-150.00")}


def test_separate_directions_use_their_own_rules():
    rules = {(None, Direction.OVERSPEND): Rule(RiskBasis.FIXED, (Term(1, Decimal(50)),
                                                                 Term(2, Decimal(50))), key=1),
             (None, Direction.UNDERSPEND): Rule(RiskBasis.FIXED, (Term(1, Decimal(100)),),
                                                key=2)}
    schedules = [ScheduleVariance(1, Decimal("100.01"), 1), ScheduleVariance(2, Decimal("-40"), 2)]
    result = share_variance(schedules, rules=rules, parties=[1, 2], host_id=1, separately=True)
    assert result.overspend == {1: Decimal("50.01"), 2: Decimal("50.00")}
    assert result.underspend == {1: Decimal("-40.00"), 2: Decimal("0.00")}
    assert sum(result.total.values()) == Decimal("60.01")


def test_no_contributions_means_the_host_bears_it():
    shares = allocate(Decimal("10.00"), basis=RiskBasis.PROPORTIONAL, parties=[1, 2], host_id=2)
    assert shares == {1: Decimal("0.00"), 2: Decimal("10.00")}


@pytest.mark.parametrize("pct", [{1: Decimal(60), 2: Decimal(30)}, {1: Decimal(-10), 2: 110},
                                 {1: Decimal(50), 3: Decimal(50)}])
def test_fixed_percentages_must_be_sound(pct):
    with pytest.raises(ValueError):
        allocate(Decimal("1"), basis=RiskBasis.FIXED, parties=[1, 2], host_id=1,
                 percentages=pct)


@given(amounts)
def test_largest_remainder_ties_go_to_the_first(amount):
    assume(amount > 0)
    parts = split_largest_remainder(amount, [1, 1, 1])
    assert parts[0] >= parts[1] >= parts[2]
    assert parts[0] - parts[2] <= Decimal("0.01")


@given(st.data(), money)
def test_joint_package_split_from_percentages_is_exact(data, cost):
    from commissioning.budgets.services.packages import split_amounts

    parts = dict(zip(("social_care_amount", "health_amount", "education_amount"),
                     data.draw(percentages(3)), strict=True))
    amounts = split_amounts(cost, percentages=parts)
    assert sum(amounts.values()) == cost
    assert all(v >= 0 for v in amounts.values())
