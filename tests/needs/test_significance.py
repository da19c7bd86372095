"""Significance methods against worked examples (each worked by hand in the comment)."""
from dataclasses import dataclass
from decimal import Decimal

import pytest

from needs import significance as sig
from needs.models import Polarity, Unit


@dataclass
class Obs:
    value: Decimal | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    lower_ci: Decimal | None = None
    upper_ci: Decimal | None = None


def test_wilson_15_of_100():
    # p = 0.15, n = 100, z = 1.959964, z² = 3.841459
    # centre = p + z²/2n = 0.15 + 0.019207 = 0.169207
    # half   = z·√(p(1-p)/n + z²/4n²) = 1.959964·√(0.001275 + 0.000096036) = 0.072574
    # scale  = 1 + z²/n = 1.038415
    # lower  = (0.169207 - 0.072574)/1.038415 = 0.093060; upper = 0.241781/1.038415 = 0.232836
    lower, upper = sig.wilson_interval(15, 100)
    assert lower == pytest.approx(0.093060, abs=1e-6)
    assert upper == pytest.approx(0.232836, abs=1e-6)


def test_wilson_zero_events_stays_at_zero():
    # p = 0, n = 50: centre = z²/100 = 0.038415 = half; lower 0;
    # upper = 2·0.038415/(1 + 0.076829) = 0.071348
    lower, upper = sig.wilson_interval(0, 50)
    assert lower == 0.0
    assert upper == pytest.approx(0.071348, abs=1e-6)


def test_byar_for_ten_events():
    # O = 10: lower = O(1 - 1/9O - z/3√O)³ = 10(1 - 0.011111 - 0.206598)³ = 10·0.782291³
    #         = 4.787450
    # upper = (O+1)(1 - 1/9(O+1) + z/3√(O+1))³ = 11(1 - 0.010101 + 0.196984)³ = 11·1.186883³
    #       = 18.391459      (the exact Poisson limits are 4.795 and 18.390)
    lower, upper = sig.byar_interval(10)
    assert lower == pytest.approx(4.787450, abs=1e-5)
    assert upper == pytest.approx(18.391459, abs=1e-5)


def test_byar_for_zero_events():
    # O = 0: lower 0; upper = 1·(1 - 1/9 + z/3)³ = (0.888889 + 0.653321)³ = 1.542210³ = 3.668012
    assert sig.byar_interval(0) == pytest.approx((0.0, 3.668012), abs=1e-5)


def test_rate_interval_uses_byar_over_the_denominator():
    # 10 events in 5,000 = 2.0 per 1,000; limits 4.787450/5000·1000 = 0.957490 and
    # 18.391459/5000·1000 = 3.678292
    interval = sig.interval_for(Obs(Decimal("2"), Decimal("10"), Decimal("5000")), Unit.RATE_1000)
    assert interval.method == "byar"
    assert (interval.lower, interval.upper) == pytest.approx((0.957490, 3.678292), abs=1e-5)


def test_percentage_interval_uses_wilson_in_percent():
    interval = sig.interval_for(Obs(Decimal("15"), Decimal("15"), Decimal("100")),
                                Unit.PERCENTAGE)
    assert interval.method == "wilson"
    assert (interval.lower, interval.upper) == pytest.approx((9.3060, 23.2836), abs=1e-3)


def test_published_interval_wins():
    obs = Obs(Decimal("15"), Decimal("15"), Decimal("100"), Decimal("14"), Decimal("16"))
    interval = sig.interval_for(obs, Unit.PERCENTAGE)
    assert (interval.lower, interval.upper, interval.method) == (14.0, 16.0, "published")


def test_counts_have_no_interval():
    assert sig.interval_for(Obs(Decimal("18019")), Unit.COUNT) is None
    assert sig.interval_for(Obs(Decimal("5"), Decimal("5"), Decimal("100")), Unit.COUNT) is None


def test_worcestershire_send_prevalence_is_significantly_higher_than_england():
    # 15.9% of ~80,000 pupils (12,720/80,000): Wilson 95% is about 15.65% to 16.15%, which
    # lies wholly above England's 14.9%, so "significantly higher".
    obs = Obs(Decimal("15.9"), Decimal("12720"), Decimal("80000"))
    verdict = sig.compare(obs, Decimal("14.9"), Unit.PERCENTAGE, Polarity.NEITHER)
    assert verdict.key == sig.HIGHER
    assert verdict.label == "Significantly higher"
    # Higher is worse (e.g. persistent absence): the same result reads "worse".
    assert sig.compare(obs, Decimal("14.9"), Unit.PERCENTAGE,
                       Polarity.HIGHER_IS_WORSE).key == sig.WORSE
    assert sig.compare(obs, Decimal("14.9"), Unit.PERCENTAGE,
                       Polarity.HIGHER_IS_BETTER).key == sig.BETTER


