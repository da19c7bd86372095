"""Comments: post (with the personal-data warning), edit in the window, withdraw, moderate."""
from django.db import transaction
from django.utils import timezone

from agencies import permissions as base
from portal.errors import ApplicationError, ErrorCode

from .. import permissions
from ..models import (
    AreaModeration,
    AuthorKind,
    Comment,
    CommentReport,
    CommentStatus,
    Consultation,
    Moderation,
)
from ..personal_data import find_personal_data
from .common import clean_text, queue, require, save

PERSONAL_DATA_MESSAGE = ("Your comment seems to contain personal information. Check it, "
                         "then confirm you want to post it as it is.")


def _author_kind(user, area) -> str:
    roles = base.roles_in_area(user, area)
    if "parent-carer" in roles:
        return AuthorKind.PARENT_CARER
    if "young-person" in roles:
        return AuthorKind.YOUNG_PERSON
    return AuthorKind.PARTNER


def attribution_for(user, intention) -> str:
    """How a comment by this person on the intention appears when they do not show their
    name: "a parent carer", "a young person" or "a partner organisation"."""
    return AuthorKind(_author_kind(user, intention.local_area_id)).label


def check_personal_data(body, confirmed):
    """Raise the warning (a 400 naming each finding) unless the author has confirmed."""
    findings = find_personal_data(body)
    if findings and not confirmed:
        raise ApplicationError(
            PERSONAL_DATA_MESSAGE,
            errors={"body": [f.message for f in findings]},
            extra={"personal_data": [{"kind": f.kind, "label": f.label, "text": f.text}
                                     for f in findings],
                   "confirm_with": "confirm_personal_data"})
    return bool(findings)


def _open_consultation(intention):
    today = timezone.localdate()
    return Consultation.objects.filter(intention=intention, opens__lte=today,
                                       closes__gte=today).order_by("closes").first()


def moderation_rule(*, area_id, author_kind, consultation=None) -> str:
    """Pre or post: the consultation's own choice, else the area's rule for the author's
    kind (young people's comments are pre-moderated unless the area says otherwise)."""
    if consultation is not None and consultation.moderation:
        return consultation.moderation
    rule = AreaModeration.objects.filter(local_area_id=area_id).first()
    if author_kind == AuthorKind.YOUNG_PERSON:
        return rule.young_people if rule else Moderation.PRE
    return rule.comments if rule else Moderation.POST


@transaction.atomic
def comment_create(*, actor, intention, body, consultation=None, in_reply_to=None,
                   show_publicly=False, show_name=False,
                   confirm_personal_data=False) -> Comment:
    """Post a comment on an intention (in its open consultation, if one is open)."""
    if in_reply_to is not None:
        if in_reply_to.intention_id != intention.pk:
            raise ApplicationError("You can only reply to a comment on the same intention.",
                                   errors={"in_reply_to": ["Choose a comment on this intention"]})
        if not in_reply_to.is_shown:
            raise ApplicationError("That comment is not shown, so it cannot be replied to.",
                                   errors={"in_reply_to": ["That comment is not shown"]})
        # A reply belongs to the parent's consultation only while that is open; made later,
        # it is not listed under the closed consultation.
        if consultation is None and in_reply_to.consultation_id is not None:
            today = timezone.localdate()
            consultation = Consultation.objects.filter(
                pk=in_reply_to.consultation_id, opens__lte=today, closes__gte=today).first()
    if consultation is None:
        consultation = _open_consultation(intention)
    elif consultation.intention_id != intention.pk:
        raise ApplicationError("That consultation is on another intention.",
                               errors={"consultation": ["Choose this intention's consultation"]})
    require(permissions.can_comment(actor, intention, consultation))
    body = clean_text(body, "body", label="comment")
    confirmed = check_personal_data(body, confirm_personal_data)
    kind = _author_kind(actor, intention.local_area_id)
    comment = Comment(intention=intention, consultation=consultation, author=actor,
                      author_kind=kind, body=body,
                      in_reply_to=in_reply_to, show_publicly=bool(show_publicly),
                      show_name=bool(show_publicly and show_name),
                      personal_data_confirmed=confirmed)
    rule = moderation_rule(area_id=intention.local_area_id, author_kind=kind,
                           consultation=consultation)
    if rule == Moderation.POST:
        comment.approved_at = timezone.now()  # shown at once; moderators can hide it
    return save(comment, actor)


