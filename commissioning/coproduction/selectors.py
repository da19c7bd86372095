"""Reads for co-production, already filtered to what the actor may see.

Each list is one or two queries whatever its size (select_related / prefetch_related);
threads are assembled in Python from one query of the intention's comments.
"""
from datetime import timedelta

from django.db.models import Count, Q
from django.db.models.functions import Coalesce, TruncDate
from django.shortcuts import get_object_or_404
from django.utils import timezone

from agencies import permissions as base
from commissioning.models import Intention
from portal import audit

from . import permissions
from .models import (
    MILESTONE_ORDER,
    Comment,
    CommentReport,
    CommentStatus,
    Consultation,
    Milestone,
    Outcome,
    ResponseStatus,
)

# Responses are owed within 20 working days (four weeks) of the consultation closing,
# or of the comment when it was not made in a consultation.
RESPONSE_DUE = timedelta(days=28)


def _intentions():
    return Intention.objects.select_related("local_area", "lead_agency", "current_stage") \
        .prefetch_related("partner_agencies")


def intention_get(*, actor, pk) -> Intention:
    """An intention the actor may see; missing and forbidden are the same 404."""
    return get_object_or_404(_intentions().filter(permissions.visible_intentions_filter(actor)),
                             pk=pk)


def published_intentions(*, actor, area):
    return _intentions().filter(permissions.visible_intentions_filter(actor), local_area=area,
                                published_for_consultation=True).order_by("reference")


def consultation_list(*, actor, area=None, state="", today=None):
    today = today or timezone.localdate()
    qs = Consultation.objects.select_related("intention__local_area").filter(
        intention__in=Intention.objects.filter(permissions.visible_intentions_filter(actor)),
        intention__published_for_consultation=True)
    if area is not None:
        qs = qs.filter(intention__local_area=area)
    if state == "open":
        qs = qs.filter(opens__lte=today, closes__gte=today).order_by("closes", "title")
    elif state == "upcoming":
        qs = qs.filter(opens__gt=today).order_by("opens", "title")
    elif state == "closed":
        qs = qs.filter(closes__lt=today).order_by("-closes", "title")
    return qs.annotate(comment_count=Count("comments", filter=~Q(
        comments__status__in=[CommentStatus.HIDDEN, CommentStatus.WITHDRAWN])
        & Q(comments__approved_at__isnull=False)))


def consultation_get(*, actor, pk):
    return get_object_or_404(consultation_list(actor=actor), pk=pk)


def _comment_qs():
    return Comment.objects.select_related(
        "author", "consultation", "response__agency", "response__author", "hidden_by",
        "intention__local_area", "intention__lead_agency").prefetch_related(
        "intention__partner_agencies")


def comment_get(*, actor, pk) -> Comment:
    """A comment the actor may see: not one waiting for a moderator, unless theirs or
    they moderate the area (missing and forbidden are the same 404)."""
    visible = Intention.objects.filter(permissions.visible_intentions_filter(actor))
    return get_object_or_404(_comment_qs().filter(permissions.shown_comments_filter(actor),
                                                  intention__in=visible), pk=pk)


def comment_list(*, actor, intention):
    """The intention's comments the actor may see, in posting order (the caller has
    checked the intention): hidden and withdrawn ones are listed without their text; one
    waiting for a moderator only for its author and the moderators."""
    return _comment_qs().filter(permissions.shown_comments_filter(actor),
                                intention=intention).order_by("created_at", "id")


def reply_targets(*, intention):
    """The intention's comments shown to everyone (let through, neither hidden nor
    withdrawn): the only ones that may be replied to."""
    return _comment_qs().filter(intention=intention, approved_at__isnull=False).exclude(
        status__in=[CommentStatus.HIDDEN, CommentStatus.WITHDRAWN])


def reply_target(*, actor, intention, pk) -> Comment:
    """A comment the actor may reply to; anything else is a 404, so the text of a hidden,
    withdrawn or waiting comment never reaches the reply form. (The caller has checked
    the actor may see the intention.)"""
    return get_object_or_404(reply_targets(intention=intention), pk=pk)


def pending_comments(*, actor, area):
    """Comments waiting for a moderator in an area the actor moderates, oldest first."""
    if not permissions.can_moderate(actor, area):
        return Comment.objects.none()
    return _comment_qs().filter(intention__local_area=area, approved_at__isnull=True,
                                status=CommentStatus.OPEN).order_by("created_at", "id")


