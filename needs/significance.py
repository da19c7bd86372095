"""Statistics for comparing an area with its comparators, as PHE/OHID Fingertips does.

Confidence intervals: the published ones when the source gives them; otherwise
- proportions (percentages): Wilson's score interval;
- rates (per 1,000 or 100,000): Byar's approximation to the exact Poisson interval of the
  count, divided by the denominator;
- counts and anything without numerator and denominator: no interval, so not compared.

An area is *significantly higher* than a comparator when the comparator's value lies below
the area's interval, *significantly lower* when it lies above, and *similar* otherwise
(Fingertips' "compared with benchmark" rule). The indicator's polarity turns higher/lower
into better/worse. Trend over the last five periods: the chi-squared test for linear trend
(Cochran-Armitage) when every period has a numerator and denominator of a proportion, else
whether the first and last periods' intervals overlap, else the direction only (untested).
Worked examples are in docs/needs.md and tests/needs/test_significance.py. Statistics use
floats: they are estimates, not money.
"""
import math
from dataclasses import dataclass

from .models import Polarity, Unit

Z95 = 1.959963984540054
CHI2_1DF_95 = 3.841458820694124  # chi-squared critical value, 1 degree of freedom, 5%


def wilson_interval(numerator: float, denominator: float, z: float = Z95):
    """Wilson score interval of a proportion numerator/denominator, as proportions 0-1."""
    if denominator <= 0 or numerator < 0 or numerator > denominator:
        raise ValueError("Wilson's interval needs 0 <= numerator <= denominator > 0")
    p = numerator / denominator
    z2 = z * z
    centre = p + z2 / (2 * denominator)
    half = z * math.sqrt(p * (1 - p) / denominator + z2 / (4 * denominator * denominator))
    scale = 1 + z2 / denominator
    # At p = 0 (or 1) the limit is exactly 0 (or 1); floating point leaves a crumb.
    lower = 0.0 if numerator == 0 else (centre - half) / scale
    upper = 1.0 if numerator == denominator else (centre + half) / scale
    return lower, upper


def byar_interval(count: float, z: float = Z95):
    """Byar's approximation to the exact Poisson interval of an observed count."""
    if count < 0:
        raise ValueError("Byar's interval needs a count of zero or more")
    lower = 0.0 if count == 0 else (
        count * (1 - 1 / (9 * count) - z / (3 * math.sqrt(count))) ** 3)
    upper_base = count + 1
    upper = upper_base * (1 - 1 / (9 * upper_base) + z / (3 * math.sqrt(upper_base))) ** 3
    return lower, upper


@dataclass(frozen=True)
class Interval:
    lower: float
    upper: float
    method: str  # "published", "wilson", "byar"


def interval_for(obs, unit) -> Interval | None:
    """The 95% interval of an observation (anything with value/numerator/denominator/CIs)."""
    if obs is None:
        return None
    if obs.lower_ci is not None and obs.upper_ci is not None:
        return Interval(float(obs.lower_ci), float(obs.upper_ci), "published")
    num, den = obs.numerator, obs.denominator
    if num is None or den is None or den <= 0 or num < 0:
        return None
    unit = Unit(unit)
    if unit == Unit.PERCENTAGE and num <= den:
        lo, hi = wilson_interval(float(num), float(den))
        return Interval(lo * 100, hi * 100, "wilson")
    if unit in (Unit.RATE_1000, Unit.RATE_100000):
        multiplier = 1000 if unit == Unit.RATE_1000 else 100000
        lo, hi = byar_interval(float(num))
        return Interval(lo / float(den) * multiplier, hi / float(den) * multiplier, "byar")
    return None


# --- comparison with a benchmark --------------------------------------------------------
HIGHER, LOWER, SIMILAR, NOT_COMPARED = "higher", "lower", "similar", "not-compared"
BETTER, WORSE = "better", "worse"

VERDICT_LABELS = {
    BETTER: "Significantly better", WORSE: "Significantly worse",
    HIGHER: "Significantly higher", LOWER: "Significantly lower",
    SIMILAR: "Similar", NOT_COMPARED: "Not compared",
}
VERDICT_COLOURS = {BETTER: "green", WORSE: "red", HIGHER: "blue", LOWER: "purple",
                   SIMILAR: "grey", NOT_COMPARED: "grey"}


