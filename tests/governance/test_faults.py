"""Faults on the real services (issue 15), with the promise each keeps: real Celery worker
processes, PostgreSQL, and Redis servers (a test's own when it restarts one).

- The whole worker SIGKILLed mid-report (main and pool process, as a container stop or a
  lost node does), with the production visibility timeout of 900 s: a new worker has the
  report ready within 30 s of its start, produced once. (Its lease ran out and nobody
  holds its lock; the new worker's start-up and periodic sweep send it again.)
- Only the pool process killed: requeued at once, produced once (kept from before).
- Redis restarted empty while one report runs and another waits in the queue: the worker
  itself (no beat runs here) sends the lost one again; both are ready within 60 s of the
  restart, each produced once.
- Asking again for a report whose message is gone sends it again at once.
"""
import os
import signal
import subprocess
import time

import pytest

from governance import services
from governance.models import BoardReport, ReportStatus
from portal import broker
from tests.factories.governance import board, busy_quarter

from .test_worker import pdf_files, ready_transitions, status_of, wait_for

pytestmark = [pytest.mark.celery_worker, pytest.mark.postgres,
              pytest.mark.xdist_group("celery-worker"),
              pytest.mark.django_db(transaction=True)]

PRODUCTION_VISIBILITY_TIMEOUT = 900  # portal/settings/base.py: never waited for here


def test_a_killed_worker_is_recovered_within_30_seconds_of_a_new_worker(gov, celery_worker,
                                                                        media):
    busy_quarter(gov.board, meetings=4, items=6)
    # The first worker takes 60 s over the report (test hook), so it is surely mid-report.
    worker = celery_worker.start(visibility_timeout=PRODUCTION_VISIBILITY_TIMEOUT,
                                 GOVERNANCE_REPORT_TEST_DELAY=60)
    report, created = services.report_request(actor=gov.secretary, board=gov.board,
                                              year="2025-26", quarter=2)
    assert created
    wait_for(lambda: status_of(report.pk) == ReportStatus.RUNNING, 60, what="running")
    time.sleep(3)  # a heartbeat or two: the lease is being renewed
    report.refresh_from_db()
    assert report.lease_until is not None and report.lease_until > report.started_at
    worker.kill()  # SIGKILL to the whole process group: main and pool process
    assert status_of(report.pk) == ReportStatus.RUNNING and pdf_files(media) == []

    started = time.monotonic()
    second = celery_worker.start(visibility_timeout=PRODUCTION_VISIBILITY_TIMEOUT)
    wait_for(lambda: status_of(report.pk) == ReportStatus.READY, 30, interval=0.2,
             what="the report to be ready within 30 s of the new worker's start")
    recovered_in = time.monotonic() - started
    report.refresh_from_db()
    assert report.attempts == 2  # the killed attempt and the one that finished
    assert pdf_files(media) == ["2025-26-Q2-v1.pdf"]
    assert "Worker sweep governance.services.reports_recover_stuck sent again" in second.log()
    # The killed worker's message is still unacknowledged in Redis (it returns after
    # 900 s): when it does, the report is ready and is not produced again. Nothing else
    # happens meanwhile either.
    time.sleep(6)
    after = BoardReport.objects.get(pk=report.pk)
    assert (after.status, after.finished_at, after.attempts) == (
        ReportStatus.READY, report.finished_at, 2)
    assert ready_transitions(after) == 1 and BoardReport.objects.count() == 1
    print(f"killed worker: ready {recovered_in:.1f} s after the new worker was started")


def test_a_killed_pool_process_is_recovered_at_once(gov, celery_worker, media):
    """Only the pool process dies (out of memory, a crash): Celery requeues the task at once
    (reject_on_worker_lost) and the same worker's new pool process produces it, once."""
    busy_quarter(gov.board, meetings=4, items=6)
    worker = celery_worker.start(visibility_timeout=PRODUCTION_VISIBILITY_TIMEOUT,
                                 GOVERNANCE_REPORT_TEST_DELAY=4)
    report, _ = services.report_request(actor=gov.secretary, board=gov.board,
                                        year="2025-26", quarter=2)
    wait_for(lambda: status_of(report.pk) == ReportStatus.RUNNING, 60, what="running")
    children = subprocess.run(["pgrep", "-P", str(worker.process.pid)], capture_output=True,
                              text=True, check=True).stdout.split()
    assert len(children) == 1
    killed = time.monotonic()
    os.kill(int(children[0]), signal.SIGKILL)
    wait_for(lambda: status_of(report.pk) == ReportStatus.READY, 30, interval=0.2,
             what="the report to be ready after its pool process was killed")
    recovered_in = time.monotonic() - killed
    report.refresh_from_db()
    assert report.attempts == 2 and ready_transitions(report) == 1
    assert pdf_files(media) == ["2025-26-Q2-v1.pdf"]
    print(f"killed pool process: ready {recovered_in:.1f} s after the kill "
          f"(including the test's 4 s delay)")