def area_moderation(*, area):
    """The area's moderation rule (an unsaved default when it has not chosen one)."""
    from .models import AreaModeration

    return AreaModeration.objects.filter(local_area=area).first() or \
        AreaModeration(local_area=area)


def comment_thread(*, actor, intention) -> list[dict]:
    """Top-level comments each with their replies (nested), in posting order. One query."""
    comments = list(comment_list(actor=actor, intention=intention))
    may_manage = permissions.can_manage_consultation(actor, intention).allowed
    nodes = {c.pk: {"comment": c, "replies": [], "depth": 0} for c in comments}
    roots = []
    for comment in comments:
        response = getattr(comment, "response", None)
        comment.visible_response = response if response is not None and (
            response.status == ResponseStatus.PUBLISHED or may_manage) else None
        node = nodes[comment.pk]
        parent = nodes.get(comment.in_reply_to_id)
        if parent is None:
            roots.append(node)
        else:
            node["depth"] = min(parent["depth"] + 1, 3)
            parent["replies"].append(node)
    return roots


def what_changed(*, intention_comments) -> list:
    """Published responses that changed the plan, with what changed."""
    return [c.response for c in intention_comments
            if getattr(c, "visible_response", None) is not None
            and c.response.status == ResponseStatus.PUBLISHED
            and c.response.outcome == Outcome.CHANGED]


def milestone_list(*, intention) -> list[Milestone]:
    found = {m.kind: m for m in Milestone.objects.filter(intention=intention)}
    return [found.get(kind) or Milestone(intention=intention, kind=kind)
            for kind in MILESTONE_ORDER]


def due_date(comment):
    start = comment.consultation.closes if comment.consultation_id else \
        timezone.localtime(comment.created_at).date()
    return start + RESPONSE_DUE


def _awaiting(actor, area):
    """Comments owed a published response, on intentions the actor commissions for, each
    annotated with the day its response clock starts (as `due_date` counts it)."""
    agencies = base.agency_ids_for(actor, base.AgencyPerm.COMMISSION)
    intentions = Intention.objects.filter(Q(lead_agency_id__in=agencies)
                                          | Q(partner_agencies__in=agencies))
    if actor.is_superuser:
        intentions = Intention.objects.all()
    qs = Comment.objects.filter(intention__in=intentions, status=CommentStatus.OPEN,
                                approved_at__isnull=False)
    if area is not None:
        qs = qs.filter(intention__local_area=area)
    # TruncDate uses the current time zone, as timezone.localtime in `due_date` does.
    return qs.annotate(clock_starts=Coalesce("consultation__closes", TruncDate("created_at")))


def comments_awaiting_response(*, actor, area=None):
    """Comments owed a published response, soonest due first, ordered in the database so
    that a page of them costs the same whatever their number (issue 15); pass the page
    through `with_due_dates`."""
    return _awaiting(actor, area).select_related(
        "author", "consultation", "response__agency", "response__author", "hidden_by",
        "intention__local_area", "intention__lead_agency").prefetch_related(
        "intention__partner_agencies").order_by("clock_starts", "id")


def with_due_dates(comments):
    comments = list(comments)
    for comment in comments:
        comment.due_on = due_date(comment)
        comment.draft = getattr(comment, "response", None)
    return comments


def awaiting_summary(*, actor, area, first, today):
    """(the `first` comments due soonest, how many await a response, how many are overdue):
    the home page's panel in three queries whatever the number of comments."""
    totals = _awaiting(actor, area).aggregate(
        count=Count("id"), overdue=Count("id", filter=Q(clock_starts__lt=today - RESPONSE_DUE)))
    soonest = with_due_dates(comments_awaiting_response(actor=actor, area=area)[:first])
    return soonest, totals["count"], totals["overdue"]


def my_comments(*, actor, area=None):
    qs = _comment_qs().filter(author=actor)
    if area is not None:
        qs = qs.filter(intention__local_area=area)
    return qs.order_by("-created_at", "-id")


def reported_comments(*, actor, area):
    if not permissions.can_moderate(actor, area):
        return CommentReport.objects.none()
    return CommentReport.objects.select_related(
        "comment__author", "comment__intention", "reporter").filter(
        comment__intention__local_area=area, resolved_at__isnull=True).order_by("created_at")