@dataclass(frozen=True)
class Verdict:
    key: str
    benchmark: float | None
    method: str = ""

    @property
    def label(self):
        return VERDICT_LABELS[self.key]

    @property
    def colour(self):
        return VERDICT_COLOURS[self.key]


def compare(area_obs, benchmark, unit, polarity) -> Verdict:
    """Compare an area's observation with a benchmark value (England, region, neighbours)."""
    if area_obs is None or area_obs.value is None or benchmark is None:
        return Verdict(NOT_COMPARED, benchmark)
    interval = interval_for(area_obs, unit)
    if interval is None:
        return Verdict(NOT_COMPARED, benchmark)
    benchmark = float(benchmark)
    if interval.lower > benchmark:
        direction = HIGHER
    elif interval.upper < benchmark:
        direction = LOWER
    else:
        return Verdict(SIMILAR, benchmark, interval.method)
    return Verdict(_with_polarity(direction, polarity), benchmark, interval.method)


def _with_polarity(direction, polarity):
    polarity = Polarity(polarity)
    if polarity == Polarity.NEITHER:
        return direction
    higher_is_better = polarity == Polarity.HIGHER_IS_BETTER
    return BETTER if (direction == HIGHER) == higher_is_better else WORSE


def neighbours_average(values):
    """The plain mean of the neighbours' values for one period (None when there are none)."""
    present = [float(v) for v in values if v is not None]
    if not present:
        return None
    return sum(present) / len(present)


# --- trend ------------------------------------------------------------------------------
TREND_PERIODS = 5
INCREASING, DECREASING, NO_CHANGE, NOT_ENOUGH = (
    "increasing", "decreasing", "no-change", "not-enough-data")


@dataclass(frozen=True)
class Trend:
    direction: str
    tested: bool
    method: str
    periods: int

    @property
    def label(self):
        if self.direction == NOT_ENOUGH:
            return "Not enough data"
        if self.direction == NO_CHANGE:
            return "No significant change" if self.tested else "No change"
        word = "Increasing" if self.direction == INCREASING else "Decreasing"
        return word if self.tested else f"{word} (not tested)"


def chi2_linear_trend(numerators, denominators) -> tuple[float, float]:
    """Cochran-Armitage chi-squared for linear trend in proportions, scores 0..k-1.

    Returns (chi-squared, T) where T's sign gives the direction.
    """
    n_total = sum(denominators)
    r_total = sum(numerators)
    p_bar = r_total / n_total
    scores = range(len(numerators))
    x_bar = sum(n * x for n, x in zip(denominators, scores, strict=True)) / n_total
    t = sum(r * (x - x_bar) for r, x in zip(numerators, scores, strict=True))
    variance = p_bar * (1 - p_bar) * sum(
        n * (x - x_bar) ** 2 for n, x in zip(denominators, scores, strict=True))
    if variance == 0:
        return 0.0, t
    return t * t / variance, t


def trend(observations, unit) -> Trend:
    """Trend over the last five periods of one geography's observations (oldest first)."""
    recent = [o for o in observations if o.value is not None][-TREND_PERIODS:]
    if len(recent) < 3:
        return Trend(NOT_ENOUGH, False, "", len(recent))
    if Unit(unit) == Unit.PERCENTAGE and all(
            o.numerator is not None and o.denominator and o.numerator <= o.denominator
            for o in recent):
        chi2, t = chi2_linear_trend([float(o.numerator) for o in recent],
                                    [float(o.denominator) for o in recent])
        if chi2 < CHI2_1DF_95:
            return Trend(NO_CHANGE, True, "chi-squared for linear trend", len(recent))
        return Trend(INCREASING if t > 0 else DECREASING, True,
                     "chi-squared for linear trend", len(recent))
    first, last = interval_for(recent[0], unit), interval_for(recent[-1], unit)
    if first is not None and last is not None:
        if last.lower > first.upper:
            return Trend(INCREASING, True, "non-overlapping intervals", len(recent))
        if last.upper < first.lower:
            return Trend(DECREASING, True, "non-overlapping intervals", len(recent))
        return Trend(NO_CHANGE, True, "overlapping intervals", len(recent))
    start, end = float(recent[0].value), float(recent[-1].value)
    direction = INCREASING if end > start else DECREASING if end < start else NO_CHANGE
    return Trend(direction, False, "direction only", len(recent))
