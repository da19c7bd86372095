from datetime import date

import pytest

from governance import quarters


@pytest.mark.parametrize(("year", "quarter", "start", "end"), [
    ("2025-26", 1, date(2025, 4, 1), date(2025, 6, 30)),
    ("2025-26", 2, date(2025, 7, 1), date(2025, 9, 30)),
    ("2025-26", 3, date(2025, 10, 1), date(2025, 12, 31)),
    ("2025-26", 4, date(2026, 1, 1), date(2026, 3, 31)),
    ("2099-00", 4, date(2100, 1, 1), date(2100, 3, 31)),
])
def test_quarter_bounds(year, quarter, start, end):
    assert quarters.quarter_bounds(year, quarter) == (start, end)
    assert quarters.quarter_of(start) == (year, quarter)
    assert quarters.quarter_of(end) == (year, quarter)


@pytest.mark.parametrize("bad", ["2025", "2025-27", "25-26", "", "2025-2026"])
def test_malformed_years_are_refused(bad):
    with pytest.raises(ValueError):
        quarters.parse_year(bad)


def test_previous_quarter_wraps_the_year():
    assert quarters.previous_quarter("2025-26", 1) == ("2024-25", 4)
    assert quarters.previous_quarter("2025-26", 3) == ("2025-26", 2)
    assert quarters.last_ended_quarter(date(2025, 10, 2)) == ("2025-26", 2)


def test_working_days_skip_weekends_and_holidays(settings):
    # 30 September 2025 is a Tuesday; five working days later is Tuesday 7 October.
    assert quarters.working_days_after(date(2025, 9, 30), 5) == date(2025, 10, 7)
    settings.GOVERNANCE_HOLIDAYS = ["2025-10-01"]
    assert quarters.working_days_after(date(2025, 9, 30), 5) == date(2025, 10, 8)
    # 31 December 2025 (Wednesday): New Year's Day as a holiday, then the weekend.
    settings.GOVERNANCE_HOLIDAYS = ["2026-01-01"]
    assert quarters.working_days_after(date(2025, 12, 31), 2) == date(2026, 1, 5)
