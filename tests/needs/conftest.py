"""Fixtures for needs tests: an area with comparators and a few years of figures."""
import pytest

from agencies.roles import Role
from commissioning.models import Priority, Strategy
from needs.models import Polarity, Unit
from tests.factories.needs import IndicatorFactory, comparators_for, series


@pytest.fixture
def comparators(area):
    return comparators_for(area)


@pytest.fixture
def sen(comparators):
    indicator = IndicatorFactory(code="sen-prevalence", name="Pupils with SEN",
                                 unit=Unit.PERCENTAGE, polarity=Polarity.NEITHER, position=1)
    series(indicator, comparators, {
        "January 2017": ((15.2, 12251, 80600), 14.4, 14.5, [14.6, 14.8]),
        "January 2018": ((15.5, 12602, 81300), 14.6, 14.7, [14.8, 15.0]),
        "January 2019": ((15.9, 13038, 82000), 14.9, 15.0, [15.1, 15.3]),
    })
    return indicator


@pytest.fixture
def people(area, council, make_member):
    return {role: make_member(council, role, username=f"n.{role}") for role in Role}


@pytest.fixture
def priority(area):
    strategy = Strategy.objects.create(local_area=area, title="Joint strategy", period="2021-2025")
    return Priority.objects.create(strategy=strategy, number=1, title="Understand need")
