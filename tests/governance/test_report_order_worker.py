"""A quarter requested in one burst on a real 2-process Celery worker (Redis, PostgreSQL):
every parent's report is produced after its children's and rolls up their figures."""
import time
from datetime import date

import pytest

from governance import report_order, services
from governance.graph import Graph
from governance.models import BoardReport, ReportStatus
from tests.factories.governance import board, busy_quarter, decided_item, quorate_meeting, seat

pytestmark = [pytest.mark.celery_worker, pytest.mark.postgres,
              pytest.mark.xdist_group("celery-worker"),
              pytest.mark.django_db(transaction=True)]


def _tree(gov):
    """SEND Strategic Board <- Hub <- Panel (deep, slow leaf) and <- Health Panel."""
    hub = board(gov.area, name="SEND Commissioning Hub", reports_to=gov.board, scope=[gov.council])
    panel = board(gov.area, name="Short Breaks Panel", reports_to=hub, scope=[gov.council])
    health = board(gov.area, name="Health Panel", reports_to=gov.board, scope=[gov.icb])
    for b in (hub, panel, health):
        seat(b, gov.council, "secretary", user=gov.secretary)
        seat(b, gov.icb, "member")
    busy_quarter(panel, meetings=4, items=6)  # the slowest report is the deepest leaf
    held = quorate_meeting(hub)
    decided_item(held)
    decided_item(held, title="Equipment service", outcome="rejected")
    decided_item(quorate_meeting(health), title="Therapies", outcome="noted")
    return [gov.board, hub, panel, health]


def test_a_burst_on_two_processes_rolls_children_up_into_every_parent(gov, celery_worker,
                                                                      settings):
    settings.GOVERNANCE_REPORT_WORKING_DAYS = 5
    boards = _tree(gov)
    celery_worker.start(concurrency=2)
    started = time.monotonic()
    created = services.reports_request_due(today=date(2025, 10, 7))
    assert len(created) == 4
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        statuses = set(BoardReport.objects.values_list("status", flat=True))
        if statuses == {ReportStatus.READY}:
            break
        assert ReportStatus.FAILED not in statuses, list(
            BoardReport.objects.values_list("board__name", "error"))
        time.sleep(0.2)
    else:
        raise AssertionError("the quarter's reports did not all finish in 180 s: " + str(
            list(BoardReport.objects.values_list("board__name", "status"))))
    print(f"4 reports on 2 processes in {time.monotonic() - started:.1f} s")

    reports = {r.board_id: r for r in BoardReport.objects.all()}
    assert len(reports) == 4 and all(r.attempts == 1 for r in reports.values())
    graph = Graph(report_order.reporting_edges())
    for parent in boards:
        mine = reports[parent.pk]
        rolled = {row["board_id"]: row for row in mine.data["rollup"]}
        below = graph.descendants([parent.pk])  # the roll-up takes in every board below
        assert set(rolled) == set(below), parent.name
        for pk in below:
            theirs = reports[pk]
            # Produced after every board below finished, from their stored figures.
            assert mine.started_at >= theirs.finished_at, (parent.name, pk)
            assert rolled[pk]["report_id"] == theirs.pk
            assert {f["label"]: f["value"] for f in rolled[pk]["figures"]} == \
                theirs.data["figures"]
    top = {r["board"]: r for r in reports[boards[0].pk].data["rollup"]}
    assert set(top) == {"SEND Commissioning Hub", "Short Breaks Panel", "Health Panel"}
    hub_figures = {f["label"]: f["value"] for f in top["SEND Commissioning Hub"]["figures"]}
    assert hub_figures["Board business this quarter: Decisions made"] == "2"
    panel_rollup = reports[boards[1].pk].data["rollup"]
    assert [r["board"] for r in panel_rollup] == ["Short Breaks Panel"]
    panel_figures = {f["label"]: f["value"] for f in panel_rollup[0]["figures"]}
    assert panel_figures["Board business this quarter: Decisions made"] == "24"
