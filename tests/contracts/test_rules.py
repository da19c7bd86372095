"""KPI RAG, missing returns, the Procurement Act checks and assessment ratings."""
from datetime import date
from decimal import Decimal as D
from types import SimpleNamespace

import pytest

from commissioning.contracts import rules
from commissioning.contracts.models import AssessmentRating as R


@pytest.mark.parametrize(("value", "expected"), [
    ("95", "green"), ("90", "green"),          # on target is green
    ("89.99", "amber"), ("85", "amber"),       # within the tolerance below the target
    ("84.99", "red"), ("0", "red"),
])
def test_higher_is_better(value, expected):
    assert rules.rag_for(target=D("90"), direction="higher", tolerance=D("5"),
                         value=D(value)) == expected


@pytest.mark.parametrize(("value", "expected"), [
    ("10", "green"), ("12", "green"), ("12.01", "amber"), ("14", "amber"), ("14.5", "red"),
])
def test_lower_is_better(value, expected):
    assert rules.rag_for(target=D("12"), direction="lower", tolerance=D("2"),
                         value=D(value)) == expected


def test_no_tolerance_means_no_amber():
    assert rules.rag_for(target=D("90"), direction="higher", tolerance=D("0"),
                         value=D("89.99")) == "red"


def _kpi(frequency="quarterly"):
    return SimpleNamespace(frequency=frequency, target=D("90"), direction="higher",
                           amber_tolerance=D("5"))


def test_missing_return_is_missing_once_due_and_not_due_before():
    kpi = _kpi()
    # Q1 2025-26 ends 30 June 2025; returns are due 30 days later.
    assert rules.quarter_status(kpi, None, "2025-26", 1, today=date(2025, 7, 30)) == "not-due"
    assert rules.quarter_status(kpi, None, "2025-26", 1, today=date(2025, 7, 31)) == "missing"
    returned = SimpleNamespace(rag="amber")
    assert rules.quarter_status(kpi, returned, "2025-26", 1, today=date(2026, 1, 1)) == "amber"


def test_frequency_decides_which_quarters_expect_a_return():
    annual, half = _kpi("annual"), _kpi("half-yearly")
    assert rules.quarter_status(annual, None, "2024-25", 2, today=date(2026, 1, 1)) is None
    assert rules.quarter_status(annual, None, "2024-25", 4, today=date(2026, 1, 1)) == "missing"
    assert [rules.is_expected(half, q) for q in (1, 2, 3, 4)] == [False, True, False, True]


@pytest.mark.parametrize(("statuses", "expected"), [
    ([], R.OTHER),
    (["green"] * 4, R.GOOD),
    (["green"] * 3 + ["amber"], R.GOOD),
    (["green"] * 2 + ["amber"] * 2, R.APPROACHING),
    (["green"] * 3 + ["red"], R.APPROACHING),
    (["green"] * 3 + ["missing"], R.APPROACHING),     # a missing return counts as red
    (["green"] * 2 + ["red"] * 2, R.REQUIRES_IMPROVEMENT),
    (["green"] + ["red"] * 3, R.INADEQUATE),
    (["not-due", None], R.OTHER),                     # nothing due yet: no basis to rate
])
def test_derived_rating(statuses, expected):
    assert rules.derive_rating(statuses).rating == expected


@pytest.mark.parametrize(("total", "kpis", "light_touch", "warned"), [
    ("5000000.00", 0, False, False),    # £5m exactly is not over the threshold
    ("5000000.01", 2, False, True),
    ("5000000.01", 3, False, False),
    ("9000000.00", 1, True, False),     # light-touch contracts are not warned
])
def test_procurement_act_kpi_warning(total, kpis, light_touch, warned):
    contract = SimpleNamespace(total_value=D(total), is_light_touch=light_touch)
    assert bool(rules.kpi_warnings(contract, kpis)) is warned


def test_assessment_due_twelve_months_after_last_or_start():
    contract = SimpleNamespace(status="live", starts=date(2024, 4, 1))
    assert rules.assessment_due(contract, None) == date(2025, 4, 1)
    assert rules.assessment_due(contract, date(2025, 6, 30)) == date(2026, 6, 30)
    contract.status = "ended"
    assert rules.assessment_due(contract, None) is None


def test_add_months_keeps_to_the_month_end():
    assert rules.add_months(date(2025, 8, 31), 18) == date(2027, 2, 28)
    assert rules.add_months(date(2025, 1, 15), -2) == date(2024, 11, 15)


def test_expiry_window_is_a_setting(settings):
    assert rules.expiry_window_months() == 18
    settings.CONTRACTS_EXPIRY_PIPELINE_MONTHS = 6
    assert rules.expiry_window_months() == 6
