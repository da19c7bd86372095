"""Factories for needs evidence: indicators, geographies, comparator sets, observations."""
from decimal import Decimal

import factory

from needs.imports import period_sort_key
from needs.models import (
    ComparatorSet,
    Geography,
    GeographyKind,
    Indicator,
    Observation,
    Polarity,
    Unit,
)


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"indicator-{n}")
    name = factory.Sequence(lambda n: f"Indicator {n}")
    unit = Unit.PERCENTAGE
    polarity = Polarity.NEITHER
    source = 'DfE "Special educational needs in England"'
    headline = True


class GeographyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Geography
        django_get_or_create = ("code",)

    # W-prefixed so a sequence never meets the fixed E-codes tests name (e.g. E10000099).
    code = factory.Sequence(lambda n: f"W0{n:07d}")
    name = factory.Sequence(lambda n: f"Place {n}")
    kind = GeographyKind.LOCAL_AUTHORITY


class ObservationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Observation

    indicator = factory.SubFactory(IndicatorFactory)
    geography = factory.SubFactory(GeographyFactory)
    period = "2024/25"
    period_sort = factory.LazyAttribute(lambda o: period_sort_key(o.period))
    value = Decimal("15.9")


def comparators_for(area, *, neighbours=2, code="E10000099"):
    """A comparator set for `area`: its own geography, England, a region and neighbours."""
    own = GeographyFactory(code=code, name=f"{area.name} council")
    england = GeographyFactory(code="E92000001", name="England", kind=GeographyKind.ENGLAND)
    region = GeographyFactory(code="E12000005", name="West Midlands", kind=GeographyKind.REGION)
    comparators = ComparatorSet.objects.create(local_area=area, geography=own, england=england,
                                               region=region)
    comparators.neighbours.set([GeographyFactory(name=f"Neighbour {i}")
                                for i in range(neighbours)])
    return comparators


def series(indicator, comparators, values_by_period):
    """Observations for each period: {period: (area, england, region, [neighbours...])},
    each value a number or a (value, numerator, denominator) tuple."""
    neighbours = list(comparators.neighbours.all())
    made = []
    for period, (area, england, region, others) in values_by_period.items():
        places = [(comparators.geography, area), (comparators.england, england),
                  (comparators.region, region), *zip(neighbours, others, strict=False)]
        for geography, spec in places:
            if spec is None:
                continue
            value, num, den = spec if isinstance(spec, tuple) else (spec, None, None)
            made.append(ObservationFactory(
                indicator=indicator, geography=geography, period=period,
                value=Decimal(str(value)),
                numerator=None if num is None else Decimal(str(num)),
                denominator=None if den is None else Decimal(str(den))))
    return made