def intention_panel(*, actor, intention) -> dict:
    """What the intention page shows of co-production (for `coproduction/intention_panel.html`).

    The caller has checked the actor may see the intention. Costs three queries.
    """
    today = timezone.localdate()
    consultations = list(Consultation.objects.filter(intention=intention).order_by("-opens"))
    current = next((c for c in consultations if c.is_open_on(today)), None)
    counts = dict(Comment.objects.filter(intention=intention,
                                         approved_at__isnull=False).exclude(
        status__in=[CommentStatus.HIDDEN, CommentStatus.WITHDRAWN]).values_list("status")
        .annotate(n=Count("id")).values_list("status", "n"))
    changed = list(Comment.objects.filter(
        intention=intention, response__status=ResponseStatus.PUBLISHED,
        response__outcome=Outcome.CHANGED).exclude(
        status__in=[CommentStatus.HIDDEN, CommentStatus.WITHDRAWN])
        .values_list("response__what_changed", flat=True))
    return {
        "intention": intention,
        "today": today,
        "consultations": consultations,
        "current": current,
        "days_left": (current.closes - today).days if current else None,
        "comment_count": sum(counts.values()),
        "answered_count": counts.get(CommentStatus.ANSWERED, 0),
        "awaiting_count": counts.get(CommentStatus.OPEN, 0),
        "what_changed": [text for text in changed if text],
        "can_comment": permissions.can_comment(actor, intention, current).allowed,
        "can_manage": permissions.can_manage_consultation(actor, intention).allowed,
    }



# --- questions, answers, documents, follows (issue 16) ---------------------------------
def questions_of(consultation) -> list:
    from .models import Question

    return list(Question.objects.filter(consultation=consultation).order_by("position", "id"))


def counted_answers():
    """Answers that count: sent, confirmed (the public's) and let through by a moderator."""
    from .models import Answer, SubmissionStatus

    return Answer.objects.filter(submission__status=SubmissionStatus.SUBMITTED,
                                 submission__approved_at__isnull=False)


def _group_key(text: str) -> str:
    return " ".join("".join(c for c in text.casefold() if c.isalnum() or c.isspace()).split())


def summarise(questions, answers) -> list[dict]:
    """Per question: how many answered; each option's (or scale point's) count and share;
    the free-text answers grouped (the same words, ignoring case and punctuation, once
    with how many gave them), most common first."""
    from .models import SCALE_VALUES, QuestionKind

    by_question = {q.pk: [] for q in questions}
    for answer in answers:
        by_question.setdefault(answer.question_id, []).append(answer)
    result = []
    for question in questions:
        given = by_question.get(question.pk, [])
        total = len(given)
        row = {"question": question, "answered": total, "counts": [], "groups": [],
               "average": None}
        if question.kind in (QuestionKind.ONE, QuestionKind.MANY):
            tally = dict.fromkeys(question.options, 0)
            for answer in given:
                for choice in answer.choices:
                    if choice in tally:
                        tally[choice] += 1
            row["counts"] = [{"label": k, "count": v,
                              "percent": round(100 * v / total) if total else 0}
                             for k, v in tally.items()]
        elif question.kind == QuestionKind.SCALE:
            tally = dict.fromkeys(SCALE_VALUES, 0)
            for answer in given:
                if answer.scale in tally:
                    tally[answer.scale] += 1
            row["counts"] = [{"label": str(k), "count": v,
                              "percent": round(100 * v / total) if total else 0}
                             for k, v in tally.items()]
            if total:
                row["average"] = round(sum(a.scale for a in given if a.scale) / total, 1)
        else:
            groups = {}
            for answer in given:
                key = _group_key(answer.text)
                group = groups.setdefault(key, {"text": answer.text, "count": 0})
                group["count"] += 1
            row["groups"] = sorted(groups.values(), key=lambda g: (-g["count"], g["text"]))
        result.append(row)
    return result


def question_summary(*, consultation) -> list[dict]:
    """Every question of the consultation with its counted answers. Two queries."""
    questions = questions_of(consultation)
    answers = counted_answers().filter(question__consultation=consultation).only(
        "question_id", "text", "choices", "scale")
    return summarise(questions, answers)


def submission_counts(*, consultation) -> dict:
    """How many people answered, by where their answers are (one query)."""
    from .models import Submission, SubmissionStatus

    sent = Q(status=SubmissionStatus.SUBMITTED)
    return Submission.objects.filter(consultation=consultation).aggregate(
        counted=Count("pk", filter=sent & Q(approved_at__isnull=False)),
        waiting_moderator=Count("pk", filter=sent & Q(approved_at__isnull=True) & (
            Q(author__isnull=False) | Q(confirmed_at__isnull=False))),
        unconfirmed=Count("pk", filter=sent & Q(author__isnull=True,
                                                confirmed_at__isnull=True)),
        withdrawn=Count("pk", filter=Q(status=SubmissionStatus.WITHDRAWN)),
    )


