"""The order a quarter's board reports are produced in: children before parents.

A parent board's report rolls up its children's stored figures, so it must be produced
after theirs (and the roll-up takes in every board below, so every descendant too).
`board_levels` works on any directed acyclic graph of `Board.reports_to` edges (a board
may report to several boards): a board nothing reports to is level 0, any other board is
1 + the highest level of the boards reporting to it. `reporting_edges`, `children_ids` and
`parent_ids` are the one place that reads the edges from the database.
"""
from collections import defaultdict

from .models import Board

Through = Board.reports_to.through  # from_board reports to to_board


class CycleError(ValueError):
    """The reporting graph has a loop, so no board in it can go first."""


def board_levels(board_ids, edges) -> dict[int, int]:
    """{board id: level} for `board_ids`, given (child id, parent id) edges.

    Kahn's algorithm from the leaves up: a board is placed once every board reporting to
    it has been placed. Edges to boards outside `board_ids` are ignored. Raises CycleError
    when some boards are never placed (a loop)."""
    ids = set(board_ids)
    parents, waiting = defaultdict(set), dict.fromkeys(ids, 0)
    for child, parent in set(edges):
        if child in ids and parent in ids and child != parent:
            parents[child].add(parent)
            waiting[parent] += 1
        elif child == parent and child in ids:
            raise CycleError(f"Board {child} reports to itself.")
    level = dict.fromkeys(ids, 0)
    ready = sorted(pk for pk, count in waiting.items() if count == 0)
    placed = 0
    while ready:
        pk = ready.pop()
        placed += 1
        for parent in parents[pk]:
            level[parent] = max(level[parent], level[pk] + 1)
            waiting[parent] -= 1
            if waiting[parent] == 0:
                ready.append(parent)
    if placed != len(ids):
        stuck = sorted(pk for pk, count in waiting.items() if count)
        raise CycleError(f"The boards {stuck} report to each other in a loop.")
    return level


def reporting_edges(*, board_ids=None) -> list[tuple[int, int]]:
    """(child id, parent id) for every reports-to edge (one query)."""
    rows = Through.objects.all()
    if board_ids is not None:
        rows = rows.filter(from_board_id__in=board_ids)
    return list(rows.values_list("from_board_id", "to_board_id"))


def children_ids(board_id) -> list[int]:
    """The boards reporting to `board_id`."""
    return list(Through.objects.filter(to_board_id=board_id)
                .values_list("from_board_id", flat=True))


def parent_ids(board_id) -> list[int]:
    """The boards `board_id` reports to."""
    return list(Through.objects.filter(from_board_id=board_id)
                .values_list("to_board_id", flat=True))


def children_first(board_ids) -> list[tuple[int, int]]:
    """[(level, board id)] sorted leaves first, then by id (two queries at most)."""
    ids = list(board_ids)
    levels = board_levels(ids, reporting_edges())
    return sorted((levels[pk], pk) for pk in ids)
