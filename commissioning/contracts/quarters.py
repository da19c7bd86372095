"""Quarter arithmetic for KPI returns, on top of the shared `portal.periods`."""

from portal.periods import format_year, parse_year, quarter_dates, quarter_of, year_of
from portal.periods import latest_ended_quarter as last_ended
from portal.periods import previous_quarter as previous

__all__ = ["format_year", "parse_year", "quarter_dates", "quarter_of", "year_of", "last_ended",
           "previous", "recent", "label"]


def recent(year: str, quarter: int, count: int) -> list[tuple[str, int]]:
    """`count` quarters ending with (year, quarter), oldest first."""
    out = [(year, quarter)]
    while len(out) < count:
        out.append(previous(*out[-1]))
    return list(reversed(out))


def label(year: str, quarter: int) -> str:
    return f"Q{quarter} {year}"



