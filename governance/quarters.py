"""Financial years (`2025-26`, 1 April - 31 March) and their quarters, and working days."""
import re
from datetime import date, timedelta

from django.conf import settings

YEAR = re.compile(r"^(\d{4})-(\d{2})$")


def parse_year(year: str) -> int:
    """The calendar year a financial year starts in; raises ValueError when malformed."""
    match = YEAR.match(year or "")
    if not match or (int(match.group(1)) + 1) % 100 != int(match.group(2)):
        raise ValueError(f"{year!r} is not a financial year like 2025-26")
    return int(match.group(1))


def year_label(start_year: int) -> str:
    return f"{start_year}-{(start_year + 1) % 100:02d}"


def quarter_bounds(year: str, quarter: int) -> tuple[date, date]:
    """First and last day of quarter 1-4 (Q1 April-June ... Q4 January-March)."""
    if quarter not in (1, 2, 3, 4):
        raise ValueError("The quarter is 1, 2, 3 or 4.")
    start_year = parse_year(year)
    month = 4 + 3 * (quarter - 1)
    start = date(start_year + (month - 1) // 12, (month - 1) % 12 + 1, 1)
    following = date(start.year + (start.month + 2) // 12, (start.month + 2) % 12 + 1, 1)
    return start, following - timedelta(days=1)


def quarter_of(day: date) -> tuple[str, int]:
    start_year = day.year if day.month >= 4 else day.year - 1
    return year_label(start_year), (day.month - 4) % 12 // 3 + 1


def previous_quarter(year: str, quarter: int) -> tuple[str, int]:
    if quarter > 1:
        return year, quarter - 1
    return year_label(parse_year(year) - 1), 4


def last_ended_quarter(today: date) -> tuple[str, int]:
    return previous_quarter(*quarter_of(today))


def working_days_after(day: date, count: int) -> date:
    """The `count`th working day after `day` (Monday-Friday, less GOVERNANCE_HOLIDAYS)."""
    holidays = {date.fromisoformat(d) for d in getattr(settings, "GOVERNANCE_HOLIDAYS", [])}
    current, found = day, 0
    while found < count:
        current += timedelta(days=1)
        if current.weekday() < 5 and current not in holidays:
            found += 1
    return current


def label(year: str, quarter: int) -> str:
    start, end = quarter_bounds(year, quarter)
    return f"Quarter {quarter} {year} ({start:%B} to {end:%B %Y})"
