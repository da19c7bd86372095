"""Who may see and run which boards, and read their reports.

Boards are visible to the internal roles of their local area (their terms of reference,
members and meetings are the partnership's business). Reports go only to the board's own
members and secretaries (through the board's guardian group) and to the area's
administrators. Grants are read once per request and cached on the user object, so lists
cost a constant number of queries.
"""
from agencies import permissions as agency_permissions
from agencies.roles import AreaPerm
from portal.decisions import Decision

from .models import BoardGroupObjectPermission, BoardUserObjectPermission, ReportStatus
from .roles import BoardPerm

_CACHE_ATTR = "_jcp_board_permission_cache"
NOT_FOUND = "No such board, or you do not have access to it."


def clear_cache(user):
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def board_ids_for(user, perm=BoardPerm.VIEW_REPORTS) -> set[int]:
    """Boards on which the person holds `perm` through their seat (not as administrator)."""
    if not user.is_authenticated:
        return set()
    cache = getattr(user, _CACHE_ATTR, None)
    if cache is None:
        cache = {}
        setattr(user, _CACHE_ATTR, cache)
    if "grants" not in cache:
        # Every board permission at once: a page asks for several (view, reports).
        cache["grants"] = agency_permissions.read_grants(user, BoardGroupObjectPermission,
                                                         BoardUserObjectPermission)
    return cache["grants"].get(str(perm)) or set()


def admin_area_ids(user) -> set[int]:
    return agency_permissions.area_ids_for(user, AreaPerm.ADMINISTER)


def _area_id(board):
    return board.local_area_id


def can_view_board(user, board) -> Decision:
    if user.is_authenticated and user.is_superuser:
        return Decision.allow()
    if board.pk in board_ids_for(user, BoardPerm.VIEW):
        return Decision.allow()
    if agency_permissions.can_view_internal(user, _area_id(board)):
        return Decision.allow()
    return Decision.deny(NOT_FOUND)


def can_view_reports(user, board) -> Decision:
    if user.is_authenticated and user.is_superuser:
        return Decision.allow()
    if board.pk in board_ids_for(user, BoardPerm.VIEW_REPORTS):
        return Decision.allow()
    if _area_id(board) in admin_area_ids(user):
        return Decision.allow()
    return Decision.deny("Only the board's members, secretaries and the area's "
                         "administrators read its reports.")


def can_run_board(user, board) -> Decision:
    """Secretaries and area administrators run meetings, decisions and reports."""
    if user.is_authenticated and user.is_superuser:
        return Decision.allow()
    if board.pk in board_ids_for(user, BoardPerm.RUN):
        return Decision.allow()
    if _area_id(board) in admin_area_ids(user):
        return Decision.allow()
    return Decision.deny("Only the board's secretary or the area's administrators may do this.")


def can_administer_boards(user, area) -> Decision:
    """Setting up boards and seats is the local-area administrators' job."""
    if user.is_authenticated and user.is_superuser:
        return Decision.allow()
    return agency_permissions.can_administer_area(user, area)


def can_comment_on_report(user, report) -> Decision:
    decision = can_view_reports(user, report.board)
    if not decision:
        return decision
    if report.status not in (ReportStatus.READY, ReportStatus.PUBLISHED):
        return Decision.deny("Comments open once the report is ready.")
    return Decision.allow()


def can_publish_report(user, report) -> Decision:
    decision = can_run_board(user, report.board)
    if not decision:
        return decision
    if report.status != ReportStatus.READY:
        return Decision.deny("Only a ready report can be published.")
    return Decision.allow()


def can_view_report(user, report) -> Decision:
    """Runners (secretaries, administrators) see every version; members see what is ready
    for them: published versions."""
    if can_run_board(user, report.board):
        return Decision.allow()
    decision = can_view_reports(user, report.board)
    if not decision:
        return decision
    if report.status != ReportStatus.PUBLISHED:
        return Decision.deny("The report is not published yet.")
    return Decision.allow()
