"""Consultations: open one on an intention; publish all drafted responses when it closes."""
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from portal.dates import long_date
from portal.errors import ApplicationError, ErrorCode

from .. import permissions
from ..models import (
    Audience,
    Comment,
    CommentStatus,
    Consultation,
    Moderation,
    Response,
    ResponseStatus,
)
from .common import queue, require, save

AUDIENCES = {a.value for a in Audience}
MODERATION = {""} | {m.value for m in Moderation}


def _clean(*, title, description, questions, audiences, opens, closes, moderation=""):
    errors = {}
    moderation = moderation or ""
    if moderation not in MODERATION:
        errors["moderation"] = ["Choose how comments are moderated"]
    title = (title or "").strip()
    if not title:
        errors["title"] = ["Enter a title for the consultation"]
    elif len(title) > 200:
        errors["title"] = ["The title must be 200 characters or fewer"]
    if isinstance(questions, str):
        questions = questions.splitlines()
    questions = [q.strip() for q in (questions or []) if q and q.strip()]
    if any(len(q) > 1000 for q in questions):
        errors["questions"] = ["Each question must be 1,000 characters or fewer"]
    audiences = list(dict.fromkeys(audiences or []))
    if not audiences:
        errors["audiences"] = ["Choose who the consultation is for"]
    elif set(audiences) - AUDIENCES:
        errors["audiences"] = ["Choose from the audiences listed"]
    if opens is None:
        errors["opens"] = ["Enter the date the consultation opens"]
    if closes is None:
        errors["closes"] = ["Enter the date the consultation closes"]
    if opens and closes and closes < opens:
        errors["closes"] = ["The closing date must be on or after the opening date"]
    description = (description or "").strip()
    if len(description) > 5000:
        errors["description"] = ["The description must be 5,000 characters or fewer"]
    if errors:
        raise ApplicationError("Check the consultation's details.", errors=errors)
    return {"title": title, "description": description, "questions": questions,
            "audiences": audiences, "opens": opens, "closes": closes, "moderation": moderation}


def _notify_if_open(consultation):
    from ..tasks import send_consultation_opened

    if consultation.opens <= timezone.localdate() <= consultation.closes \
            and consultation.opened_notified_at is None:
        queue(send_consultation_opened, consultation.pk)


@transaction.atomic
def consultation_create(*, actor, intention, title, opens, closes, audiences,
                        description="", questions=(), moderation="",
                        notify=True) -> Consultation:
    require(permissions.can_manage_consultation(actor, intention))
    if not intention.published_for_consultation:
        raise ApplicationError(
            "Publish the intention for consultation before opening a consultation on it.",
            code=ErrorCode.CONFLICT)
    fields = _clean(title=title, description=description, questions=questions,
                    audiences=audiences, opens=opens, closes=closes, moderation=moderation)
    if Consultation.objects.filter(intention=intention, title__iexact=fields["title"]).exists():
        raise ApplicationError("This intention already has a consultation with that title.",
                               errors={"title": ["Choose a different title"]})
    consultation = save(Consultation(intention=intention, created_by=actor, **fields), actor)
    if notify:
        _notify_if_open(consultation)
    return consultation


@transaction.atomic
def consultation_update(*, actor, consultation, notify=True, **changes) -> Consultation:
    consultation = Consultation.objects.select_for_update(of=("self",)).select_related(
        "intention").get(pk=consultation.pk)
    require(permissions.can_manage_consultation(actor, consultation.intention))
    current = {k: getattr(consultation, k) for k in
               ("title", "description", "questions", "audiences", "opens", "closes",
                "moderation")}
    current.update({k: v for k, v in changes.items() if k in current})
    fields = _clean(**current)
    _keep_comments_inside(consultation, fields["opens"], fields["closes"])
    clash = Consultation.objects.filter(intention=consultation.intention,
                                        title__iexact=fields["title"]).exclude(pk=consultation.pk)
    if clash.exists():
        raise ApplicationError("This intention already has a consultation with that title.",
                               errors={"title": ["Choose a different title"]})
    for key, value in fields.items():
        setattr(consultation, key, value)
    save(consultation, actor)
    if notify:
        _notify_if_open(consultation)
    return consultation


def _keep_comments_inside(consultation, opens, closes):
    """A consultation's dates cannot move so that comments made in it fall outside them
    (a comment made after a consultation closed is never listed under it)."""
    days = sorted(timezone.localtime(at).date() for at in Comment.objects.filter(
        consultation=consultation).values_list("created_at", flat=True))
    if not days:
        return
    errors = {}
    if closes and days[-1] > closes:
        errors["closes"] = [f"Comments were made in this consultation up to "
                            f"{long_date(days[-1])}; it cannot close before then"]
    if opens and days[0] < opens:
        errors["opens"] = [f"Comments were made in this consultation from "
                           f"{long_date(days[0])}; it cannot open after then"]
    if errors:
        raise ApplicationError("The new dates would leave out comments already made.",
                               errors=errors)


@transaction.atomic
def consultation_close(*, actor, consultation, today=None) -> Consultation:
    """Stop taking comments now: the consultation's last day becomes yesterday, or today
    when it opened today or comments were made today (they stay inside its dates)."""
    consultation = Consultation.objects.select_for_update(of=("self",)).select_related(
        "intention").get(pk=consultation.pk)
    today = today or timezone.localdate()
    decision = permissions.can_close_consultation(actor, consultation, today=today)
    if not decision and not permissions.can_manage_consultation(actor, consultation.intention):
        require(decision)
    if not decision:
        raise ApplicationError(decision.reason, code=ErrorCode.CONFLICT)
    commented_today = any(timezone.localtime(at).date() >= today for at in Comment.objects
                          .filter(consultation=consultation).values_list("created_at", flat=True)
                          .order_by("-created_at")[:1])
    last_day = today if consultation.opens == today or commented_today \
        else today - timedelta(days=1)
    consultation.closes = last_day
    save(consultation, actor)
    return consultation


@transaction.atomic
def consultation_publish_responses(*, actor, consultation, notify=True) -> int:
    """Publish every drafted response to the consultation's comments in one action.

    Allowed once the consultation has closed. Returns how many were published; comments
    still without a response stay on the commissioners' "awaiting a response" list.
    """
    consultation = Consultation.objects.select_for_update(of=("self",)).select_related(
        "intention").get(pk=consultation.pk)
    require(permissions.can_manage_consultation(actor, consultation.intention))
    if timezone.localdate() <= consultation.closes:
        raise ApplicationError(
            f"Responses are published together after the consultation closes on "
            f"{long_date(consultation.closes)}.", code=ErrorCode.CONFLICT)
    drafts = list(Response.objects.select_for_update(of=("self", "comment")).select_related(
        "comment").filter(
        comment__consultation=consultation, status=ResponseStatus.DRAFT,
        comment__status=CommentStatus.OPEN))
    if not drafts:
        raise ApplicationError("There are no drafted responses to publish.",
                               code=ErrorCode.CONFLICT)
    now = timezone.now()
    for response in drafts:
        publish_response(response, actor, now, notify=notify)
    consultation.responses_published_at = now
    save(consultation, actor)
    return len(drafts)


def publish_response(response, actor, now, *, notify):
    from ..tasks import send_comment_answered

    response.status = ResponseStatus.PUBLISHED
    response.published_at = now
    save(response, actor)
    comment = response.comment
    comment.status = CommentStatus.ANSWERED
    save(comment, actor)
    if notify:
        queue(send_comment_answered, response.pk)

