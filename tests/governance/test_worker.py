"""Reports on the real services: a Celery worker subprocess on Redis, PostgreSQL.

- SIGKILL the worker mid-report, start it again: the report finishes exactly once.
- Two concurrent requests (two web processes) yield one report.
- Two deliveries of the same task to two workers produce it once.
- Two beats at once request one report per board.
"""
import threading
import time
from pathlib import Path

import pytest
from django.db import connection

from governance import services
from governance.models import BoardReport, ReportStatus
from governance.reports import tasks
from tests.factories.governance import busy_quarter

# xdist_group: every test that starts a real worker runs in one pytest process, one after
# another (`--dist loadgroup`): the workers share Redis's queue and would take each
# other's tasks.
pytestmark = [pytest.mark.celery_worker, pytest.mark.postgres,
              pytest.mark.xdist_group("celery-worker"),
              pytest.mark.django_db(transaction=True)]


def wait_for(predicate, timeout, interval=0.01, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def status_of(pk):
    return BoardReport.objects.filter(pk=pk).values_list("status", flat=True).first()


def pdf_files(media):
    return sorted(p.name for p in Path(media).rglob("*.pdf"))


def ready_transitions(report):
    """How many times the audit trail saw the report become ready."""
    statuses = list(report.history.order_by("history_date", "history_id")
                    .values_list("status", flat=True))
    return sum(1 for before, after in zip([None, *statuses], statuses, strict=False)
               if after == ReportStatus.READY and before != ReportStatus.READY)


def test_a_report_survives_a_killed_worker_and_finishes_exactly_once(gov, celery_worker,
                                                                      media):
    busy_quarter(gov.board, meetings=12, items=12)  # long enough to be caught mid-render
    worker = celery_worker.start(visibility_timeout=12)
    report, created = services.report_request(actor=gov.secretary, board=gov.board,
                                              year="2025-26", quarter=2)
    assert created
    wait_for(lambda: status_of(report.pk) == ReportStatus.RUNNING, 60, what="running")
    worker.kill()
    report.refresh_from_db()
    assert report.status == ReportStatus.RUNNING and not report.pdf  # killed mid-report
    assert pdf_files(media) == []

    started = time.monotonic()
    celery_worker.start(visibility_timeout=12)
    wait_for(lambda: status_of(report.pk) == ReportStatus.READY, 120, interval=0.2,
             what="the report to finish after the restart")
    recovered_in = time.monotonic() - started
    report.refresh_from_db()
    finished_at = report.finished_at
    assert report.attempts == 2  # the killed attempt and the one that finished
    assert pdf_files(media) == ["2025-26-Q2-v1.pdf"]
    assert report.sha256 and report.page_count >= 10
    # Nothing else happens afterwards: no second production, no duplicate version.
    time.sleep(4)
    report.refresh_from_db()
    assert (report.status, report.finished_at, report.attempts) == (
        ReportStatus.READY, finished_at, 2)
    assert BoardReport.objects.filter(board=gov.board).count() == 1
    assert ready_transitions(report) == 1
    print(f"recovered {recovered_in:.1f} s after the restart; {report.page_count} pages")


def _in_threads(count, target):
    """Run `target(i)` in `count` threads released together; each uses its own connection."""
    barrier = threading.Barrier(count)
    results, errors = [None] * count, []

    def run(i):
        try:
            barrier.wait()
            results[i] = target(i)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    return results


def test_two_concurrent_requests_yield_one_report(gov, celery_worker, media):
    celery_worker.start()
    results = _in_threads(2, lambda i: services.report_request(
        actor=gov.secretary, board=gov.board, year="2025-26", quarter=2))
    (first, first_created), (second, second_created) = results
    assert first.pk == second.pk
    assert sorted([first_created, second_created]) == [False, True]
    wait_for(lambda: status_of(first.pk) == ReportStatus.READY, 60, interval=0.1,
             what="ready")
    report = BoardReport.objects.get(pk=first.pk)
    assert report.attempts == 1 and BoardReport.objects.count() == 1
    assert pdf_files(media) == ["2025-26-Q2-v1.pdf"]


def test_two_workers_given_the_same_task_produce_it_once(gov, celery_worker, media):
    busy_quarter(gov.board, meetings=4, items=6)
    celery_worker.start()
    celery_worker.start()
    report = BoardReport.objects.create(board=gov.board, year="2025-26", quarter=2,
                                        requested_by=gov.secretary)
    for _ in range(3):  # a duplicate delivery, a second beat, a retry...
        tasks.produce_board_report.delay(report.pk)
    wait_for(lambda: status_of(report.pk) == ReportStatus.READY, 60, interval=0.1,
             what="ready")
    time.sleep(3)  # let the other deliveries run
    report.refresh_from_db()
    assert report.attempts == 1
    assert ready_transitions(report) == 1
    assert pdf_files(media) == ["2025-26-Q2-v1.pdf"]


def test_two_beats_at_once_request_one_report_per_board(gov, celery_worker, settings):
    from datetime import date

    from tests.factories.governance import board

    board(gov.area, name="SEND Commissioning Hub", reports_to=gov.board)
    settings.GOVERNANCE_REPORT_WORKING_DAYS = 5
    results = _in_threads(2, lambda i: services.reports_request_due(today=date(2025, 10, 7)))
    assert sum(len(r) for r in results) == 2
    assert BoardReport.objects.filter(year="2025-26", quarter=2).count() == 2
