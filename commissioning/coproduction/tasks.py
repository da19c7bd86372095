"""E-mails of co-production, sent by Celery after the write commits.

Tasks take ids, lock the row, and record that the e-mail went, so running one twice
(a redelivery after a worker is killed) sends nothing twice.
"""
from smtplib import SMTPException

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from agencies.models import Membership
from agencies.roles import Role
from portal.links import absolute_url

from .models import Audience, Comment, Consultation, Response

AUDIENCE_ROLES = {Audience.PARENT_CARERS: Role.PARENT_CARER,
                  Audience.YOUNG_PEOPLE: Role.YOUNG_PERSON}
RETRY = {"autoretry_for": (SMTPException, ConnectionError), "retry_backoff": True,
         "max_retries": 5}


def _url(name, *args) -> str:
    """An absolute link for an e-mail, at the site's configured address (SITE_URL)."""
    return absolute_url(name, *args)


def _send(messages):
    sender = settings.DEFAULT_FROM_EMAIL
    send_mass_mail([(subject, body, sender, [to]) for subject, body, to in messages],
                   fail_silently=False)


def consultation_recipients(consultation) -> list[str]:
    roles = [AUDIENCE_ROLES[a] for a in consultation.audiences if a in AUDIENCE_ROLES]
    emails = Membership.objects.active().filter(
        agency__local_area_id=consultation.intention.local_area_id, role__in=roles,
        user__is_active=True).values_list("user__email", flat=True)
    return sorted(set(emails))


@shared_task(**RETRY)
def send_consultation_opened(consultation_id: int) -> int:
    with transaction.atomic():
        consultation = Consultation.objects.select_for_update(of=("self",)).select_related(
            "intention__local_area").filter(pk=consultation_id).first()
        if consultation is None or consultation.opened_notified_at is not None:
            return 0
        path = _url("coproduction:consultation", consultation.intention_id)
        recipients = consultation_recipients(consultation)
        subject = f"Consultation open: {consultation.title}"
        body = render_to_string("coproduction/email/consultation_opened.txt", {
            "consultation": consultation, "intention": consultation.intention, "path": path})
        _send([(subject, body, to) for to in recipients])
        Consultation.objects.filter(pk=consultation.pk).update(opened_notified_at=timezone.now())
    return len(recipients)


@shared_task(**RETRY)
def send_comment_answered(response_id: int) -> int:
    with transaction.atomic():
        response = Response.objects.select_for_update(of=("self",)).select_related(
            "comment__author", "comment__intention", "agency").filter(pk=response_id).first()
        if response is None or response.author_notified_at is not None \
                or response.published_at is None:
            return 0
        comment = response.comment
        body = render_to_string("coproduction/email/comment_answered.txt", {
            "response": response, "comment": comment, "intention": comment.intention,
            "path": _url("coproduction:consultation", comment.intention_id)})
        _send([(f"Your comment on {comment.intention.reference} has been answered", body,
                comment.author.email)])
        Response.objects.filter(pk=response.pk).update(author_notified_at=timezone.now())
    return 1


@shared_task(**RETRY)
def send_comment_hidden(comment_id: int) -> int:
    with transaction.atomic():
        comment = Comment.objects.select_for_update(of=("self",)).select_related(
            "author", "intention").filter(pk=comment_id).first()
        if comment is None or comment.hidden_at is None or comment.hidden_notified_at:
            return 0
        body = render_to_string("coproduction/email/comment_hidden.txt", {
            "comment": comment, "intention": comment.intention,
            "path": _url("coproduction:consultation", comment.intention_id)})
        _send([(f"Your comment on {comment.intention.reference} has been hidden", body,
                comment.author.email)])
        Comment.objects.filter(pk=comment.pk).update(hidden_notified_at=timezone.now())
    return 1


@shared_task
def notify_consultations_opening() -> int:
    """Daily (beat): tell the audiences of consultations that opened since the last run."""
    today = timezone.localdate()
    due = Consultation.objects.filter(opens__lte=today, closes__gte=today,
                                      opened_notified_at__isnull=True).values_list("pk", flat=True)
    count = 0
    for pk in due:
        send_consultation_opened.delay(pk)
        count += 1
    return count


# --- answers from the public and follows (issue 16) ------------------------------------
def _public_link(name, area_slug, token):
    return _url(name, area_slug, token)


