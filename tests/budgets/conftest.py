"""Fixtures for the pooled budgets tests: a council-hosted pool with the ICB."""
from datetime import date

import pytest

from agencies.roles import Role
from tests.factories import budgets as make


@pytest.fixture
def s75(area, council, icb):
    """Two pooled schedules (council 60%, ICB 40%) and an aligned one; 2025-26."""
    agreement = make.agreement(area, [council, icb], host=council)
    s1 = make.schedule(agreement, "S1", name="Residential placements",
                       contributions={council: "600000.00", icb: "400000.00"})
    s2 = make.schedule(agreement, "S2", name="Short breaks", lead=icb,
                       contributions={council: "100000.00", icb: "100000.00"})
    s3 = make.schedule(agreement, "S3", name="Equipment", budget_type="aligned",
                       contributions={council: "50000.00", icb: "50000.00"})
    make.spend(s1, date(2025, 4, 10), "100000.00", "April placements")
    make.spend(s1, date(2025, 7, 10), "160000.00", "July placements")
    make.spend(s3, date(2025, 5, 2), "12000.00", "Hoists", source=icb)
    return {"agreement": agreement, "s1": s1, "s2": s2, "s3": s3}


@pytest.fixture
def finance(council, make_member):
    return make_member(council, Role.FINANCE, username="fin")


@pytest.fixture
def viewer(icb, make_member):
    return make_member(icb, Role.VIEWER, username="view")


@pytest.fixture
def manager(council, make_member):
    """A pooled fund manager of the host (the s75 agreement names none, so they submit)."""
    return make_member(council, Role.POOLED_FUND_MANAGER, username="pfm",
                       email="pfm@example.org")


@pytest.fixture
def icb_finance(icb, make_member):
    return make_member(icb, Role.FINANCE, username="icbfin", email="icbfin@example.org")
