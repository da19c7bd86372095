"""The cycle's section of the quarterly board report (see the report protocol).

The area's current strategy (its vision, principles, the outcomes children, young people
and families said they want, and its priorities); intentions in the board's scope (led,
jointly led or partnered by one of `agencies`, or by an agency one of them replaced) by
stage, with the stage moves made in the quarter; the decisions the board is asked for
(board referrals awaiting it) and the gates still waiting for partners' sign-off; and the
action plan by RAG status. Aggregates only; eleven queries whatever the data size.
"""
from datetime import datetime, time

from django.db.models import Case, Count, IntegerField, Prefetch, Q, Sum, When
from django.utils import timezone

from agencies.models import Stage
from agencies.selectors import current_holders, formerly_ids

from .models import (
    Action,
    GateStatus,
    Intention,
    IntentionStatus,
    Principle,
    Priority,
    Rag,
    ReferralStatus,
    StageGate,
    Strategy,
    StrategyOutcome,
    StrategyStatus,
)
from .selectors import involving


def _named(agency, holders) -> str:
    """The body holding the agency's records now, "formerly" the one named on the record."""
    holder = holders.get(agency.pk)
    return f"{holder.name} (formerly {agency.name})" if holder else agency.name

TITLE = "Commissioning cycle"
ORDER = 20
TEMPLATE = "commissioning/report_section.html"
CHART_WIDTH = 480
LIVE = (IntentionStatus.DRAFT, IntentionStatus.ACTIVE, IntentionStatus.ON_HOLD)


def _quarter(year: str, quarter: int):
    start_year = int(year[:4])
    if quarter not in (1, 2, 3, 4) or len(year) != 7 or year[4] != "-":
        raise ValueError("year is like 2025-26 and quarter is 1 to 4")
    month = 4 + 3 * (quarter - 1)
    first = datetime(start_year + (month - 1) // 12, (month - 1) % 12 + 1, 1)
    nxt = datetime(first.year + (first.month + 2) // 12, (first.month + 2) % 12 + 1, 1)
    tz = timezone.get_current_timezone()
    return (timezone.make_aware(datetime.combine(first, time.min), tz),
            timezone.make_aware(datetime.combine(nxt, time.min), tz))


def strategy_of(area_id):
    """The area's current strategy with its words, or None (four queries): the newest
    published one, else the newest."""
    return Strategy.objects.filter(local_area_id=area_id).annotate(
        published=Case(When(status=StrategyStatus.PUBLISHED, then=1), default=0,
                        output_field=IntegerField())).prefetch_related(
        Prefetch("principles", queryset=Principle.objects.order_by("position")),
        Prefetch("outcomes", queryset=StrategyOutcome.objects.order_by("position")),
        Prefetch("priorities", queryset=Priority.objects.order_by("number")),
    ).order_by("-published", "-period", "-pk").first()


def _strategy(area_id) -> dict | None:
    strategy = strategy_of(area_id)
    if strategy is None:
        return None
    return {"title": strategy.title, "period": strategy.period, "vision": strategy.vision,
            "principles": [p.text for p in strategy.principles.all()],
            "outcomes": [o.text for o in strategy.outcomes.all()],
            "priorities": [{"number": p.number, "title": p.title}
                           for p in strategy.priorities.all()]}


def section(*, board, year: str, quarter: int, agencies) -> dict | None:
    agency_ids = [getattr(a, "pk", a) for a in agencies]
    start, end = _quarter(year, quarter)
    holders = current_holders(board.local_area_id)
    # what the agencies in scope hold now: their own, and that of agencies they replaced
    held = set(agency_ids) | formerly_ids(holders, agency_ids)
    scope = Intention.objects.filter(local_area_id=board.local_area_id).filter(
        involving(held, holders))
    stages = list(Stage.objects.filter(local_area_id=board.local_area_id).order_by("position"))
    by_stage = {row["current_stage"]: row for row in scope.filter(status__in=LIVE).values(
        "current_stage").annotate(
        n=Count("id"),
        value=Sum("estimated_annual_value", filter=Q(value_is_sensitive=False)))}
    moved = dict(StageGate.objects.filter(
        intention__in=scope, status=GateStatus.ADVANCED, closed_at__gte=start,
        closed_at__lt=end).values("to_stage").annotate(n=Count("id")).values_list(
        "to_stage", "n"))
    referrals = list(board.referrals.filter(status=ReferralStatus.AWAITING).select_related(
        "agency", "gate__intention", "gate__from_stage", "gate__to_stage").order_by(
        "referred_at"))
    waiting = StageGate.objects.filter(intention__in=scope, status=GateStatus.OPEN).count()
    rag = {value: 0 for value in Rag.values}
    for row in Action.objects.filter(plan__local_area_id=board.local_area_id,
                                     owner_agency_id__in=held).values("rag").annotate(
            n=Count("id")):
        rag[row["rag"]] = row["n"]
    rows = [{"stage": s.name, "count": by_stage.get(s.pk, {}).get("n", 0),
             "value": by_stage.get(s.pk, {}).get("value") or 0,
             "moved_in": moved.get(s.pk, 0)} for s in stages]
    strategy = _strategy(board.local_area_id)
    if not any(r["count"] for r in rows) and not referrals and not any(rag.values()) \
            and strategy is None:
        return None
    most = max((r["count"] for r in rows), default=0) or 1
    for i, row in enumerate(rows):
        row["y"] = 30 + i * 34
        row["width"] = round(row["count"] / most * (CHART_WIDTH - 200))
    return {
        "year": year, "quarter": quarter, "stages": rows,
        "total": sum(r["count"] for r in rows),
        "moves": sum(moved.values()),
        "chart_height": 40 + 34 * len(rows), "chart_width": CHART_WIDTH,
        "strategy": strategy,
        "referrals": [{"reference": r.gate.intention.reference, "title": r.gate.intention.title,
                       "agency": _named(r.agency, holders),
                       "move": f"{r.gate.from_stage} to {r.gate.to_stage}",
                       "referred_on": r.referred_at.date(), "reason": r.reason}
                      for r in referrals],
        "gates_waiting": waiting,
        "rag": [{"label": Rag(value).label, "count": count} for value, count in rag.items()],
    }
