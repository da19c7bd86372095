"""Reads for boards, meetings and reports, already filtered to what the actor may see.

Missing and forbidden are the same 404. Every list costs a constant number of queries:
grants are read once (cached on the user) and turned into id sets.
"""
from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from agencies import permissions as agency_permissions
from agencies.models import Agency
from agencies.roles import AreaPerm
from portal import audit
from portal.errors import ApplicationError
from portal.money import format_gbp

from . import permissions
from .models import (
    AgendaItem,
    Attendance,
    Board,
    BoardDelegation,
    BoardMember,
    BoardReport,
    Meeting,
    MeetingStatus,
    ReportComment,
    ReportRead,
    ReportStatus,
)
from .roles import BoardPerm


def _visible_boards(actor):
    if actor.is_superuser:
        return Board.objects.all()
    internal = agency_permissions.area_ids_for(actor, AreaPerm.VIEW_INTERNAL)
    return Board.objects.filter(Q(local_area_id__in=internal)
                                | Q(pk__in=permissions.board_ids_for(actor, BoardPerm.VIEW)))


def board_list(*, actor, local_area=None):
    qs = _visible_boards(actor).select_related("local_area").annotate(
        member_count=Count("members", distinct=True)).prefetch_related(
        Prefetch("reports_to", queryset=Board.objects.only("pk", "name", "short_name")
                 .order_by("name")),
        Prefetch("delegations", queryset=BoardDelegation.objects.select_related("agency")
                 .order_by("agency__name")))
    if local_area is not None:
        qs = qs.filter(local_area=local_area)
    return qs.order_by("local_area__name", "name")


def board_tree(boards) -> list[dict]:
    """The reports-to graph as nested lists, top boards first; a board that reports to
    several boards is listed under each of them, its subtree drawn in full the first time
    and by reference after that:

        [{"board": b, "children": [...], "also": [other parents], "repeat": False}]

    `also` names the other boards it reports to (shown as "(also reports to …)"); `repeat`
    is True where the board was already drawn in full above. Works from each board's
    prefetched `reports_to` (see `board_list`): no queries of its own."""
    by_pk = {b.pk: b for b in boards}
    parents = {b.pk: [p for p in b.reports_to.all() if p.pk in by_pk] for b in boards}
    children: dict[int, list] = {}
    for board in boards:
        for parent in parents[board.pk]:
            children.setdefault(parent.pk, []).append(board)
    drawn: set[int] = set()

    def node(board, via, path):
        also = [by_pk[p.pk] for p in parents[board.pk] if via is None or p.pk != via.pk]
        repeat = board.pk in drawn
        drawn.add(board.pk)
        kids = [] if repeat or board.pk in path else [
            node(child, board, path | {board.pk})
            for child in sorted(children.get(board.pk, []), key=lambda c: c.name)]
        return {"board": board, "children": kids, "also": also if via is not None else [],
                "repeat": repeat, "child_count": len(children.get(board.pk, []))}

    roots = [b for b in boards if not parents[b.pk]]
    return [node(b, None, frozenset()) for b in sorted(roots, key=lambda b: b.name)]


def board_get(*, actor, pk):
    qs = _visible_boards(actor).select_related("local_area").prefetch_related(
        Prefetch("members", queryset=BoardMember.objects.select_related("user", "agency")
                 .order_by("role", "user__last_name", "user__first_name")),
        "scope_agencies", "quorum_agencies",
        Prefetch("delegations", queryset=BoardDelegation.objects.select_related("agency")
                 .order_by("agency__name")),
        Prefetch("reports_to", queryset=Board.objects.order_by("name")),
        Prefetch("reporting_boards", queryset=Board.objects.order_by("name")))
    return get_object_or_404(qs, pk=pk)


def area_for_boards(*, actor, slug):
    """The local area a new board is for, by slug, among the areas the actor sees inside
    (404 otherwise); the create service then asks whether they may administer it."""
    from agencies.models import LocalArea

    if not slug or not isinstance(slug, str):
        message = "Enter the local area's slug."
        raise ApplicationError(message, errors={"local_area": [message]})
    areas = LocalArea.objects.all() if actor.is_superuser else LocalArea.objects.filter(
        pk__in=agency_permissions.area_ids_for(actor, AreaPerm.VIEW_INTERNAL))
    return get_object_or_404(areas, slug=slug)


