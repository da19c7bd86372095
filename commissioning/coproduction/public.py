"""What the public sees of a local area, without signing in.

Nothing private: intentions at individual level (joint packages) and drafts never appear;
values flagged sensitive are left out; only comments whose authors agreed to public view,
never hidden or withdrawn ones nor those waiting for a moderator, shown as "a parent
carer" unless the author chose their
name; only published responses.
"""
from django.apps import apps
from django.core.exceptions import FieldError
from django.db.models import Count, Prefetch, Q, Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone

from agencies.models import LocalArea
from commissioning.models import Intention, IntentionStatus, Level

from .models import Comment, CommentStatus, Consultation, Milestone, ResponseStatus

LICENCE = {
    "name": "Open Government Licence v3.0",
    "url": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
}
YOU_SAID_WE_DID_FIELDS = (
    "intention_reference", "intention_title", "stage", "consultation", "comment_id",
    "comment_by", "comment_date", "you_said", "in_reply_to", "outcome", "we_did", "reason",
    "what_changed", "answered_by", "answered_on", "milestones")
INTENTION_FIELDS = (
    "reference", "title", "summary", "thematic_area", "level", "stage", "status",
    "lead_agency", "partner_agencies", "estimated_annual_value", "value_published", "starts",
    "ends", "open_for_comment", "consultations")
PUBLIC_STATUSES = [IntentionStatus.ACTIVE, IntentionStatus.ON_HOLD, IntentionStatus.COMPLETED]


def area_get(slug) -> LocalArea:
    return get_object_or_404(LocalArea, slug=slug)


def public_intentions_filter() -> Q:
    return ~Q(level=Level.INDIVIDUAL) & (Q(published_for_consultation=True)
                                         | Q(status__in=PUBLIC_STATUSES))


def public_intentions(area):
    return Intention.objects.filter(public_intentions_filter(), local_area=area).select_related(
        "current_stage", "lead_agency").prefetch_related("partner_agencies").annotate(
        consultation_count=Count("consultations", distinct=True)).order_by("reference")


def public_comments():
    return Comment.objects.filter(show_publicly=True, approved_at__isnull=False).exclude(
        status__in=[CommentStatus.HIDDEN, CommentStatus.WITHDRAWN])


def you_said_we_did(area) -> list[Intention]:
    """Consulted intentions, each with its consultations, public comments (and published
    responses) and milestones. Four queries whatever the size."""
    comments = public_comments().select_related(
        "author", "consultation", "response__agency").order_by("created_at", "id")
    consulted = Q(consultations__isnull=False) | Q(comments__in=public_comments())
    intentions = Intention.objects.filter(
        public_intentions_filter(), consulted, local_area=area,
    ).distinct().select_related("current_stage", "lead_agency").prefetch_related(
        Prefetch("consultations", queryset=Consultation.objects.order_by("opens")),
        Prefetch("comments", queryset=comments, to_attr="public_comments"),
        Prefetch("milestones", queryset=Milestone.objects.all(), to_attr="milestone_list"),
    ).order_by("reference")
    result = list(intentions)
    for intention in result:
        for comment in intention.public_comments:
            response = getattr(comment, "response", None)
            comment.public_response = response if response is not None and \
                response.status == ResponseStatus.PUBLISHED else None
        intention.milestone_list.sort(key=lambda m: m.position)
    return result


def you_said_we_did_rows(area) -> list[dict]:
    """One row per public comment: for the JSON and CSV open data."""
    rows = []
    for intention in you_said_we_did(area):
        for comment in intention.public_comments:
            response = comment.public_response
            rows.append({
                "intention_reference": intention.reference,
                "intention_title": intention.title,
                "stage": intention.current_stage.name,
                "consultation": comment.consultation.title if comment.consultation_id else "",
                "comment_id": comment.pk,
                "comment_by": comment.attribution,
                "comment_date": comment.created_at.date().isoformat(),
                "you_said": comment.body,
                "in_reply_to": comment.in_reply_to_id,
                "outcome": response.get_outcome_display() if response else "Awaiting a response",
                "we_did": response.body if response else "",
                "reason": response.reason if response else "",
                "what_changed": response.what_changed if response else "",
                "answered_by": response.agency.name if response else "",
                "answered_on": response.published_at.date().isoformat() if response else "",
                "milestones": "; ".join(_milestone_text(m) for m in intention.milestone_list),
            })
    return rows


def _milestone_text(milestone):
    if milestone.achieved_on:
        when = f"achieved {milestone.achieved_on.isoformat()}"
    elif milestone.planned_on:
        when = f"planned {milestone.planned_on.isoformat()}"
    else:
        when = "date to be set"
    return f"{milestone.get_kind_display()}: {when}"


