"""A board's meeting schedule: its frequency, and the meetings of a financial year made
from it in one go (dates that already have a meeting are left as they are)."""
import calendar
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction

from portal import periods
from portal.errors import ApplicationError

from .. import permissions
from ..models import Board, Meeting, MeetingFrequency, MeetingStatus
from .common import require, save

# Months between meetings for each frequency.
INTERVAL = {MeetingFrequency.MONTHLY: 1, MeetingFrequency.BIMONTHLY: 2,
            MeetingFrequency.QUARTERLY: 3, MeetingFrequency.TWICE_YEARLY: 6}
LAST = -1  # "the last <weekday> of the month"


@dataclass
class Schedule:
    """What a schedule run made: the meetings added and the dates skipped (already met)."""

    created: list = field(default_factory=list)
    skipped: list = field(default_factory=list)


def nth_weekday(year: int, month: int, weekday: int, week: int) -> date:
    """The `week`th (1-4, or LAST) `weekday` (0 = Monday) of a month."""
    days = [d for d in calendar.Calendar().itermonthdates(year, month)
            if d.month == month and d.weekday() == weekday]
    return days[-1] if week == LAST else days[week - 1]


def schedule_dates(*, year: str, frequency, first_month: int, weekday: int,
                   week: int) -> list[date]:
    """The meeting dates of a financial year: from `first_month` (1-12, within the year),
    every INTERVAL months, on the chosen weekday of the month."""
    start, end = periods.year_dates(year)
    months = []
    cursor = date(start.year if first_month >= start.month else start.year + 1, first_month, 1)
    while cursor <= end:
        months.append(cursor)
        step = cursor.month - 1 + INTERVAL[MeetingFrequency(frequency)]
        cursor = date(cursor.year + step // 12, step % 12 + 1, 1)
    return [nth_weekday(m.year, m.month, weekday, week) for m in months]


@transaction.atomic
def meeting_schedule_generate(*, actor, board, year, frequency, first_month=4, weekday=2,
                              week=1, location="", online=False) -> Schedule:
    """Set the board's meeting frequency and add the year's scheduled meetings.

    Setting a board up is the local-area administrators' job (as for its seats). Dates on
    which the board already meets are skipped, so running it again adds nothing."""
    board = Board.objects.select_for_update().select_related("local_area").get(pk=board.pk)
    if actor is not None:
        require(permissions.can_administer_boards(actor, board.local_area))
    try:
        periods.parse_year(year)
    except ValueError as exc:
        raise ApplicationError(str(exc), errors={"year": ["Enter the financial year like "
                                                          "2026-27"]}) from exc
    if frequency not in MeetingFrequency.values:
        raise ApplicationError("Choose how often the board meets.",
                               errors={"frequency": ["Select how often the board meets"]})
    if not (1 <= int(first_month) <= 12 and 0 <= int(weekday) <= 6
            and int(week) in (1, 2, 3, 4, LAST)):
        raise ApplicationError("Choose a month, a day of the week and a week of the month.",
                               errors={"first_month": ["Select a month of the year"]})
    if not online and not (location or "").strip():
        raise ApplicationError("Say where the meetings are, or that they are online.",
                               errors={"location": ["Enter a location or choose online."]})
    if board.meeting_frequency != frequency:
        board.meeting_frequency = frequency
        save(board, actor)
    wanted = schedule_dates(year=year, frequency=frequency, first_month=int(first_month),
                            weekday=int(weekday), week=int(week))
    taken = set(Meeting.objects.filter(board=board, date__in=wanted)
                .values_list("date", flat=True))
    result = Schedule()
    for day in wanted:
        if day in taken:
            result.skipped.append(day)
            continue
        result.created.append(save(Meeting(board=board, date=day, online=online,
                                           location=(location or "").strip(),
                                           status=MeetingStatus.SCHEDULED), actor))
    return result
