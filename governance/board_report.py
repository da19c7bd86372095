"""Governance's own section of the quarterly board report: meetings and decisions."""
from django.db.models import Count

from . import quarters
from .models import Decision, Meeting, MeetingStatus, Outcome

TITLE = "Board business this quarter"
ORDER = 70
TEMPLATE = "governance/reports/section.html"
CHART_WIDTH = 480


def section(*, board, year: str, quarter: int, agencies) -> dict | None:
    """Meetings held and decisions made by the board in the quarter (two queries)."""
    start, end = quarters.quarter_bounds(year, quarter)
    meetings = list(Meeting.objects.filter(board=board, date__range=(start, end))
                    .annotate(items=Count("agenda")).order_by("date"))
    decisions = list(Decision.objects.filter(
        agenda_item__meeting__board=board, agenda_item__meeting__date__range=(start, end))
        .select_related("agenda_item__meeting").order_by(
            "agenda_item__meeting__date", "agenda_item__position"))
    counts = {value: 0 for value in Outcome.values}
    for decision in decisions:
        counts[decision.outcome] += 1
    most = max(counts.values(), default=0) or 1
    bars = [{"label": Outcome(value).label, "count": count, "y": 30 + i * 34,
             "width": round(count / most * (CHART_WIDTH - 200))}
            for i, (value, count) in enumerate(counts.items())]
    return {
        "meetings_held": sum(1 for m in meetings if m.status == MeetingStatus.HELD),
        "decisions_made": len(decisions),
        "decisions_approved": counts[Outcome.APPROVED],
        "meetings": [{"date": m.date, "status": m.get_status_display(), "items": m.items,
                      "where": "Online" if m.online else m.location} for m in meetings],
        "decisions": [{"date": d.agenda_item.meeting.date, "item": d.agenda_item.title,
                       "outcome": d.get_outcome_display(), "method": d.get_method_display(),
                       "reason": d.reason} for d in decisions],
        "chart": {"bars": bars, "height": 40 + len(bars) * 34, "width": CHART_WIDTH},
    }
