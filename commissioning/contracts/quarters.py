"""Quarter arithmetic for KPI returns, on top of the shared `portal.periods`."""
from portal.periods import latest_ended_quarter as last_ended
from portal.periods import parse_year, quarter_dates
from portal.periods import previous_quarter as previous

__all__ = ["last_ended", "parse_year", "previous", "quarter_dates", "recent"]


def recent(year: str, quarter: int, count: int) -> list[tuple[str, int]]:
    """`count` quarters ending with (year, quarter), oldest first."""
    out = [(year, quarter)]
    while len(out) < count:
        out.append(previous(*out[-1]))
    return list(reversed(out))
