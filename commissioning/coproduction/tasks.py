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
