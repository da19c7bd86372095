"""Children before parents: board levels on a DAG, and a quarter requested in one burst
queues leaves first and each parent only once its children have finished."""
from datetime import date

import pytest

from governance import report_order, services
from governance.models import BoardReport, ReportStatus
from tests.factories.governance import board, decided_item, quorate_meeting, seat


def test_levels_of_a_tree_count_up_from_the_leaves():
    edges = [(2, 1), (3, 1), (4, 2), (5, 4)]  # 5 -> 4 -> 2 -> 1 <- 3
    assert report_order.board_levels([1, 2, 3, 4, 5], edges) == {5: 0, 4: 1, 2: 2, 3: 0,
                                                                  1: 3}


def test_levels_of_a_dag_take_the_longest_path_below():
    # 4 reports to both 2 and 3; 2 reports to 1; 3 reports to 1 and also directly 4 -> 1.
    edges = [(2, 1), (3, 1), (4, 2), (4, 3), (4, 1), (5, 3)]
    levels = report_order.board_levels([1, 2, 3, 4, 5, 6], edges)
    assert levels == {4: 0, 5: 0, 6: 0, 2: 1, 3: 1, 1: 2}
    # Every board comes after every board reporting to it.
    assert all(levels[child] < levels[parent] for child, parent in edges)


def test_a_loop_is_refused():
    with pytest.raises(report_order.CycleError):
        report_order.board_levels([1, 2, 3], [(1, 2), (2, 3), (3, 1)])
    with pytest.raises(report_order.CycleError):
        report_order.board_levels([1], [(1, 1)])


def test_edges_to_boards_outside_the_set_are_ignored():
    assert report_order.board_levels([1, 2], [(2, 1), (3, 2)]) == {2: 0, 1: 1}


@pytest.mark.django_db
def test_a_burst_queues_leaves_first_and_parents_after_their_children(
        gov, area, settings, django_capture_on_commit_callbacks, monkeypatch):
    """Eager: record the order reports are queued and produced in."""
    settings.GOVERNANCE_REPORT_WORKING_DAYS = 5
    hub = board(area, name="SEND Commissioning Hub", reports_to=gov.board, scope=[gov.council])
    panel = board(area, name="Short Breaks Panel", reports_to=hub, scope=[gov.council])
    other = board(area, name="Health Panel", reports_to=gov.board, scope=[gov.icb])
    for b in (hub, panel, other):
        seat(b, gov.council, "secretary", user=gov.secretary)
        seat(b, gov.icb, "member")
    decided_item(quorate_meeting(panel))
    queued = []
    real = services.reports._enqueue
    monkeypatch.setattr(services.reports, "_enqueue",
                        lambda pk: (queued.append(pk), real(pk)))
    with django_capture_on_commit_callbacks(execute=True):
        due = services.reports_request_due(today=date(2025, 10, 7))
    assert len(due) == 4
    by_board = {r.board_id: r.pk for r in BoardReport.objects.all()}
    order = [pk for pk in dict.fromkeys(queued)]  # first time each was queued
    assert order.index(by_board[panel.pk]) < order.index(by_board[hub.pk]) \
        < order.index(by_board[gov.board.pk])
    assert order.index(by_board[other.pk]) < order.index(by_board[gov.board.pk])
    reports = {r.board_id: r for r in BoardReport.objects.all()}
    assert all(r.status == ReportStatus.READY for r in reports.values())
    top = reports[gov.board.pk].data["rollup"]  # every board below, the nearest first
    assert [r["board"] for r in top] == ["Health Panel", "SEND Commissioning Hub",
                                         "Short Breaks Panel"]
    hub_rollup = reports[hub.pk].data["rollup"]
    assert [r["board"] for r in hub_rollup] == ["Short Breaks Panel"]
    figures = {f["label"]: f["value"] for f in hub_rollup[0]["figures"]}
    assert figures["Board business this quarter: Decisions made"] == "1"


@pytest.mark.django_db
def test_a_parent_is_held_while_a_child_is_in_progress(gov, area):
    hub = board(area, name="SEND Commissioning Hub", reports_to=gov.board)
    # Nothing runs (on_commit callbacks are not executed): both reports stay queued.
    created = services.reports_request_quarter(year="2025-26", quarter=2)
    assert len(created) == 2
    parent = BoardReport.objects.get(board=gov.board)
    child = BoardReport.objects.get(board=hub)
    assert services.reports_release([parent]) == []  # its child is still queued
    assert services.reports_release([child]) == [child.pk]
    BoardReport.objects.filter(pk=child.pk).update(status=ReportStatus.FAILED)
    assert services.reports_release([parent]) == [parent.pk]