def my_submission(*, actor, consultation):
    from .models import Submission

    return Submission.objects.filter(consultation=consultation, author=actor).prefetch_related(
        "answers").first()


def pending_submissions(*, actor, area):
    """Answers waiting for a moderator in an area the actor moderates, oldest first, each
    with its answers and their questions (two queries)."""
    from django.db.models import Prefetch

    from .models import Answer, Submission, SubmissionStatus

    if not permissions.can_moderate(actor, area):
        return Submission.objects.none()
    return Submission.objects.filter(
        consultation__intention__local_area=area, status=SubmissionStatus.SUBMITTED,
        approved_at__isnull=True).filter(
        Q(author__isnull=False) | Q(confirmed_at__isnull=False)).select_related(
        "consultation__intention", "author").prefetch_related(
        Prefetch("answers", queryset=Answer.objects.select_related("question").order_by(
            "question__position", "question_id"))).order_by("submitted_at", "id")


def submission_get_for_moderation(*, actor, pk):
    from .models import Submission

    return get_object_or_404(Submission.objects.select_related(
        "consultation__intention").filter(
        consultation__intention__local_area_id__in=permissions.moderated_area_ids(actor)),
        pk=pk)


def documents_of(consultation) -> list:
    from .models import ConsultationDocument

    return list(ConsultationDocument.objects.filter(consultation=consultation,
                                                    removed_at__isnull=True))


def document_get(*, actor, pk):
    """A document of a consultation the actor may see (404 otherwise, and once removed)."""
    from .models import ConsultationDocument

    visible = Intention.objects.filter(permissions.visible_intentions_filter(actor))
    return get_object_or_404(ConsultationDocument.objects.select_related(
        "consultation__intention").filter(consultation__intention__in=visible,
                                          removed_at__isnull=True), pk=pk)


def follow_of(*, actor, intention=None, consultation=None):
    """The person's active follow of the intention or consultation, if any."""
    from .models import Follow

    return Follow.objects.filter(user=actor, intention=intention, consultation=consultation,
                                 unsubscribed_at__isnull=True).first()


def my_follows(*, actor):
    from .models import Follow

    return Follow.objects.filter(user=actor, unsubscribed_at__isnull=True).select_related(
        "intention", "consultation__intention").order_by("-created_at", "-id")


QUESTION_WATCH = audit.Watch(fields={
    "text": "question", "kind": "kind", "options": "options", "hint": "hint",
    "required": "must be answered", "position": "position", "we_did": "what we did"})


def question_changes(consultation) -> list[dict]:
    """Who added, changed, moved or removed which question, newest first (portal.audit;
    two queries)."""
    from .models import Question

    records = Question.history.filter(consultation_id=consultation.pk).select_related(
        "history_user").order_by("history_date", "history_id")
    return audit.newest_first(audit.row_changes(
        Question, records, QUESTION_WATCH, lambda record: f"Question “{record.text}”"))


def consultation_extras(*, actor, intention, consultations):
    """Mark each consultation of an intention's page with its documents (`document_list`),
    whether the actor may answer it now (`may_answer`), may follow it (`follow_form`) and
    follows it (`followed`); return whether they may follow and follow the intention.
    Three queries however many consultations."""
    from .models import ConsultationDocument, Follow, Question

    ids = [c.pk for c in consultations]
    documents = {}
    for document in ConsultationDocument.objects.filter(consultation_id__in=ids,
                                                        removed_at__isnull=True):
        documents.setdefault(document.consultation_id, []).append(document)
    asked = set(Question.objects.filter(consultation_id__in=ids).values_list(
        "consultation_id", flat=True).distinct())
    follows = list(Follow.objects.filter(Q(consultation_id__in=ids) | Q(intention=intention),
                                         user=actor, unsubscribed_at__isnull=True).values_list(
        "consultation_id", "intention_id"))
    followed = {c for c, _ in follows if c}
    may_follow = permissions.can_follow(actor, intention).allowed
    for c in consultations:
        c.document_list = documents.get(c.pk, [])
        c.may_answer = permissions.can_answer(actor, c, has_questions=c.pk in asked).allowed
        c.follow_form, c.followed = may_follow, c.pk in followed
    return {"may_follow": may_follow, "follows_intention": any(i for _, i in follows)}
