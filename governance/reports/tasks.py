"""Celery tasks for board reports: thin, take ids, safe to run twice.

`produce_board_report` acknowledges late and is rejected (re-queued) when its worker is
lost, so a report survives a killed worker; the service's advisory lock and row lock make
a second delivery harmless. Transient database or connection errors retry with
exponential backoff; when the retries run out the report is marked failed with the reason.
"""
import logging

from celery import Task, shared_task
from django.conf import settings
from django.core.mail import send_mass_mail
from django.utils import timezone

from portal.links import absolute_url  # e-mail links use SITE_URL

from ..services import reports as report_services

log = logging.getLogger(__name__)


class ReportTask(Task):
    def on_failure(self, exc, task_id, args, kwargs, einfo):
        report_id = args[0] if args else kwargs.get("report_id")
        if report_id is not None:
            report_services.report_fail(
                report_id=report_id,
                reason=f"Gave up after {self.request.retries} retries: "
                       f"{exc.__class__.__name__}: {exc}")


@shared_task(bind=True, base=ReportTask, name="governance.produce_board_report",
             acks_late=True, reject_on_worker_lost=True,
             autoretry_for=report_services.TRANSIENT_ERRORS, retry_backoff=5,
             retry_backoff_max=300, retry_jitter=True, max_retries=5)
def produce_board_report(self, report_id):
    report = report_services.report_produce(report_id=report_id)
    return getattr(report, "status", None)


@shared_task(name="governance.request_due_reports", acks_late=True)
def request_due_reports():
    return [r.pk for r in report_services.reports_request_due()]


@shared_task(name="governance.recover_stuck_reports", acks_late=True)
def recover_stuck_reports():
    return report_services.reports_recover_stuck()


@shared_task(name="governance.sync_board_access", acks_late=True)
def sync_board_access():
    from ..services import board_access_sync

    return board_access_sync()


@shared_task(name="governance.notify_report_published", acks_late=True,
             autoretry_for=(ConnectionError, TimeoutError, OSError), retry_backoff=10,
             max_retries=5)
def notify_report_published(report_id):
    """E-mail the board's current members that the report is published."""
    from ..models import BoardMember, BoardReport

    report = BoardReport.objects.select_related("board").get(pk=report_id)
    today = timezone.localdate()
    seats = (BoardMember.objects.filter(board=report.board).select_related("user")
             .exclude(ends__lt=today).exclude(starts__gt=today))
    link = absolute_url("governance:report-detail", report.pk)
    subject = f"{report.board.name}: {report.period_label} report published"
    messages = [
        (subject,
         f"Dear {seat.user.get_full_name() or seat.user.username},\n\n"
         f"The {report.board.name} report for {report.period_label} (version "
         f"{report.version}) is published. Read it and download the PDF here:\n{link}\n",
         settings.DEFAULT_FROM_EMAIL, [seat.user.email])
        for seat in seats if seat.user.email
    ]
    return send_mass_mail(messages, fail_silently=False)