@transaction.atomic
def comment_approve(*, actor, comment) -> Comment:
    """A moderator lets a pre-moderated comment through: from now on everyone who can see
    the intention sees it (and the public pages, when its author agreed)."""
    comment = _locked(comment)
    require(permissions.can_approve_comment(actor, comment))
    comment.approved_at, comment.approved_by = timezone.now(), actor
    return save(comment, actor)


@transaction.atomic
def area_moderation_set(*, actor, local_area, comments, young_people) -> AreaModeration:
    """The area's rule: pre- or post-moderation for parent carers' and partners' comments
    and, separately, for young people's."""
    require(permissions.can_set_moderation(actor, local_area))
    allowed = {m.value for m in Moderation}
    errors = {field: ["Choose pre-moderation or post-moderation"]
              for field, value in (("comments", comments), ("young_people", young_people))
              if value not in allowed}
    if errors:
        raise ApplicationError("Choose how comments are moderated.", errors=errors)
    rule = AreaModeration.objects.select_for_update().filter(local_area=local_area).first() \
        or AreaModeration(local_area=local_area)
    rule.comments, rule.young_people = comments, young_people
    return save(rule, actor)


def _locked(comment):
    return Comment.objects.select_for_update(of=("self",)).select_related(
        "intention", "consultation").get(pk=comment.pk)


@transaction.atomic
def comment_update(*, actor, comment, body=None, show_publicly=None, show_name=None,
                   confirm_personal_data=False) -> Comment:
    comment = _locked(comment)
    require(permissions.can_edit_comment(actor, comment))
    if body is not None:
        comment.body = clean_text(body, "body", label="comment")
        comment.personal_data_confirmed = check_personal_data(comment.body,
                                                              confirm_personal_data)
    if show_publicly is not None:
        comment.show_publicly = bool(show_publicly)
    if show_name is not None:
        comment.show_name = bool(show_name)
    comment.show_name = comment.show_name and comment.show_publicly
    comment.edited_at = timezone.now()
    return save(comment, actor)


@transaction.atomic
def comment_withdraw(*, actor, comment) -> Comment:
    """The author withdraws it: the record (and its history) stays, the text is not shown."""
    comment = _locked(comment)
    require(permissions.can_withdraw_comment(actor, comment))
    comment.status = CommentStatus.WITHDRAWN
    comment.withdrawn_at = timezone.now()
    comment.show_publicly = False
    return save(comment, actor)


@transaction.atomic
def comment_hide(*, actor, comment, reason, notify=True) -> Comment:
    """A local-area administrator hides a comment, saying why; its author is told."""
    from ..tasks import send_comment_hidden

    comment = _locked(comment)
    require(permissions.can_hide_comment(actor, comment))
    reason = clean_text(reason, "reason", label="reason for hiding it", max_length=1000)
    comment.status = CommentStatus.HIDDEN
    comment.hidden_reason = reason
    comment.hidden_by = actor
    comment.hidden_at = timezone.now()
    save(comment, actor)
    CommentReport.objects.filter(comment=comment, resolved_at__isnull=True).update(
        resolved_at=comment.hidden_at)
    if notify:
        queue(send_comment_hidden, comment.pk)
    return comment


@transaction.atomic
def comment_report(*, actor, comment, reason) -> CommentReport:
    """Anyone who can see a comment may report it to the area's moderators (once)."""
    require(permissions.can_report_comment(actor, comment))
    reason = clean_text(reason, "reason", label="reason for reporting it", max_length=1000)
    if CommentReport.objects.filter(comment=comment, reporter=actor).exists():
        raise ApplicationError("You have already reported this comment.",
                               code=ErrorCode.CONFLICT)
    return save(CommentReport(comment=comment, reporter=actor, reason=reason), actor)
