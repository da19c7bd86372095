"""Boards, their scope and their members; seats carry access through guardian."""
from decimal import Decimal

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from guardian.shortcuts import assign_perm, remove_perm

from agencies.models import Agency
from portal import audit
from portal.errors import ApplicationError
from portal.money import to_money

from .. import permissions
from ..models import Board, BoardMember
from ..roles import GROUP_PERMS, RUNNING_ROLES, BoardPerm, BoardRole, board_group_name
from .common import require, save

BOARD_FIELDS = ("name", "short_name", "purpose", "meeting_frequency", "delegated_limit",
                "quorum")


def _check_actor(actor, area):
    if actor is not None:
        require(permissions.can_administer_boards(actor, area))


def _check_agencies(area, agencies, field):
    agencies = list(agencies or [])
    if any(a.local_area_id != area.pk for a in agencies):
        raise ApplicationError("Agencies must belong to the board's local area.",
                               errors={field: ["Choose agencies of this local area."]})
    return agencies


def _check_parent(board, parent):
    if parent is None:
        return
    if parent.local_area_id != board.local_area_id:
        raise ApplicationError("A board reports to a board of the same local area.",
                               errors={"parent": ["Choose a board of this local area."]})
    seen, current = set(), parent
    while current is not None:
        if current.pk == board.pk or current.pk in seen:
            raise ApplicationError("A board cannot report to itself or to a board below it.",
                                   errors={"parent": ["That would make a loop."]})
        seen.add(current.pk)
        current = current.parent


def _apply(board, actor, fields, parent, scope_agencies, quorum_agencies):
    for key, value in fields.items():
        if key in BOARD_FIELDS:
            setattr(board, key, value)
    board.delegated_limit = to_money(board.delegated_limit or Decimal("0"))
    if board.delegated_limit < 0:
        raise ApplicationError("The delegated limit cannot be negative.",
                               errors={"delegated_limit": ["Enter zero or more."]})
    _check_parent(board, parent)
    board.parent = parent
    dupe = Board.objects.filter(local_area_id=board.local_area_id, name=board.name)
    if dupe.exclude(pk=board.pk).exists():
        raise ApplicationError("A board with that name already exists here.",
                               errors={"name": ["A board with that name already exists."]})
    save(board, actor)
    if scope_agencies is not None:
        board.scope_agencies.set(_check_agencies(board.local_area, scope_agencies,
                                                 "scope_agencies"))
    if quorum_agencies is not None:
        board.quorum_agencies.set(_check_agencies(board.local_area, quorum_agencies,
                                                  "quorum_agencies"))
    return board


@transaction.atomic
def board_create(*, actor, local_area, name, parent=None, scope_agencies=None,
                 quorum_agencies=None, **fields) -> Board:
    _check_actor(actor, local_area)
    board = Board(local_area=local_area, name=name)
    with audit.creating(board):  # scope and quorum agencies belong to the creation
        board = _apply(board, actor, fields, parent, scope_agencies, quorum_agencies)
    _board_group(board)
    return board


@transaction.atomic
def board_update(*, actor, board, parent=..., scope_agencies=None, quorum_agencies=None,
                 **fields) -> Board:
    board = Board.objects.select_for_update().get(pk=board.pk)
    _check_actor(actor, board.local_area)
    parent = board.parent if parent is ... else parent
    return _apply(board, actor, fields, parent, scope_agencies, quorum_agencies)


def _board_group(board) -> Group:
    """The board's one guardian group, holding the members' permissions (idempotent)."""
    group, created = Group.objects.get_or_create(name=board_group_name(board.pk))
    if created:
        for perm in GROUP_PERMS:
            assign_perm(f"governance.{perm}", group, board)
    return group


def _seat_active(seat, on=None):
    on = on or timezone.localdate()
    return (seat.starts is None or seat.starts <= on) and (seat.ends is None or seat.ends >= on)


def _sync_access(user, board):
    """Group membership and the direct `run_board` grant follow the person's active seat."""
    seat = BoardMember.objects.filter(board=board, user=user).first()
    active = seat is not None and _seat_active(seat)
    group = _board_group(board)
    if active:
        user.groups.add(group)
    else:
        user.groups.remove(group)
    if active and seat.role in RUNNING_ROLES:
        assign_perm(f"governance.{BoardPerm.RUN}", user, board)
    else:
        remove_perm(f"governance.{BoardPerm.RUN}", user, board)
    permissions.clear_cache(user)


@transaction.atomic
def board_member_add(*, actor, board, user, agency: Agency, role=BoardRole.MEMBER,
                     starts=None, ends=None, only_new=False) -> BoardMember:
    """Give a person a seat on the board (or change their role/agency/dates).

    `only_new` (the "add a seat" page and the API) refuses a person who already has a seat:
    their seat is changed on its own page instead."""
    _check_actor(actor, board.local_area)
    role = BoardRole(role)
    if agency.local_area_id != board.local_area_id:
        raise ApplicationError("A member represents an agency of the board's local area.",
                               errors={"agency": ["Choose an agency of this local area."]})
    if starts and ends and ends < starts:
        raise ApplicationError("The seat cannot end before it starts.",
                               errors={"ends": ["Enter a date after the start."]})
    if actor is not None and not user.memberships.filter(
            agency__local_area_id=board.local_area_id).exists():
        raise ApplicationError("A seat is for someone who works in the board's local area.",
                               errors={"user": ["Choose a person of this local area."]})
    seat = BoardMember.objects.select_for_update().filter(board=board, user=user).first()
    if seat is not None and only_new:
        raise ApplicationError(f"{user} already has a seat on this board.",
                               errors={"user": ["This person already has a seat on this "
                                                "board; change that seat instead."]})
    seat = seat or BoardMember(board=board, user=user)
    seat.agency, seat.role, seat.starts, seat.ends = agency, role, starts, ends
    save(seat, actor)
    _sync_access(user, board)
    return seat


@transaction.atomic
def board_member_update(*, actor, seat, agency: Agency, role, starts=None,
                        ends=None) -> BoardMember:
    """Change a seat's agency, role or dates (access follows at once)."""
    return board_member_add(actor=actor, board=seat.board, user=seat.user, agency=agency,
                            role=role, starts=starts, ends=ends)


@transaction.atomic
def board_member_end(*, actor, seat, on=None) -> BoardMember:
    seat = BoardMember.objects.select_for_update().select_related("board", "user").get(
        pk=seat.pk)
    _check_actor(actor, seat.board.local_area)
    seat.ends = on or timezone.localdate()
    save(seat, actor)
    _sync_access(seat.user, seat.board)
    return seat


def board_access_sync(*, on=None) -> int:
    """Bring board groups in step with seat dates (run daily by beat)."""
    changed = 0
    group_ids = {}
    for seat in BoardMember.objects.select_related("board", "user"):
        name = board_group_name(seat.board_id)
        if name not in group_ids:
            group_ids[name] = _board_group(seat.board).pk
        in_group = seat.user.groups.filter(pk=group_ids[name]).exists()
        if in_group != _seat_active(seat, on):
            _sync_access(seat.user, seat.board)
            changed += 1
    return changed
