"""Report requests are idempotent, production happens once, publishing freezes a version,
and the beat's jobs (due reports, stuck reports) do what they say."""
from datetime import date, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from governance import services
from governance.models import BoardReport, ReportComment, ReportStatus
from portal.errors import ApplicationError, ErrorCode
from tests.factories.governance import board, decided_item, quorate_meeting, seat

pytestmark = pytest.mark.django_db


@pytest.fixture
def produce(django_capture_on_commit_callbacks):
    """Request a report and run the queued task (eager, as on the embedded default)."""
    def run(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            report, created = services.report_request(**kwargs)
        return BoardReport.objects.get(pk=report.pk), created
    return run


def test_the_same_request_returns_the_same_report(gov, produce):
    first, created = produce(actor=gov.secretary, board=gov.board, year="2025-26", quarter=2)
    again, created_again = produce(actor=gov.secretary, board=gov.board, year="2025-26",
                                   quarter=2)
    assert created and not created_again
    assert again.pk == first.pk and again.status == ReportStatus.READY
    assert again.attempts == 1  # produced once, not twice
    assert BoardReport.objects.count() == 1


def test_a_new_version_is_a_new_row_and_the_old_one_stays(gov, produce):
    first, _ = produce(actor=gov.secretary, board=gov.board, year="2025-26", quarter=2)
    second, created = produce(actor=gov.secretary, board=gov.board, year="2025-26", quarter=2,
                              new_version=True)
    assert created and second.version == 2 and second.pk != first.pk
    first.refresh_from_db()
    assert first.status == ReportStatus.READY and first.pdf.name != second.pdf.name


def test_a_new_version_while_one_is_queued_returns_that_one(gov):
    report, _ = services.report_request(actor=gov.secretary, board=gov.board, year="2025-26",
                                        quarter=2)  # on_commit never runs: stays queued
    again, created = services.report_request(actor=gov.secretary, board=gov.board,
                                             year="2025-26", quarter=2, new_version=True)
    assert not created and again.pk == report.pk


@pytest.mark.parametrize(("year", "quarter", "field"), [
    ("2025/26", 2, "year"), ("2025-26", 5, "quarter"), ("2025-26", "x", "quarter"),
    ("2031-32", 1, "quarter"),  # not begun yet
])
def test_bad_requests_say_which_field(gov, year, quarter, field):
    with pytest.raises(ApplicationError) as exc:
        services.report_request(actor=gov.secretary, board=gov.board, year=year,
                                quarter=quarter)
    assert field in exc.value.errors
    assert not BoardReport.objects.exists()


def test_only_runners_request_reports(gov):
    for person in (gov.member, gov.chair, gov.commissioner):
        with pytest.raises(ApplicationError) as exc:
            services.report_request(actor=person, board=gov.board, year="2025-26", quarter=2)
        assert exc.value.code == ErrorCode.FORBIDDEN


def test_a_failure_is_recorded_with_its_reason_and_a_retry_queues_it_again(
        gov, produce, settings, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the media folder should be")
    settings.MEDIA_ROOT = blocker  # the PDF cannot be stored: a real failure, not a fake
    report, _ = produce(actor=gov.secretary, board=gov.board, year="2025-26", quarter=2)
    assert report.status == ReportStatus.FAILED
    assert report.error.startswith(("NotADirectoryError", "FileExistsError"))
    assert not report.sha256 and not report.pdf
    settings.MEDIA_ROOT = tmp_path / "media"
    again, created = produce(actor=gov.secretary, board=gov.board, year="2025-26", quarter=2)
    assert not created and again.pk == report.pk and again.status == ReportStatus.READY
    assert again.error == "" and again.attempts == 2


def test_producing_a_finished_report_again_does_nothing(gov, produce):
    report, _ = produce(actor=gov.secretary, board=gov.board, year="2025-26", quarter=2)
    sha, finished = report.sha256, report.finished_at
    services.report_produce(report_id=report.pk)
    report.refresh_from_db()
    assert (report.sha256, report.finished_at, report.attempts) == (sha, finished, 1)


def test_publishing_freezes_the_version_and_emails_the_members(gov, produce,
                                                               django_capture_on_commit_callbacks):
    report, _ = produce(actor=gov.secretary, board=gov.board, year="2025-26", quarter=2)
    with pytest.raises(ApplicationError):
        services.report_publish(actor=gov.member, report=report)
    with django_capture_on_commit_callbacks(execute=True):
        published = services.report_publish(actor=gov.secretary, report=report)
    assert published.status == ReportStatus.PUBLISHED and published.published_by == gov.secretary
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted(u.email for u in (gov.secretary, gov.chair, gov.member))
    assert "Quarter 2 2025-26" in mail.outbox[0].subject
    assert f"/reports/{report.pk}/" in mail.outbox[0].body
    with pytest.raises(ApplicationError) as exc:
        services.report_publish(actor=gov.secretary, report=published)
    assert exc.value.code == ErrorCode.FORBIDDEN
    # Publishing is final: producing again changes nothing; a correction is a new version.
    services.report_produce(report_id=report.pk)
    published.refresh_from_db()
    assert published.status == ReportStatus.PUBLISHED
    correction, created = produce(actor=gov.secretary, board=gov.board, year="2025-26",
                                  quarter=2, new_version=True)
    assert created and correction.version == 2


def test_a_tampered_pdf_cannot_be_published(gov, produce):
    report, _ = produce(actor=gov.secretary, board=gov.board, year="2025-26", quarter=2)
    with open(report.pdf.path, "ab") as handle:
        handle.write(b"tampered")
    with pytest.raises(ApplicationError) as exc:
        services.report_publish(actor=gov.secretary, report=report)
    assert "checksum" in exc.value.message


def test_comments_are_threaded_audited_and_only_for_readers(gov, produce):
    report, _ = produce(actor=gov.secretary, board=gov.board, year="2025-26", quarter=2)
    first = services.report_comment_add(actor=gov.member, report=report,
                                        body="Why did the decisions fall?")
    reply = services.report_comment_add(actor=gov.secretary, report=report, parent=first,
                                        body="Two meetings were cancelled.")
    assert reply.parent == first and reply.history.first().history_user == gov.secretary
    with pytest.raises(ApplicationError) as exc:
        services.report_comment_add(actor=gov.commissioner, report=report, body="Hello")
    assert exc.value.code == ErrorCode.FORBIDDEN
    with pytest.raises(ApplicationError) as exc:
        services.report_comment_add(actor=gov.member, report=report, body="   ")
    assert "body" in exc.value.errors
    assert ReportComment.objects.count() == 2


def test_mark_as_read_is_idempotent(gov, produce):
    report, _ = produce(actor=gov.secretary, board=gov.board, year="2025-26", quarter=2)
    services.report_mark_read(actor=gov.member, report=report)
    services.report_mark_read(actor=gov.member, report=report)
    assert report.reads.count() == 1


def test_beat_requests_each_board_once_from_the_nth_working_day(gov, area, settings):
    settings.GOVERNANCE_REPORT_WORKING_DAYS = 5
    board(area, name="Hub", reports_to=gov.board)
    # Q2 2025-26 ends Tuesday 30 September 2025; the 5th working day after is 7 October.
    assert services.reports_request_due(today=date(2025, 10, 6)) == []
    due = services.reports_request_due(today=date(2025, 10, 7))
    assert sorted(r.board.name for r in due) == ["Hub", "SEND Strategic Board"]
    assert {(r.year, r.quarter) for r in due} == {("2025-26", 2)}
    assert services.reports_request_due(today=date(2025, 10, 8)) == []  # a second beat
    assert BoardReport.objects.count() == 2


def test_stuck_reports_are_queued_again_after_the_timeout(gov, settings):
    settings.GOVERNANCE_REPORT_STUCK_AFTER = 600
    report, _ = services.report_request(actor=gov.secretary, board=gov.board, year="2025-26",
                                        quarter=2)
    long_ago = timezone.now() - timedelta(hours=1)
    BoardReport.objects.filter(pk=report.pk).update(status=ReportStatus.RUNNING,
                                                    started_at=long_ago, requested_at=long_ago)
    fresh, _ = services.report_request(actor=gov.secretary, board=gov.board, year="2025-26",
                                       quarter=1)
    assert services.reports_recover_stuck() == [report.pk]
    report.refresh_from_db()
    assert report.status == ReportStatus.QUEUED
    assert BoardReport.objects.get(pk=fresh.pk).status == ReportStatus.QUEUED  # untouched


def test_a_parent_board_rolls_up_its_childrens_stored_figures(gov, area, produce):
    hub = board(area, name="SEND Commissioning Hub", reports_to=gov.board, scope=[gov.council])
    seat(hub, gov.council, "secretary", user=gov.secretary)
    seat(hub, gov.icb, "member")
    hub.quorum_agencies.clear()
    held = quorate_meeting(hub)
    decided_item(held)
    decided_item(held, title="Equipment service", outcome="rejected")
    child, _ = produce(actor=gov.secretary, board=hub, year="2025-26", quarter=2)
    assert child.data["figures"]["Board business this quarter: Decisions made"] == "2"
    parent, _ = produce(actor=gov.secretary, board=gov.board, year="2025-26", quarter=2)
    rollup = parent.data["rollup"]
    assert [r["board"] for r in rollup] == ["SEND Commissioning Hub"]
    figures = {f["label"]: f["value"] for f in rollup[0]["figures"]}
    assert figures["Board business this quarter: Decisions made"] == "2"
    assert "Reports from the boards below" in parent.html