def test_a_report_lost_when_redis_restarts_empty_is_sent_again_by_the_worker(
        gov, area, celery_worker, own_redis, media):
    hub = board(area, name="SEND Commissioning Hub")
    worker = celery_worker.start(REDIS_URL=own_redis.url, GOVERNANCE_REPORT_TEST_DELAY=8)
    first, _ = services.report_request(actor=None, board=gov.board, year="2025-26",
                                       quarter=2)
    second, _ = services.report_request(actor=None, board=hub, year="2025-26", quarter=2)
    wait_for(lambda: status_of(first.pk) == ReportStatus.RUNNING, 60, what="running")
    assert status_of(second.pk) == ReportStatus.QUEUED  # its message waits in Redis
    assert broker.pending_args("governance.produce_board_report") == {first.pk, second.pk}

    own_redis.restart_empty()
    restarted = time.monotonic()
    assert broker.pending_args("governance.produce_board_report") == set()  # all gone
    wait_for(lambda: {status_of(first.pk), status_of(second.pk)} == {ReportStatus.READY},
             60, interval=0.2, what="both reports ready within 60 s of the restart")
    recovered_in = time.monotonic() - restarted
    for report in BoardReport.objects.filter(pk__in=[first.pk, second.pk]):
        assert ready_transitions(report) == 1
    assert BoardReport.objects.get(pk=second.pk).attempts == 1  # sent again, produced once
    assert len(pdf_files(media)) == 2 and BoardReport.objects.count() == 2
    assert f"sent again: [{second.pk}]" in worker.log()  # the worker's sweep, not beat
    print(f"Redis restarted empty: both ready {recovered_in:.1f} s after the restart")


def test_asking_again_for_a_report_whose_message_was_lost_sends_it_again(
        gov, celery_worker, own_redis, settings):
    settings.GOVERNANCE_REPORT_REQUEUE_AFTER = 5
    report, _ = services.report_request(actor=gov.secretary, board=gov.board,
                                        year="2025-26", quarter=2)
    assert broker.pending_args("governance.produce_board_report") == {report.pk}
    own_redis.restart_empty()  # no worker runs: the message is simply gone
    assert broker.pending_args("governance.produce_board_report") == set()

    # Within the grace period the row is left as it is (its message may be on its way).
    again, created = services.report_request(actor=gov.secretary, board=gov.board,
                                             year="2025-26", quarter=2)
    assert (again.pk, created) == (report.pk, False)
    assert broker.pending_args("governance.produce_board_report") == set()

    BoardReport.objects.filter(pk=report.pk).update(queued_at=report.queued_at.replace(
        year=report.queued_at.year - 1))
    again, created = services.report_request(actor=gov.secretary, board=gov.board,
                                             year="2025-26", quarter=2)
    assert (again.pk, created, again.status) == (report.pk, False, ReportStatus.QUEUED)
    assert again.queued_at > report.queued_at
    assert broker.pending_args("governance.produce_board_report") == {report.pk}
    assert BoardReport.objects.count() == 1


def test_reports_held_back_in_a_chain_count_as_pending(own_redis, settings):
    """A report whose task waits in another message (a chain's later link: children before
    parents) is not taken for lost by the sweep."""
    from celery import chain

    from governance.reports import tasks
    from portal.celery import app

    # Read before the setting changes: the Celery app reads its settings through.
    was_eager, app.conf.task_always_eager = app.conf.task_always_eager, False
    settings.CELERY_TASK_ALWAYS_EAGER = False
    try:
        chain(tasks.produce_board_report.si(101), tasks.produce_board_report.si(102),
              tasks.produce_board_report.si(103)).delay()
        tasks.sync_board_access.delay()  # another task's message: not counted
    finally:
        app.conf.task_always_eager = was_eager
    assert broker.pending_args("governance.produce_board_report") == {101, 102, 103}