def test_small_numbers_are_similar():
    # 15/100 = 15%, Wilson 9.3% to 23.3% contains England's 14.9%: similar.
    obs = Obs(Decimal("15"), Decimal("15"), Decimal("100"))
    assert sig.compare(obs, Decimal("14.9"), Unit.PERCENTAGE, Polarity.NEITHER).key == sig.SIMILAR


def test_lower_than_benchmark():
    obs = Obs(Decimal("5"), Decimal("5"), Decimal("100"))  # 5%: Wilson 2.15% to 11.18%
    assert sig.compare(obs, Decimal("14.9"), Unit.PERCENTAGE,
                       Polarity.HIGHER_IS_BETTER).key == sig.WORSE


def test_not_compared_without_interval_or_benchmark():
    assert sig.compare(Obs(Decimal("15")), Decimal("14"), Unit.PERCENTAGE,
                       Polarity.NEITHER).key == sig.NOT_COMPARED
    assert sig.compare(Obs(Decimal("15"), Decimal("15"), Decimal("100")), None,
                       Unit.PERCENTAGE, Polarity.NEITHER).key == sig.NOT_COMPARED


def test_neighbours_average_is_plain_mean_of_present_values():
    assert sig.neighbours_average([Decimal("14"), None, Decimal("16")]) == 15.0
    assert sig.neighbours_average([None]) is None


def test_chi_squared_linear_trend_worked_example():
    # r = 10,15,20,25,30 of n = 100 each; p̄ = 100/500 = 0.2; scores 0..4, x̄ = 2
    # T = Σ r(x - x̄) = -20 - 15 + 0 + 25 + 60 = 50
    # Var = p̄(1-p̄)·Σ n(x - x̄)² = 0.16 · 100 · (4+1+0+1+4) = 160
    # χ² = T²/Var = 2500/160 = 15.625 > 3.841: a significant increase
    chi2, t = sig.chi2_linear_trend([10, 15, 20, 25, 30], [100] * 5)
    assert chi2 == pytest.approx(15.625)
    assert t == pytest.approx(50)
    points = [Obs(Decimal(r), Decimal(r), Decimal(100)) for r in (10, 15, 20, 25, 30)]
    trend = sig.trend(points, Unit.PERCENTAGE)
    assert (trend.direction, trend.tested, trend.label) == (sig.INCREASING, True, "Increasing")


def test_trend_no_significant_change():
    # 20,21,19,20,21 of 100: T = -40-21+0+20+42 = 1; Var = 0.2024·0.7976·1000 ≈ 161.4;
    # χ² = 1/161.4 = 0.0062 < 3.841
    points = [Obs(Decimal(r), Decimal(r), Decimal(100)) for r in (20, 21, 19, 20, 21)]
    assert sig.trend(points, Unit.PERCENTAGE).label == "No significant change"


def test_trend_uses_only_last_five_periods_and_needs_three():
    rising_then_flat = [Obs(Decimal(v)) for v in (1, 2, 3, 50, 50, 50, 50, 50)]
    assert sig.trend(rising_then_flat, Unit.COUNT).direction == sig.NO_CHANGE
    assert sig.trend([Obs(Decimal(1)), Obs(Decimal(2))], Unit.COUNT).label == "Not enough data"
    untested = sig.trend([Obs(Decimal(v)) for v in (1, 2, 3)], Unit.COUNT)
    assert untested.label == "Increasing (not tested)"


def test_trend_for_rates_compares_first_and_last_intervals():
    # 10 per 5,000 (0.96-3.68 per 1,000) then 60 per 5,000 (9.16-15.45): no overlap, increasing
    points = [Obs(Decimal("2"), Decimal("10"), Decimal("5000")),
              Obs(Decimal("5"), Decimal("25"), Decimal("5000")),
              Obs(Decimal("12"), Decimal("60"), Decimal("5000"))]
    trend = sig.trend(points, Unit.RATE_1000)
    assert (trend.direction, trend.method) == (sig.INCREASING, "non-overlapping intervals")
