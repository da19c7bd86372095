"""English public-sector financial years and quarters.

A financial year runs 1 April to 31 March and is written `2025-26`. Quarters: Q1 Apr-Jun,
Q2 Jul-Sep, Q3 Oct-Dec, Q4 Jan-Mar. Years are passed around as their written form; the
helpers here are the only place that turns them into dates.
"""
import re
from datetime import date, timedelta

YEAR_PATTERN = re.compile(r"^(\d{4})-(\d{2})$")
QUARTERS = (1, 2, 3, 4)
FIRST_MONTH = 4  # April
# Financial years the portal accepts (issue 14: `9999-00` and `0000-01` ran off the calendar).
MIN_YEAR, MAX_YEAR = 1900, 2999


def parse_year(year: str) -> int:
    """The calendar year the financial year starts in: `parse_year("2025-26") == 2025`.

    Raises ValueError for anything that is not a well-formed financial year.
    """
    match = YEAR_PATTERN.match(str(year).strip()) if year is not None else None
    if not match:
        raise ValueError(f"{year!r} is not a financial year; write it like 2025-26.")
    start, end = int(match.group(1)), int(match.group(2))
    if not MIN_YEAR <= start <= MAX_YEAR:
        raise ValueError(f"{year!r} is not a financial year the portal covers "
                         f"({format_year(MIN_YEAR)} to {format_year(MAX_YEAR)}).")
    if (start + 1) % 100 != end:
        raise ValueError(f"{year!r} is not a financial year: {end:02d} must follow {start}.")
    return start


def format_year(start: int) -> str:
    """`format_year(2025) == "2025-26"`."""
    return f"{start}-{(start + 1) % 100:02d}"


def is_year(year) -> bool:
    try:
        parse_year(year)
    except ValueError:
        return False
    return True


def _check_quarter(quarter) -> int:
    if quarter not in QUARTERS:
        raise ValueError(f"{quarter!r} is not a quarter; use 1, 2, 3 or 4.")
    return quarter


def year_dates(year: str) -> tuple[date, date]:
    start = parse_year(year)
    return date(start, FIRST_MONTH, 1), date(start + 1, FIRST_MONTH, 1) - timedelta(days=1)


def quarter_dates(year: str, quarter: int) -> tuple[date, date]:
    """First and last day of a quarter: Q1 of 2025-26 is 1 April to 30 June 2025."""
    start_year = parse_year(year)
    _check_quarter(quarter)
    first_month = FIRST_MONTH + 3 * (quarter - 1)  # 4, 7, 10, 13
    first = _month_start(start_year, first_month)
    after = _month_start(start_year, first_month + 3)
    return first, after - timedelta(days=1)


def _month_start(start_year: int, month_from_january: int) -> date:
    """Month numbers past 12 roll into the next calendar year."""
    extra, month = divmod(month_from_january - 1, 12)
    return date(start_year + extra, month + 1, 1)


def year_of(day: date) -> str:
    """The financial year a date falls in: 31 March 2026 is in 2025-26."""
    return format_year(day.year if day.month >= FIRST_MONTH else day.year - 1)


def quarter_of(day: date) -> int:
    """The quarter of its financial year a date falls in (1-4)."""
    return (day.month - FIRST_MONTH) % 12 // 3 + 1


def previous_quarter(year: str, quarter: int) -> tuple[str, int]:
    """`previous_quarter("2025-26", 1) == ("2024-25", 4)`."""
    start = parse_year(year)
    _check_quarter(quarter)
    if quarter == 1:
        return format_year(start - 1), 4
    return year, quarter - 1


def next_quarter(year: str, quarter: int) -> tuple[str, int]:
    start = parse_year(year)
    _check_quarter(quarter)
    if quarter == 4:
        return format_year(start + 1), 1
    return year, quarter + 1


def month_starts(year: str, quarter: int = 4) -> list[date]:
    """The first day of each month of the year, up to the end of `quarter`."""
    start_year = parse_year(year)
    _check_quarter(quarter)
    return [_month_start(start_year, FIRST_MONTH + i) for i in range(3 * quarter)]


def latest_ended_quarter(today: date) -> tuple[str, int]:
    """The most recent quarter that has fully ended on `today`."""
    return previous_quarter(year_of(today), quarter_of(today))


def label(year: str, quarter: int) -> str:
    """`"Q2 2025-26 (July to September 2025)"`."""
    first, last = quarter_dates(year, quarter)
    return f"Q{quarter} {year} ({first:%B} to {last:%B %Y})"
