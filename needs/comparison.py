"""An area's figures beside its comparators, built from observations already fetched.

Pure functions (no queries): selectors fetch every observation needed in one query and
hand them here, so a dashboard costs the same number of queries for 3 or 300 indicators.
"""
from dataclasses import dataclass, field

from . import significance


@dataclass
class PeriodPoint:
    period: str
    period_sort: int
    area: object = None
    england: object = None
    region: object = None
    neighbours: list = field(default_factory=list)  # observations present for that period

    @property
    def neighbours_average(self):
        return significance.neighbours_average([o.value for o in self.neighbours])


@dataclass
class IndicatorComparison:
    indicator: object
    points: list  # PeriodPoint, oldest first, for periods the area has a value
    latest: PeriodPoint | None
    vs_england: significance.Verdict
    vs_region: significance.Verdict
    vs_neighbours: significance.Verdict
    trend: significance.Trend
    interval: significance.Interval | None

    @property
    def period(self):
        return self.latest.period if self.latest else ""


def _value(obs):
    return None if obs is None or obs.value is None else obs.value


def build(indicator, comparators, observations, period=None) -> IndicatorComparison:
    """Compare the area with England, its region and its neighbours' average.

    `observations` are the indicator's observations for the comparator geographies.
    `period` picks the period compared (default: the area's latest).
    """
    neighbour_ids = {g.pk for g in comparators.neighbours.all()}
    by_period: dict[str, PeriodPoint] = {}
    for obs in observations:
        point = by_period.setdefault(obs.period, PeriodPoint(obs.period, obs.period_sort))
        if obs.geography_id == comparators.geography_id:
            point.area = obs
        if obs.geography_id == comparators.england_id:
            point.england = obs
        if obs.geography_id == comparators.region_id:
            point.region = obs
        if obs.geography_id in neighbour_ids and obs.value is not None:
            point.neighbours.append(obs)
    points = sorted((p for p in by_period.values() if p.area is not None),
                    key=lambda p: p.period_sort)
    if period:
        latest = next((p for p in points if p.period == period), None)
    else:
        latest = next((p for p in reversed(points) if p.area.value is not None), None)
    unit, polarity = indicator.unit, indicator.polarity
    area_obs = latest.area if latest else None

    def verdict(benchmark):
        return significance.compare(area_obs, benchmark, unit, polarity)

    history = [p.area for p in points if latest is None or p.period_sort <= latest.period_sort]
    return IndicatorComparison(
        indicator=indicator, points=points, latest=latest,
        vs_england=verdict(_value(latest.england) if latest else None),
        vs_region=verdict(_value(latest.region) if latest else None),
        vs_neighbours=verdict(latest.neighbours_average if latest else None),
        trend=significance.trend(history, unit),
        interval=significance.interval_for(area_obs, unit),
    )


def comparator_geography_ids(comparators) -> set[int]:
    ids = {comparators.geography_id, comparators.england_id}
    if comparators.region_id:
        ids.add(comparators.region_id)
    ids |= {g.pk for g in comparators.neighbours.all()}
    return ids
