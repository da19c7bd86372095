"""Roles on a board and the board permissions they carry.

Every seat puts the person in the board's one guardian group (`board:<id>`), which holds
`view_board` and `view_reports_board` on that board; secretaries also hold
`run_board` (meetings, decisions, report requests and publishing) directly on the board.
"""
from django.db import models


class BoardRole(models.TextChoices):
    CHAIR = "chair", "Chair"
    VICE_CHAIR = "vice-chair", "Vice-chair"
    MEMBER = "member", "Member"
    SECRETARY = "secretary", "Secretary"
    ADVISER = "adviser", "Adviser"


class BoardPerm(models.TextChoices):
    """Permission codenames on a Board."""

    VIEW = "view_board", "See the board"
    VIEW_REPORTS = "view_reports_board", "Read the board's reports"
    RUN = "run_board", "Run the board's meetings, decisions and reports"


GROUP_PERMS = (BoardPerm.VIEW, BoardPerm.VIEW_REPORTS)
RUNNING_ROLES = frozenset({BoardRole.SECRETARY})


def board_group_name(board_id: int) -> str:
    return f"board:{board_id}"