def _of_area(model, area, ids, field, what):
    ids = list(dict.fromkeys(ids))
    found = model.objects.filter(local_area=area, pk__in=ids).in_bulk()
    missing = [pk for pk in ids if pk not in found]
    if missing:
        message = f"No {what} of this local area has the id {missing[0]}."
        raise ApplicationError(message, errors={field: [message]})
    return [found[pk] for pk in ids]


def boards_of_area(area, ids, *, field="reports_to") -> list:
    """The area's boards with these ids, in the order given (one query); an id that is not
    a board of the area is refused with the field's error."""
    return _of_area(Board, area, ids, field, "board")


def agencies_of_area(area, ids, *, field="decides_for") -> list:
    """The area's agencies with these ids, in the order given, repeats kept (one query)."""
    found = {a.pk: a for a in _of_area(Agency, area, ids, field, "agency")}
    return [found[pk] for pk in ids]


def seat_list(*, actor, board):
    """The seats of a board the actor may see (the board fetched through `board_get`)."""
    return (BoardMember.objects.filter(board=board, board__in=_visible_boards(actor))
            .select_related("user", "agency")
            .order_by("role", "user__last_name", "user__first_name", "pk"))


def seat_get(*, actor, pk):
    """A seat on a board the actor may see; 404 for missing and forbidden alike."""
    qs = BoardMember.objects.filter(board__in=_visible_boards(actor)).select_related(
        "board__local_area", "user", "agency")
    return get_object_or_404(qs, pk=pk)


def person_of_area(area, user_id, *, field="user"):
    """An active person holding a role in the area (a seat is for them); refused with the
    field's error otherwise (someone of another area is not named)."""
    person = (get_user_model().objects.filter(
        pk=user_id, is_active=True, memberships__agency__local_area=area).distinct().first())
    if person is None:
        raise ApplicationError("Choose a person of this local area.",
                               errors={field: ["Choose a person of this local area."]})
    return person


def meeting_list(*, actor, board=None, local_area=None):
    qs = Meeting.objects.filter(board__in=_visible_boards(actor)).select_related("board")
    if board is not None:
        qs = qs.filter(board=board)
    if local_area is not None:
        qs = qs.filter(board__local_area=local_area)
    return qs.annotate(item_count=Count("agenda", distinct=True)).order_by("-date", "pk")


def meeting_schedule(*, board, on=None, limit=12):
    """The board's next scheduled meetings, soonest first (the board page's schedule; the
    board itself was already fetched for the actor)."""
    on = on or timezone.localdate()
    return list(Meeting.objects.filter(board=board, date__gte=on,
                                       status=MeetingStatus.SCHEDULED).order_by("date")[:limit])


def meeting_get(*, actor, pk):
    qs = Meeting.objects.filter(board__in=_visible_boards(actor)).select_related(
        "board__local_area").prefetch_related(
        Prefetch("agenda", queryset=AgendaItem.objects.select_related(
            "decision", "intention", "report").order_by("position")),
        Prefetch("attendance", queryset=Attendance.objects.select_related(
            "member__user", "member__agency")),
        "board__quorum_agencies",
        Prefetch("board__members", queryset=BoardMember.objects.select_related(
            "user", "agency").order_by("role", "user__last_name")))
    return get_object_or_404(qs, pk=pk)


def agenda_item_get(*, actor, pk):
    qs = AgendaItem.objects.filter(meeting__board__in=_visible_boards(actor)).select_related(
        "meeting__board__local_area", "intention")
    return get_object_or_404(qs, pk=pk)


def _report_filter(actor) -> Q:
    """Reports the actor may see: every version of boards they run, published versions of
    boards they sit on."""
    if actor.is_superuser:
        return Q()
    runs = permissions.board_ids_for(actor, BoardPerm.RUN)
    reads = permissions.board_ids_for(actor, BoardPerm.VIEW_REPORTS)
    admin = permissions.admin_area_ids(actor)
    return (Q(board_id__in=runs) | Q(board__local_area_id__in=admin)
            | Q(board_id__in=reads, status=ReportStatus.PUBLISHED))


def report_list(*, actor, board=None, local_area=None, year=None):
    qs = BoardReport.objects.filter(_report_filter(actor)).select_related(
        "board__local_area").defer("html", "data")
    if board is not None:
        qs = qs.filter(board=board)
    if local_area is not None:
        qs = qs.filter(board__local_area=local_area)
    if year:
        qs = qs.filter(year=year)
    if actor.is_authenticated:
        qs = qs.annotate(is_read=Exists(ReportRead.objects.filter(report=OuterRef("pk"),
                                                                  user=actor)))
    return qs.order_by("-year", "-quarter", "board__name", "-version")


