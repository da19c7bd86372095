"""Financial-year quarter arithmetic for KPI returns (a private minimal helper: the shared
`portal.periods` module was not there when this app was written).

Years are written "2025-26" and run 1 April to 31 March; Q1 is April-June, Q4 January-March.
"""
import re
from datetime import date, timedelta

_YEAR = re.compile(r"^(\d{4})-(\d{2})$")


def parse_year(text: str) -> int:
    """The calendar year a financial year starts in: "2025-26" -> 2025; ValueError if bad."""
    match = _YEAR.match(str(text or "").strip())
    if not match:
        raise ValueError(f"{text!r} is not a financial year like 2025-26")
    start = int(match.group(1))
    if int(match.group(2)) != (start + 1) % 100:
        raise ValueError(f"{text!r} is not a financial year: the second part must follow the first")
    return start


def format_year(start: int) -> str:
    return f"{start}-{(start + 1) % 100:02d}"


def quarter_dates(year: str, quarter: int) -> tuple[date, date]:
    start_year = parse_year(year)
    if quarter not in (1, 2, 3, 4):
        raise ValueError("A quarter is 1, 2, 3 or 4")
    month = 4 + 3 * (quarter - 1)
    first = date(start_year + (month - 1) // 12, (month - 1) % 12 + 1, 1)
    next_month = month + 3
    after = date(start_year + (next_month - 1) // 12, (next_month - 1) % 12 + 1, 1)
    return first, after - timedelta(days=1)


def year_of(day: date) -> str:
    return format_year(day.year if day.month >= 4 else day.year - 1)


def quarter_of(day: date) -> int:
    return (day.month - 4) % 12 // 3 + 1


def previous(year: str, quarter: int) -> tuple[str, int]:
    if quarter > 1:
        return year, quarter - 1
    return format_year(parse_year(year) - 1), 4


def last_ended(today: date) -> tuple[str, int]:
    """The most recent quarter that has ended by `today`."""
    return previous(year_of(today), quarter_of(today))


def recent(year: str, quarter: int, count: int) -> list[tuple[str, int]]:
    """`count` quarters ending with (year, quarter), oldest first."""
    out = [(year, quarter)]
    while len(out) < count:
        out.append(previous(*out[-1]))
    return list(reversed(out))
