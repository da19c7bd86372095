"""Quarterly board reports: request (idempotent), produce (exactly once), publish, read,
comment, and the beat's jobs (due reports, stuck reports).

Exactly once: `report_produce` takes a PostgreSQL advisory lock keyed to the report for the
whole production, so two workers (or a re-delivered message) never produce the same
version at once; the row itself is claimed and finished under `select_for_update`, and a
report already ready or published is never produced again. A worker killed mid-report
drops its database connection, which releases the advisory lock: the re-delivered task
(or `reports_recover_stuck`) then produces it again from the start.

Recovery in seconds, not at the broker's visibility timeout: while a report is produced
its worker renews a lease on the row (`lease_until`, every GOVERNANCE_REPORT_HEARTBEAT
seconds, GOVERNANCE_REPORT_LEASE seconds ahead) from a thread of its own. A running report
whose lease has run out and whose advisory lock nobody holds has lost its worker; a queued
report whose message is in neither the broker's queue nor its unacknowledged set for
GOVERNANCE_REPORT_REQUEUE_AFTER seconds has lost its message (Redis restarted empty, or a
publish failed after the commit). `reports_recover_stuck` sends both again; every worker
runs it when it starts and every few seconds after (portal.worker), and asking again for
such a report runs it for that report.
"""
import logging
import threading
import time
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, connections, transaction
from django.utils import timezone

from portal import broker, pdf
from portal.dates import long_date
from portal.errors import ApplicationError, ErrorCode

from .. import permissions, quarters, report_order
from ..models import Board, BoardReport, ReportComment, ReportRead, ReportStatus
from .common import require, save

log = logging.getLogger(__name__)
LOCK_SPACE = 0x6A6370 << 32  # "jcp": advisory-lock keys for board reports
IN_PROGRESS = (ReportStatus.QUEUED, ReportStatus.RUNNING)
FINISHED = (ReportStatus.READY, ReportStatus.PUBLISHED)
COMMENT_MAX = 5000
TASK_NAME = "governance.produce_board_report"


def _enqueue(report_id):
    """Produce the report after the commit: queued for a worker, or on the eager default in
    the background thread (portal.background), so the request answers at once."""
    from portal import background

    from ..reports import tasks

    background.defer(tasks.produce_board_report, report_id)  # 503 now if Redis is down


UNFINISHED_MESSAGE = ("{period} has not ended yet, so the report will leave out what happens "
                      "before {end}. Confirm that you want it now.")


def quarter_unfinished(year, quarter, today=None) -> bool:
    """True when the quarter has begun but not yet ended."""
    start, end = quarters.quarter_bounds(year, int(quarter))
    today = today or timezone.localdate()
    return start <= today <= end


# --- request ---------------------------------------------------------------------------
def report_request(*, actor, board, year, quarter, new_version=False,
                   confirm_unfinished=False, hold=False):
    """Ask for the board's report for a quarter; returns (report, created).

    Asking again returns the existing latest version (a failed one is queued again).
    `new_version` adds a version after a ready, published or failed one; while a version is
    queued or running, that version is returned instead. A quarter that has not ended is
    produced only with `confirm_unfinished` (the refusal's `confirm_with` names it).
    `hold` creates a new report without queueing it: the caller queues it with
    `reports_release` (a quarter's burst queues children before parents).
    """
    try:
        quarters.quarter_bounds(year, int(quarter))
    except (TypeError, ValueError) as exc:
        field = "year" if "year" in str(exc) else "quarter"
        raise ApplicationError(str(exc), errors={field: [str(exc)]}) from exc
    quarter = int(quarter)
    if actor is not None:
        require(permissions.can_run_board(actor, board))
    if quarters.quarter_bounds(year, quarter)[0] > timezone.localdate():
        message = "A report can be produced once its quarter has begun."
        raise ApplicationError(message, errors={"quarter": [message]})
    if quarter_unfinished(year, quarter) and not confirm_unfinished and \
            _would_create(_latest(board, year, quarter), new_version):
        end = quarters.quarter_bounds(year, quarter)[1]
        message = UNFINISHED_MESSAGE.format(period=quarters.label(year, quarter),
                                            end=long_date(end))
        raise ApplicationError(message, errors={"confirm_unfinished": [message]},
                               extra={"confirm_with": "confirm_unfinished"})
    try:
        return _request(actor, board, year, quarter, new_version, hold)
    except IntegrityError:
        # Another request created the same version between our check and insert
        # (SQLite has no row locks): that report is the answer.
        latest = _latest(board, year, quarter)
        return latest, False


