"""Financial years and quarters (portal/periods.py)."""
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal import periods


def test_parse_and_format():
    assert periods.parse_year("2025-26") == 2025
    assert periods.parse_year("1999-00") == 1999
    assert periods.format_year(2025) == "2025-26"


@pytest.mark.parametrize("bad", ["2025-27", "2025/26", "25-26", "", None, "2025-2026", "abcd-ef"])
def test_parse_refuses_bad_years(bad):
    with pytest.raises(ValueError):
        periods.parse_year(bad)


def test_quarter_dates():
    assert periods.quarter_dates("2025-26", 1) == (date(2025, 4, 1), date(2025, 6, 30))
    assert periods.quarter_dates("2025-26", 3) == (date(2025, 10, 1), date(2025, 12, 31))
    assert periods.quarter_dates("2025-26", 4) == (date(2026, 1, 1), date(2026, 3, 31))
    assert periods.year_dates("2023-24") == (date(2023, 4, 1), date(2024, 3, 31))
    with pytest.raises(ValueError):
        periods.quarter_dates("2025-26", 5)


def test_previous_and_next_quarter():
    assert periods.previous_quarter("2025-26", 1) == ("2024-25", 4)
    assert periods.previous_quarter("2025-26", 3) == ("2025-26", 2)
    assert periods.next_quarter("2025-26", 4) == ("2026-27", 1)


def test_year_and_quarter_of_boundaries():
    assert periods.year_of(date(2026, 3, 31)) == "2025-26"
    assert periods.year_of(date(2026, 4, 1)) == "2026-27"
    assert periods.quarter_of(date(2026, 3, 31)) == 4
    assert periods.quarter_of(date(2025, 4, 1)) == 1
    assert periods.latest_ended_quarter(date(2026, 11, 23)) == ("2026-27", 2)
    assert periods.label("2025-26", 2) == "Q2 2025-26 (July to September 2025)"
    assert len(periods.month_starts("2025-26")) == 12


@given(st.dates(min_value=date(1901, 1, 1), max_value=date(2998, 12, 31)))
def test_every_date_is_inside_its_quarter(day):
    year, quarter = periods.year_of(day), periods.quarter_of(day)
    first, last = periods.quarter_dates(year, quarter)
    assert first <= day <= last
    assert periods.next_quarter(*periods.previous_quarter(year, quarter)) == (year, quarter)


@pytest.mark.parametrize("year", ["9999-00", "0000-01", "1899-00", "3000-01"])
def test_years_off_the_calendar_are_refused_not_overflowed(year):
    """Issue 14: `9999-00` passed the format check and then overflowed `date` (a 500)."""
    assert not periods.is_year(year)
    with pytest.raises(ValueError, match="portal covers"):
        periods.year_dates(year)
