"""Boards, their scope and their members; seats carry access through guardian."""
from decimal import Decimal

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from guardian.shortcuts import assign_perm, remove_perm

from agencies.models import Agency
from portal import audit
from portal.errors import ApplicationError
from portal.grants import assign_perms
from portal.money import to_money

from .. import permissions, referrals
from ..graph import Graph
from ..models import Board, BoardDelegation, BoardMember
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


def check_reports_to(board, parents) -> list[Board]:
    """The boards `board` may report to: of its local area, and no loop (a board cannot
    report to itself or to a board below it). Raises with the loop spelled out."""
    parents = list(dict.fromkeys(parents or []))
    if any(p.local_area_id != board.local_area_id for p in parents):
        raise ApplicationError("A board reports to boards of the same local area.",
                               errors={"reports_to": ["Choose boards of this local area."]})
    if board.pk is None:
        return parents  # a new board has nothing below it yet
    loop = Graph.of_area(board.local_area_id).cycle_path(board.pk, [p.pk for p in parents])
    if loop is not None:
        names = dict(Board.objects.filter(pk__in=loop).values_list("pk", "name"))
        names[board.pk] = board.name or names.get(board.pk, "This board")
        chain = " reports to ".join(names[pk] for pk in reversed(loop))
        message = (f"{names[board.pk]} cannot report to {names[loop[-2]]}: that would make a loop "
                   f"({chain}). A board cannot report to itself or to a board below it.")
        raise ApplicationError(message, errors={"reports_to": [message]})
    return parents


def check_decides_for(board, decides_for) -> list[tuple[Agency, Decimal | None]]:
    """[(agency, limit or None)] from pairs, {"agency", "limit"} mappings or agencies:
    agencies of the board's area, each once, limits zero or more."""
    rows, seen = [], set()
    for item in decides_for or []:
        if isinstance(item, Agency):
            agency, limit = item, None
        elif isinstance(item, dict):
            agency, limit = item.get("agency"), item.get("limit")
        else:
            agency, limit = item
        if agency.local_area_id != board.local_area_id:
            raise ApplicationError("A board decides for agencies of its own local area.",
                                   errors={"decides_for": ["Choose agencies of this local area."]})
        if agency.pk in seen:
            message = f"{agency} is listed twice."
            raise ApplicationError(message, errors={"decides_for": [message]})
        seen.add(agency.pk)
        if limit is not None and limit != "":
            limit = to_money(limit)
            if limit < 0:
                raise ApplicationError("A delegated limit cannot be negative.",
                                       errors={"decides_for": ["Enter zero or more."]})
        else:
            limit = None
        rows.append((agency, limit))
    return rows


def _set_decides_for(board, actor, rows):
    """Make the board's delegations exactly `rows`, each change audited."""
    current = {d.agency_id: d for d in BoardDelegation.objects.select_for_update().filter(
        board=board)}
    wanted = {agency.pk: (agency, limit) for agency, limit in rows}
    for agency_id, delegation in current.items():
        if agency_id not in wanted:
            delegation._history_user = actor
            delegation.delete()
    for agency_id, (agency, limit) in wanted.items():
        delegation = current.get(agency_id)
        if delegation is None:
            save(BoardDelegation(board=board, agency=agency, limit=limit), actor)
        elif delegation.limit != limit:
            delegation.limit = limit
            save(delegation, actor)


def _apply(board, actor, fields, reports_to, decides_for, scope_agencies, quorum_agencies):
    for key, value in fields.items():
        if key in BOARD_FIELDS:
            setattr(board, key, value)
    board.delegated_limit = to_money(board.delegated_limit or Decimal("0"))
    if board.delegated_limit < 0:
        raise ApplicationError("The delegated limit cannot be negative.",
                               errors={"delegated_limit": ["Enter zero or more."]})
    if reports_to is not None:
        reports_to = check_reports_to(board, reports_to)
    if decides_for is not None:
        decides_for = check_decides_for(board, decides_for)
    dupe = Board.objects.filter(local_area_id=board.local_area_id, name=board.name)
    if dupe.exclude(pk=board.pk).exists():
        raise ApplicationError("A board with that name already exists here.",
                               errors={"name": ["A board with that name already exists."]})
    save(board, actor)
    if reports_to is not None:
        board.reports_to.set(reports_to)
    if decides_for is not None:
        _set_decides_for(board, actor, decides_for)
    if scope_agencies is not None:
        board.scope_agencies.set(_check_agencies(board.local_area, scope_agencies,
                                                 "scope_agencies"))
    if quorum_agencies is not None:
        board.quorum_agencies.set(_check_agencies(board.local_area, quorum_agencies,
                                                  "quorum_agencies"))
    if decides_for is not None or reports_to is not None or "delegated_limit" in fields:
        # A board that can now take referrals nobody could take before takes them.
        transaction.on_commit(lambda: referrals.reroute_unrouted(board.local_area_id))
    return board


@transaction.atomic
def board_create(*, actor, local_area, name, reports_to=None, decides_for=None,
                 scope_agencies=None, quorum_agencies=None, **fields) -> Board:
    """A new board. `reports_to`: boards of the area; `decides_for`: (agency, limit or
    None) pairs, {"agency", "limit"} mappings or agencies (limit None: the board's own)."""
    _check_actor(actor, local_area)
    board = Board(local_area=local_area, name=name)
    with audit.creating(board):  # the board's agencies and links belong to the creation
        board = _apply(board, actor, fields, reports_to, decides_for, scope_agencies,
                       quorum_agencies)
    _board_group(board)
    return board


@transaction.atomic
def board_update(*, actor, board, reports_to=None, decides_for=None, scope_agencies=None,
                 quorum_agencies=None, **fields) -> Board:
    """Change a board; a keyword left out (None) leaves that part as it is."""
    board = Board.objects.select_for_update().get(pk=board.pk)
    _check_actor(actor, board.local_area)
    return _apply(board, actor, fields, reports_to, decides_for, scope_agencies,
                  quorum_agencies)


def _board_group(board) -> Group:
    """The board's one guardian group, holding the members' permissions (idempotent)."""
    group, created = Group.objects.get_or_create(name=board_group_name(board.pk))
    if created:
        assign_perms(GROUP_PERMS, group, board)
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