@shared_task(**RETRY)
def send_submission_confirm(submission_id: int) -> int:
    """Ask a member of the public to confirm their address; the same e-mail carries the
    link to withdraw their answers."""
    from . import tokens
    from .models import Submission

    with transaction.atomic():
        submission = Submission.objects.select_for_update(of=("self",)).select_related(
            "consultation__intention__local_area").filter(pk=submission_id).first()
        if submission is None or submission.confirm_sent_at is not None \
                or not submission.email:
            return 0
        consultation = submission.consultation
        area = consultation.intention.local_area
        body = render_to_string("coproduction/email/submission_confirm.txt", {
            "consultation": consultation, "area": area,
            "confirm": _public_link("coproduction:public-confirm", area.slug,
                                    tokens.make("confirm", submission.pk)),
            "withdraw": _public_link("coproduction:public-withdraw", area.slug,
                                     tokens.make("withdraw", submission.pk))})
        _send([(f"Confirm your answers to “{consultation.title}”", body, submission.email)])
        Submission.objects.filter(pk=submission.pk).update(confirm_sent_at=timezone.now())
    return 1


@shared_task(**RETRY)
def send_follow_confirm(follow_id: int) -> int:
    from . import tokens
    from .models import Follow

    follow = Follow.objects.select_related("consultation__intention__local_area").filter(
        pk=follow_id, confirmed_at__isnull=True, unsubscribed_at__isnull=True).first()
    if follow is None or not follow.email:
        return 0
    consultation = follow.consultation
    area = consultation.intention.local_area
    body = render_to_string("coproduction/email/follow_confirm.txt", {
        "consultation": consultation, "area": area,
        "confirm": _public_link("coproduction:public-follow-confirm", area.slug,
                                tokens.make("follow", follow.pk))})
    _send([(f"Confirm you want e-mails about “{consultation.title}”", body, follow.email)])
    return 1


EVENT_WORDS = {"stage": "moved to a new stage", "response": "a response was published",
               "responses": "responses were published", "decision": "a decision was made"}


@shared_task(**RETRY)
def send_follow_event(event: str, intention_id: int, consultation_id=None) -> int:
    """E-mail everyone following the intention (or the consultation, or any consultation on
    the intention) about one event, once each: a FollowNotice row per follower and event,
    taken before sending, makes a redelivered task send nothing twice."""
    from django.core.mail import EmailMessage, get_connection
    from django.db import IntegrityError
    from django.db.models import Q

    from commissioning.models import Intention

    from . import tokens
    from .models import Follow, FollowNotice

    intention = Intention.objects.select_related("local_area", "current_stage").filter(
        pk=intention_id).first()
    if intention is None:
        return 0
    kind = event.split("-", 1)[0]
    follows = Follow.objects.select_related("user", "consultation").filter(
        Q(intention_id=intention_id) | Q(consultation__intention_id=intention_id),
        confirmed_at__isnull=False, unsubscribed_at__isnull=True).exclude(
        notices__event=event)
    if consultation_id is not None and kind in ("response", "responses"):
        follows = follows.filter(Q(intention_id=intention_id)
                                 | Q(consultation_id=consultation_id))
    sent = 0
    connection = get_connection()
    for follow in follows:
        address = follow.address
        if not address:
            continue
        try:
            with transaction.atomic():
                FollowNotice.objects.create(follow=follow, event=event)
                unsubscribe = _url("coproduction:unsubscribe", tokens.make("unsubscribe",
                                                                           follow.pk))
                public = follow.user_id is None
                link = _url("coproduction:public-consultation", intention.local_area.slug,
                            follow.consultation_id) if public else \
                    _url("coproduction:consultation", intention.pk)
                body = render_to_string("coproduction/email/follow_event.txt", {
                    "intention": intention, "what": EVENT_WORDS.get(kind, "it changed"),
                    "subject": follow.subject, "link": link, "unsubscribe": unsubscribe,
                    "public": public})
                message = EmailMessage(
                    f"{intention.reference}: {EVENT_WORDS.get(kind, 'an update')}", body,
                    settings.DEFAULT_FROM_EMAIL, [address], connection=connection,
                    headers={"List-Unsubscribe": f"<{unsubscribe}>",
                             "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"})
                message.send(fail_silently=False)
        except IntegrityError:
            continue  # already told about this event
        sent += 1
    return sent
