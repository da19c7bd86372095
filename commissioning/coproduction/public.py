"""What the public sees of a local area, without signing in.

Nothing private: intentions at individual level (joint packages) and drafts never appear;
values flagged sensitive are left out; only comments whose authors agreed to public view,
never hidden or withdrawn ones, shown as "a parent carer" unless the author chose their
name; only published responses.
"""
from django.apps import apps
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404

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
    return Comment.objects.filter(show_publicly=True).exclude(
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
    """Published board reports, when the governance app records them (else None)."""
    model = _model("governance", "BoardReport")
    if model is None:
        return None
    fields = {f.name for f in model._meta.get_fields()}
    qs = model.objects.all()
    if "board" in fields:
        qs = qs.filter(board__local_area=area).select_related("board")
    elif "local_area" in fields:
        qs = qs.filter(local_area=area)
    else:
        return None
    if "status" in fields:
        qs = qs.filter(status="published")
    elif "published_at" in fields:
        qs = qs.filter(published_at__isnull=False)
    else:
        return None
    return list(qs[:50])


def pooled_budget_headline(area) -> dict | None:
    """Total pooled contributions of the area's agreements, when the budgets app has them."""
    from django.db.models import Sum

    model = _model("budgets", "Contribution")
    if model is None:
        return None
    fields = {f.name for f in model._meta.get_fields()}
    if not {"amount", "agreement"} <= fields:
        return None
    agreement_fields = {f.name for f in model._meta.get_field("agreement").related_model
                        ._meta.get_fields()}
    if "local_area" not in agreement_fields:
        return None
    year_field = next((f for f in ("financial_year", "year") if f in fields), None)
    qs = model.objects.filter(agreement__local_area=area)
    if year_field is None:
        return None
    latest = qs.order_by(f"-{year_field}").values_list(year_field, flat=True).first()
    if latest is None:
        return None
    total = qs.filter(**{year_field: latest}).aggregate(total=Sum("amount"))["total"]
    agreements = qs.filter(**{year_field: latest}).values("agreement").distinct().count()
    return {"year": latest, "total": total, "agreements": agreements}