def intention_rows(area) -> list[dict]:
    rows = []
    for intention in public_intentions(area):
        value = None if intention.value_is_sensitive else intention.estimated_annual_value
        rows.append({
            "reference": intention.reference,
            "title": intention.title,
            "summary": intention.summary,
            "thematic_area": intention.thematic_area,
            "level": intention.get_level_display(),
            "stage": intention.current_stage.name,
            "status": intention.get_status_display(),
            "lead_agency": intention.lead_agency.name,
            "partner_agencies": "; ".join(sorted(a.name for a in intention.partner_agencies.all())),
            "estimated_annual_value": f"{value:.2f}" if value is not None else "",
            "value_published": value is not None,
            "starts": intention.starts.isoformat() if intention.starts else "",
            "ends": intention.ends.isoformat() if intention.ends else "",
            "open_for_comment": intention.published_for_consultation,
            "consultations": intention.consultation_count,
        })
    return rows


def _model(label, name):
    try:
        return apps.get_model(label, name)
    except LookupError:
        return None


def published_board_reports(area) -> list | None:
    """Published quarterly board reports (titles and dates only), when governance has them."""
    model = _model("governance", "BoardReport")
    if model is None:
        return None
    try:
        qs = model.objects.filter(board__local_area=area, status="published")
        return list(qs.select_related("board").order_by("-published_at")[:40])
    except FieldError:
        return None


def current_financial_year(today=None) -> str:
    today = today or timezone.localdate()
    first = today.year if today.month >= 4 else today.year - 1
    return f"{first}-{str(first + 1)[2:]}"


def pooled_budget_headline(area) -> dict | None:
    """The area's pooled section 75 contributions for the current financial year (or the
    latest year recorded), when the budgets app has them. Aggregates only."""
    model = _model("budgets", "Contribution")
    if model is None:
        return None
    try:
        qs = model.objects.filter(schedule__agreement__local_area=area,
                                  schedule__budget_type="pooled")
        years = set(qs.order_by().values_list("year", flat=True).distinct())
        if not years:
            return None
        year = current_financial_year()
        year = year if year in years else max(years)
        totals = qs.filter(year=year).aggregate(
            total=Sum("amount"), agreements=Count("schedule__agreement", distinct=True))
    except FieldError:
        return None
    return {"year": year, "total": totals["total"], "agreements": totals["agreements"]}


# --- consultations open to the public (issue 16) ---------------------------------------
def public_consultations_qs(area):
    """Consultations aimed at the public on intentions the public may see."""
    return Consultation.objects.filter(
        intention__in=Intention.objects.filter(public_intentions_filter(), local_area=area),
        audiences__contains=["public"]) if _json_contains() else \
        Consultation.objects.filter(
            intention__in=Intention.objects.filter(public_intentions_filter(),
                                                   local_area=area),
            audiences__icontains='"public"')


def _json_contains() -> bool:
    from django.db import connection

    return connection.features.supports_json_field_contains


def public_consultations(area, *, theme="", search="", today=None) -> dict:
    """Open consultations first, closing soonest first; then upcoming; then closed, most
    recent first. Filtered by theme (the intention's thematic area) and words in the title
    or description. One query."""
    today = today or timezone.localdate()
    qs = public_consultations_qs(area).select_related("intention")
    if theme:
        qs = qs.filter(intention__thematic_area=theme)
    for word in (search or "").split()[:8]:
        qs = qs.filter(Q(title__icontains=word) | Q(description__icontains=word)
                       | Q(intention__title__icontains=word))
    found = list(qs.order_by("closes", "title", "id"))
    open_ = [c for c in found if c.opens <= today <= c.closes]
    upcoming = sorted((c for c in found if c.opens > today), key=lambda c: (c.opens, c.pk))
    closed = sorted((c for c in found if c.closes < today), key=lambda c: (-c.closes.toordinal(),
                                                                           c.pk))
    return {"open": open_, "upcoming": upcoming, "closed": closed, "count": len(found)}


def public_themes(area) -> list[str]:
    return sorted(set(public_consultations_qs(area).values_list(
        "intention__thematic_area", flat=True)) - {""})


def public_consultation_get(area, pk) -> Consultation:
    return get_object_or_404(public_consultations_qs(area).select_related(
        "intention__lead_agency", "intention__current_stage"), pk=pk)


def we_asked_you_said_we_did(consultation) -> dict:
    """Per question: what we asked, what people said (counts; written answers only from
    people who agreed to show them, grouped), what we did; and the decision it led to."""
    from .models import MilestoneKind, Question
    from .selectors import counted_answers, summarise

    questions = list(Question.objects.filter(consultation=consultation).order_by(
        "position", "id"))
    answers = list(counted_answers().filter(question__consultation=consultation).values(
        "question_id", "text", "choices", "scale", "submission__show_publicly"))
    rows = summarise(questions, [_Row(a) for a in answers])
    shown = summarise(questions, [_Row(a) for a in answers if a["submission__show_publicly"]])
    for row, public_row in zip(rows, shown, strict=True):
        row["groups"] = public_row["groups"]
    decision = Milestone.objects.filter(intention_id=consultation.intention_id,
                                        kind=MilestoneKind.DECISION).first()
    return {"questions": rows, "decision": decision}


class _Row:
    def __init__(self, values):
        self.question_id = values["question_id"]
        self.text, self.choices, self.scale = values["text"], values["choices"], values["scale"]
