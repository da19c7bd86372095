"""Board report section: co-production "you said, we did" counts for the quarter.

Aggregates only (no comment or answer text, no names). A constant six queries whatever the
size: four for the counts, and two for the per-question summary when consultations closed in
the quarter.
"""
from datetime import date

from django.db.models import Count, Q, QuerySet

from commissioning.models import Intention
from portal.dates import long_date

from .models import Comment, CommentStatus, Consultation, Milestone, Outcome, ResponseStatus

TITLE = "Co-production: you said, we did"
ORDER = 60
TEMPLATE = "coproduction/report_section.html"
QUARTER_START_MONTH = {1: 4, 2: 7, 3: 10, 4: 1}


def quarter_dates(year: str, quarter: int) -> tuple[date, date]:
    """("2025-26", 1) -> 1 April 2025 .. 30 June 2025; Q4 falls in the second year."""
    first_year = int(year[:4])
    month = QUARTER_START_MONTH[quarter]
    start_year = first_year + (1 if quarter == 4 else 0)
    start = date(start_year, month, 1)
    end_month = month + 3
    end = date(start_year + (end_month > 12), (end_month - 1) % 12 + 1, 1)
    return start, end  # end is exclusive


def section(*, board, year: str, quarter: int, agencies) -> dict | None:
    start, end = quarter_dates(year, quarter)
    if isinstance(agencies, QuerySet):
        agency_ids = agencies.values("pk")  # a subquery: no query of its own
    else:
        agency_ids = [a.pk if hasattr(a, "pk") else a for a in agencies]
    intentions = Intention.objects.filter(
        Q(lead_agency_id__in=agency_ids) | Q(partner_agencies__in=agency_ids)).values("pk")
    consultations = Consultation.objects.filter(intention__in=intentions).aggregate(
        closed=Count("pk", filter=Q(closes__gte=start, closes__lt=end)),
        opened=Count("pk", filter=Q(opens__gte=start, opens__lt=end)))
    visible = ~Q(status__in=[CommentStatus.HIDDEN, CommentStatus.WITHDRAWN])
    comments = Comment.objects.filter(intention__in=intentions).aggregate(
        received=Count("pk", filter=Q(created_at__date__gte=start, created_at__date__lt=end)
                       & visible),
        awaiting=Count("pk", filter=Q(status=CommentStatus.OPEN, created_at__date__lt=end,
                                      approved_at__isnull=False)),
        hidden=Count("pk", filter=Q(hidden_at__date__gte=start, hidden_at__date__lt=end)),
    )
    in_quarter = Q(response__status=ResponseStatus.PUBLISHED,
                   response__published_at__date__gte=start, response__published_at__date__lt=end)
    by_outcome = dict(Comment.objects.filter(in_quarter, intention__in=intentions)
                      .values_list("response__outcome").annotate(n=Count("pk")))
    milestones = Milestone.objects.filter(intention__in=intentions, achieved_on__gte=start,
                                          achieved_on__lt=end).count()
    outcomes = [{"label": o.label, "count": by_outcome.get(o.value, 0)} for o in Outcome]
    answered = sum(by_outcome.values())
    questions = _question_summaries(intentions, start, end) if consultations["closed"] else []
    if not any([consultations["closed"], consultations["opened"], comments["received"],
                comments["awaiting"], answered, milestones, questions]):
        return None
    return {
        "year": year, "quarter": quarter,
        "period": f"{long_date(start)} to {long_date(date.fromordinal(end.toordinal() - 1))}",
        "consultations_opened": consultations["opened"],
        "consultations_closed": consultations["closed"],
        "comments_received": comments["received"],
        "comments_awaiting": comments["awaiting"],
        "comments_hidden": comments["hidden"],
        "responses_published": answered,
        "outcomes": outcomes,
        "changed_plan": by_outcome.get(Outcome.CHANGED.value, 0),
        "milestones_achieved": milestones,
        "question_summaries": questions,
        "figures": [
            {"label": "Comments received", "value": comments["received"]},
            {"label": "Responses published", "value": answered},
            {"label": "Responses that changed the plan",
             "value": by_outcome.get(Outcome.CHANGED.value, 0)},
            {"label": "Comments awaiting a response", "value": comments["awaiting"]},
            {"label": "Delivery milestones achieved", "value": milestones},
        ],
    }


def _question_summaries(intentions, start, end) -> list[dict]:
    """Consultations that closed in the quarter, each with its questions: how many
    answered, and counts per option or scale point (no written answers). Two queries."""
    from .models import Question
    from .selectors import counted_answers, summarise

    questions = list(Question.objects.filter(
        consultation__intention__in=intentions, consultation__closes__gte=start,
        consultation__closes__lt=end).select_related("consultation").order_by(
        "consultation__closes", "consultation_id", "position", "id"))
    if not questions:
        return []
    answers = counted_answers().filter(question__in=[q.pk for q in questions]).only(
        "question_id", "text", "choices", "scale")
    rows = summarise(questions, answers)
    result = {}
    for row in rows:
        consultation = row["question"].consultation
        entry = result.setdefault(consultation.pk, {"title": consultation.title,
                                                    "closes": consultation.closes,
                                                    "questions": []})
        entry["questions"].append({"text": row["question"].text, "answered": row["answered"],
                                   "counts": row["counts"], "average": row["average"],
                                   "we_did": row["question"].we_did})
    return list(result.values())