def report_get(*, actor, pk):
    qs = BoardReport.objects.filter(_report_filter(actor)).select_related(
        "board__local_area", "requested_by", "published_by")
    report = qs.filter(pk=pk).first()
    if report is None:
        raise Http404("No such report")
    return report


def report_comments(*, report) -> list[dict]:
    """Comments as a thread: [{"comment": c, "replies": [...]}] (one query)."""
    comments = list(ReportComment.objects.filter(report=report).select_related("author")
                    .order_by("created_at", "pk"))
    nodes = {c.pk: {"comment": c, "replies": []} for c in comments}
    roots = []
    for comment in comments:
        parent = nodes.get(comment.parent_id)
        (parent["replies"] if parent else roots).append(nodes[comment.pk])
    return roots


def previous_report(*, actor, report):
    """The latest finished report of the previous quarter that the actor may see."""
    from .quarters import previous_quarter

    year, quarter = previous_quarter(report.year, report.quarter)
    return (BoardReport.objects.filter(_report_filter(actor)).filter(
        board_id=report.board_id, year=year, quarter=quarter,
        status__in=(ReportStatus.READY, ReportStatus.PUBLISHED)).order_by("-version").first())


def is_read(*, actor, report) -> bool:
    return ReportRead.objects.filter(report=report, user=actor).exists()


# --- what changed (portal.audit) --------------------------------------------------------
BOARD_WATCH = audit.Watch(
    fields={"name": "name", "short_name": "short name", "purpose": "purpose",
            "meeting_frequency": "meeting frequency",
            "delegated_limit": "delegated limit", "quorum": "quorum"},
    m2m={"quorum_agencies": "agencies needed for a quorum",
         "scope_agencies": "agencies in the board's scope",
         "reports_to": "boards it reports to"},
    money=frozenset({"delegated_limit"}))
DELEGATION_WATCH = audit.Watch(fields={"limit": "limit (blank: the board's own)"})
SEAT_WATCH = audit.Watch(fields={"agency_id": "agency", "role": "role",
                                 "starts": "start date", "ends": "end date"})


def board_changes(board) -> list[dict]:
    """Who changed what on the board, newest first: its delegated limit from £X to £Y,
    agencies added to or removed from its quorum and scope, and every seat given, changed,
    ended or removed."""
    seats = list(BoardMember.history.filter(board_id=board.pk).select_related(
        "history_user").order_by("history_date", "history_id"))
    people = {u.pk: str(u) for u in get_user_model().objects.filter(
        pk__in={s.user_id for s in seats})}

    delegations = list(BoardDelegation.history.filter(board_id=board.pk).select_related(
        "history_user").order_by("history_date", "history_id"))
    agencies = dict(Agency.objects.filter(pk__in={d.agency_id for d in delegations})
                    .values_list("pk", "name"))

    def seat(record):
        return f"Seat of {people.get(record.user_id, 'a former user')}"

    def delegation(record):
        limit = "the board's limit" if record.limit is None else format_gbp(record.limit)
        return f"Decides for {agencies.get(record.agency_id, 'a former agency')} (up to {limit})"

    return audit.newest_first(
        ((when, kind, who, what or "Board set up", detail)
         for when, kind, who, what, detail in audit.changes(board, BOARD_WATCH)),
        audit.row_changes(BoardMember, seats, SEAT_WATCH, seat),
        audit.row_changes(BoardDelegation, delegations, DELEGATION_WATCH, delegation))


def report_recipients(*, report) -> list:
    """The board's current seats whose holders are e-mailed when the report is published
    (the publish page names them; `notify_report_published` writes to them)."""
    today = timezone.localdate()
    seats = (BoardMember.objects.filter(board=report.board).select_related("user", "agency")
             .exclude(ends__lt=today).exclude(starts__gt=today)
             .order_by("user__last_name", "user__first_name", "user__username"))
    return [seat for seat in seats if seat.user.email]


def report_in_progress(*, board):
    """The board's report being produced now (queued or running), if any."""
    in_progress = [ReportStatus.QUEUED, ReportStatus.RUNNING]
    return (BoardReport.objects.filter(board=board, status__in=in_progress)
            .defer("html", "data").order_by("-requested_at").first())