@transaction.atomic
def _request(actor, board, year, quarter, new_version, hold=False):
    Board.objects.select_for_update().filter(pk=board.pk).first()  # serialise requests
    latest = _latest(board, year, quarter)
    if not _would_create(latest, new_version):
        if latest.status == ReportStatus.FAILED and not new_version:
            latest.status, latest.error = ReportStatus.QUEUED, ""
            latest.queued_at = timezone.now()
            save(latest, actor)
            _enqueue(latest.pk)
        elif latest.status in IN_PROGRESS and _maybe_stuck(latest, timezone.now()) and \
                _recover(latest.pk, timezone.now(), broker.pending_args(TASK_NAME)):
            # Asked again while stuck (its worker died, its message was lost): sent again
            # now rather than answered with the stuck row.
            latest.refresh_from_db()
        return latest, False
    report = BoardReport(board=board, year=year, quarter=quarter,
                         version=(latest.version + 1) if latest else 1, requested_by=actor,
                         queued_at=timezone.now())
    save(report, actor)
    if not hold:
        _enqueue(report.pk)
    return report, True


def _would_create(latest, new_version) -> bool:
    return latest is None or (new_version and latest.status not in IN_PROGRESS)


def _latest(board, year, quarter):
    return (BoardReport.objects.filter(board=board, year=year, quarter=quarter)
            .order_by("-version").first())


# --- produce ---------------------------------------------------------------------------
@contextmanager
def production_lock(report_id):
    """Yield True when this process may produce the report (PostgreSQL advisory lock)."""
    if connection.vendor != "postgresql":
        yield True
        return
    key = LOCK_SPACE + int(report_id)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
        owned = cursor.fetchone()[0]
    try:
        yield owned
    finally:
        if owned:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [key])


@transaction.atomic
def _claim(report_id):
    report = BoardReport.objects.select_for_update().filter(pk=report_id).first()
    if report is None or report.status in FINISHED:
        return None
    report.status = ReportStatus.RUNNING
    report.started_at, report.finished_at = timezone.now(), None
    report.lease_until = report.started_at + timedelta(
        seconds=settings.GOVERNANCE_REPORT_LEASE)
    report.attempts += 1
    report.error = ""
    report.save(update_fields=["status", "started_at", "lease_until", "finished_at",
                               "attempts", "error"])
    return BoardReport.objects.select_related("board__local_area").get(pk=report_id)


@transaction.atomic
def _finish(claimed, assembled, rendered):
    report = BoardReport.objects.select_for_update().get(pk=claimed.pk)
    if report.status != ReportStatus.RUNNING or report.started_at != claimed.started_at:
        log.warning("Report %s was taken over while rendering; result discarded", report.pk)
        return report
    name = f"{report.year}-Q{report.quarter}-v{report.version}.pdf"
    stale = report.pdf.name or None
    if stale and report.pdf.storage.exists(stale):
        report.pdf.storage.delete(stale)
    report.pdf.save(name, ContentFile(rendered.content), save=False)
    report.sha256, report.page_count = rendered.sha256, rendered.page_count
    report.data, report.html = assembled.snapshot, assembled.body
    report.status, report.finished_at = ReportStatus.READY, timezone.now()
    report.lease_until = None
    report._history_user = None
    report.save()
    return report


