"""The reports-to graph of an area's boards, read once as edges and walked in memory.

A board may report to several boards (`Board.reports_to`); the graph has no cycles (the
services refuse one with `cycle_path`). Every walk here is over a dict built from one query,
so callers cost a constant number of queries however deep the graph is.
"""
from collections import deque

from .models import Board

Through = Board.reports_to.through


class Graph:
    """Edges child -> parents and parent -> children of one area (or of given edges)."""

    def __init__(self, edges):
        self.up: dict[int, list[int]] = {}
        self.down: dict[int, list[int]] = {}
        for child, parent in edges:
            self.up.setdefault(child, []).append(parent)
            self.down.setdefault(parent, []).append(child)

    @classmethod
    def of_area(cls, area_id):
        """One query: every reports-to edge between the area's boards."""
        return cls(Through.objects.filter(from_board__local_area_id=area_id)
                   .values_list("from_board_id", "to_board_id"))

    @classmethod
    def of_areas(cls, area_ids):
        return cls(Through.objects.filter(from_board__local_area_id__in=list(area_ids))
                   .values_list("from_board_id", "to_board_id"))

    def parents(self, board_id) -> list[int]:
        return self.up.get(board_id, [])

    def children(self, board_id) -> list[int]:
        return self.down.get(board_id, [])

    def _walk(self, start_ids, step) -> dict[int, int]:
        """{board id: distance} of every board reached from `start_ids` (excluded), each
        once, at its shortest distance."""
        seen: dict[int, int] = {}
        queue = deque((b, 0) for b in start_ids)
        starts = set(start_ids)
        while queue:
            current, distance = queue.popleft()
            for nxt in step(current):
                if nxt in seen or nxt in starts:
                    continue
                seen[nxt] = distance + 1
                queue.append((nxt, distance + 1))
        return seen

    def ancestors(self, start_ids) -> dict[int, int]:
        """Every board the given boards report to, directly or further up: {id: distance}."""
        return self._walk(list(start_ids), self.parents)

    def descendants(self, start_ids) -> dict[int, int]:
        """Every board reporting to the given boards, however deep: {id: distance}."""
        return self._walk(list(start_ids), self.children)

    def path_down(self, top_id, bottom_id) -> list[int] | None:
        """A shortest chain of boards from `top_id` down to `bottom_id` (both included)."""
        previous = {top_id: None}
        queue = deque([top_id])
        while queue:
            current = queue.popleft()
            if current == bottom_id:
                path = []
                while current is not None:
                    path.append(current)
                    current = previous[current]
                return path[::-1]
            for nxt in self.children(current):
                if nxt not in previous:
                    previous[nxt] = current
                    queue.append(nxt)
        return None

    def cycle_path(self, board_id, parent_ids) -> list[int] | None:
        """If `board_id` were to report to `parent_ids`, the loop it would make (a list of
        board ids starting and ending with `board_id`), else None."""
        for parent in parent_ids:
            if parent == board_id:
                return [board_id, board_id]
            down = self.path_down(board_id, parent)
            if down is not None:
                return [*down, board_id]
        return None