def report_fail(*, report_id, reason: str):
    with transaction.atomic():
        report = BoardReport.objects.select_for_update().filter(pk=report_id).first()
        if report is None or report.status in FINISHED:
            return report
        report.status, report.error = ReportStatus.FAILED, reason[:2000]
        report.finished_at, report.lease_until = timezone.now(), None
        report.save(update_fields=["status", "error", "finished_at", "lease_until"])
    _release_parents(report)  # a failed child does not hold its parents back for ever
    return report


# --- children before parents -----------------------------------------------------------
def _children_settled(board_id, year, quarter) -> bool:
    """True when no board reporting to `board_id` has a report for the quarter still queued
    or running (two queries)."""
    children = report_order.children_ids(board_id)
    return not children or not BoardReport.objects.filter(
        board_id__in=children, year=year, quarter=quarter, status__in=IN_PROGRESS).exists()


def _release_parents(report):
    """A report has finished (ready or failed): queue each parent board's held report for
    the same quarter once every board reporting to that parent has finished too.

    Safe under concurrency: of two children finishing together, the one that commits last
    sees the other finished and queues the parent; if both do, the second delivery is a
    no-op (the advisory lock and the claim make production happen once)."""
    if report is None or report.status in IN_PROGRESS:
        return
    for parent_id in report_order.parent_ids(report.board_id):
        held = (BoardReport.objects.filter(board_id=parent_id, year=report.year,
                                           quarter=report.quarter)
                .order_by("-version").values_list("pk", "status").first())
        if held and held[1] == ReportStatus.QUEUED and \
                _children_settled(parent_id, report.year, report.quarter):
            _enqueue(held[0])


def reports_release(reports) -> list[int]:
    """Queue the held reports whose children have nothing left in progress for the same
    quarter; the others are queued by their last child as it finishes. Returns the ids
    queued now."""
    queued = []
    for report in reports:
        if report.status == ReportStatus.QUEUED and \
                _children_settled(report.board_id, report.year, report.quarter):
            _enqueue(report.pk)
            queued.append(report.pk)
    return queued


def render_report_pdf(report, body):
    title = f"{report.board.name}: quarterly report, {report.period_label}"
    html = pdf.document_html(title=title, body=body,
                             running_header=f"{report.board.name} · {report.period_label}")
    return pdf.render_pdf(html)


def report_produce(*, report_id):
    """Produce the report once. Transient database errors propagate (the task retries);
    anything else marks the report failed with the reason."""
    from ..reports.assembly import assemble

    with production_lock(report_id) as owned:
        if not owned:
            log.info("Report %s is being produced by another worker", report_id)
            return None
        claimed = _claim(report_id)
        if claimed is None:  # already finished: a repeated delivery still releases parents
            report = BoardReport.objects.filter(pk=report_id).first()
            _release_parents(report)
            return report
        try:
            with lease_kept(claimed):
                delay = getattr(settings, "GOVERNANCE_REPORT_TEST_DELAY", 0)
                if delay:  # test settings only: a long report for the fault tests
                    time.sleep(delay)
                assembled = assemble(claimed)
                rendered = render_report_pdf(claimed, assembled.body)
            finished = _finish(claimed, assembled, rendered)
        except TRANSIENT_ERRORS:
            raise
        except Exception as exc:  # noqa: BLE001 - any other failure is recorded, not retried
            log.exception("Report %s failed", report_id)
            return report_fail(report_id=report_id, reason=f"{exc.__class__.__name__}: {exc}")
        _release_parents(finished)
        return finished


@contextmanager
def lease_kept(claimed):
    """Renew the claimed report's lease from a thread of our own while the block runs.

    The thread has its own database connection (so a dropped production connection does
    not stop it) and closes it when done. Inside an outer transaction (tests) the claim is
    not visible to other connections yet, so there is nothing to renew."""
    if transaction.get_connection().in_atomic_block:
        yield
        return
    stop = threading.Event()
    every = settings.GOVERNANCE_REPORT_HEARTBEAT
    lease = timedelta(seconds=settings.GOVERNANCE_REPORT_LEASE)

    def renew():
        try:
            while not stop.wait(every):
                try:
                    BoardReport.objects.filter(
                        pk=claimed.pk, status=ReportStatus.RUNNING,
                        started_at=claimed.started_at,
                    ).update(lease_until=timezone.now() + lease)
                except TRANSIENT_ERRORS as exc:
                    log.warning("Report %s: lease not renewed: %s", claimed.pk, exc)
                    connections.close_all()
        finally:
            connections.close_all()  # this thread's connection only

    thread = threading.Thread(target=renew, name=f"report-{claimed.pk}-lease", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(every + 5)


def _transient_errors():
    from django.db import InterfaceError, OperationalError

    return (OperationalError, InterfaceError, ConnectionError, TimeoutError)


TRANSIENT_ERRORS = _transient_errors()


# --- recovery (every worker, every few seconds: portal.worker; and the beat) ----------
def _stuck(row, now, pending) -> bool:
    """Has this in-progress report lost its worker or its message? (`row` holds status,
    started_at, lease_until, queued_at, requested_at; `pending` the report ids whose
    messages the broker holds, or None when it cannot be read.)"""
    cutoff = now - timedelta(seconds=settings.GOVERNANCE_REPORT_STUCK_AFTER)
    if row["status"] == ReportStatus.RUNNING:
        if row["lease_until"] is not None:
            return row["lease_until"] < now
        return bool(row["started_at"] and row["started_at"] < cutoff)
    queued_at = row["queued_at"] or row["requested_at"]
    if pending is None:  # no broker to ask: only the long time limit
        return queued_at < cutoff
    requeue_after = now - timedelta(seconds=settings.GOVERNANCE_REPORT_REQUEUE_AFTER)
    return row["id"] not in pending and queued_at < requeue_after


FIELDS = ("id", "status", "started_at", "lease_until", "queued_at", "requested_at")


def _maybe_stuck(report, now) -> bool:
    """The cheap test first: could the report be stuck whatever the broker holds?"""
    row = {f: getattr(report, f) for f in FIELDS}
    if row["status"] == ReportStatus.QUEUED:
        return _stuck(row, now, set())  # as if its message were missing
    return _stuck(row, now, None)


def _recover(pk, now, pending) -> bool:
    """Queue the report again if it is stuck; True when it was. The row is re-checked under
    its lock (another sweep may have just sent it), and the message goes out after the
    production lock is released, so the worker that takes it finds the lock free."""
    with production_lock(pk) as owned:
        if not owned:
            return False  # a live worker is producing it
        with transaction.atomic():
            report = BoardReport.objects.select_for_update().filter(pk=pk).first()
            if report is None or report.status not in IN_PROGRESS or not _stuck(
                    {f: getattr(report, f) for f in FIELDS}, now, pending):
                return False
            if report.status == ReportStatus.QUEUED and not _children_settled(
                    report.board_id, report.year, report.quarter):
                return False  # held for its children: the last of them queues it
            log.warning("Report %s was %s with no live worker or message: queued again",
                        pk, report.status)
            report.status, report.queued_at = ReportStatus.QUEUED, timezone.now()
            report.lease_until = None
            report.save(update_fields=["status", "queued_at", "lease_until"])
    with transaction.atomic():
        _enqueue(pk)
    return True


def reports_recover_stuck(*, now=None) -> list[int]:
    """Queue again every report that lost its worker (running, lease run out, lock free) or
    its message (queued, no message in the broker for GOVERNANCE_REPORT_REQUEUE_AFTER
    seconds); without a readable broker, queued ones after GOVERNANCE_REPORT_STUCK_AFTER."""
    now = now or timezone.now()
    rows = list(BoardReport.objects.filter(status__in=IN_PROGRESS).values(*FIELDS))
    if not rows:
        return []
    # The broker is read (one round trip) only when a queued report is old enough to be
    # sent again were its message missing.
    pending = None
    if any(r["status"] == ReportStatus.QUEUED and _stuck(r, now, set()) for r in rows):
        pending = broker.pending_args(TASK_NAME)
    recovered = []
    for row in rows:
        if not _stuck(row, now, pending):
            continue
        try:
            if _recover(row["id"], now, pending):
                recovered.append(row["id"])
        except ApplicationError as exc:  # the broker is down: the next sweep sends them
            log.error("Stuck reports not sent again: %s", exc.message)
            break
    return recovered


def reports_request_due(*, today=None) -> list[BoardReport]:
    """From the Nth working day after a quarter ends, every board has that quarter's report
    requested (idempotent: a board that has one keeps it)."""
    today = today or timezone.localdate()
    year, quarter = quarters.last_ended_quarter(today)
    due = quarters.working_days_after(quarters.quarter_bounds(year, quarter)[1],
                                      settings.GOVERNANCE_REPORT_WORKING_DAYS)
    if today < due:
        return []
    return reports_request_quarter(year=year, quarter=quarter)


def reports_request_quarter(*, year, quarter, boards=None) -> list[BoardReport]:
    """Request every board's report for a quarter in one burst, children before parents.

    Every new report is created first (held), leaves first (`report_order.children_first`);
    then the leaves' reports are queued, and each parent's report is queued by the last of
    its children to finish (`_release_parents`), so its roll-up holds their figures. No
    worker ever waits. Idempotent: a board that has the quarter's report keeps it."""
    boards = {b.pk: b for b in (Board.objects.all() if boards is None else boards)}
    created = []
    for _, pk in report_order.children_first(boards):
        report, is_new = report_request(actor=None, board=boards[pk], year=year,
                                        quarter=quarter, hold=True)
        if is_new:
            created.append(report)
    reports_release(created)
    return created


# --- publish, read, comment ------------------------------------------------------------
@transaction.atomic
def report_publish(*, actor, report) -> BoardReport:
    report = BoardReport.objects.select_for_update().select_related("board").get(pk=report.pk)
    if actor is not None:
        require(permissions.can_publish_report(actor, report))
    elif report.status != ReportStatus.READY:
        raise ApplicationError("Only a ready report can be published.", code=ErrorCode.CONFLICT)
    if not report.pdf or pdf.sha256_of(report.pdf) != report.sha256:
        raise ApplicationError("The stored PDF does not match its checksum; produce a new "
                               "version.", code=ErrorCode.CONFLICT)
    report.status = ReportStatus.PUBLISHED
    report.published_at, report.published_by = timezone.now(), actor
    save(report, actor)
    from portal import background

    from ..reports import tasks

    background.notify(tasks.notify_report_published, report.pk)  # never fails the request
    return report


def report_mark_read(*, actor, report) -> ReportRead:
    require(permissions.can_view_reports(actor, report.board), not_found=True)
    read, _ = ReportRead.objects.get_or_create(report=report, user=actor)
    return read


@transaction.atomic
def report_comment_add(*, actor, report, body, parent=None) -> ReportComment:
    require(permissions.can_comment_on_report(actor, report))
    body = (body or "").strip()
    if not body:
        raise ApplicationError("Write a comment.", errors={"body": ["Enter your comment."]})
    if len(body) > COMMENT_MAX:
        message = f"Keep the comment under {COMMENT_MAX} characters."
        raise ApplicationError(message, errors={"body": [message]})
    if parent is not None and parent.report_id != report.pk:
        raise ApplicationError("Reply to a comment on this report.",
                               errors={"parent": ["Reply to a comment on this report."]})
    return save(ReportComment(report=report, parent=parent, author=actor, body=body), actor)
