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
from agencies.roles import AreaPerm
from portal import audit

from . import permissions
from .models import (
    AgendaItem,
    Attendance,
    Board,
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
    qs = _visible_boards(actor).select_related("parent", "local_area").annotate(
        member_count=Count("members", distinct=True))
    if local_area is not None:
        qs = qs.filter(local_area=local_area)
    return qs.order_by("local_area__name", "name")


def board_tree(boards) -> list[dict]:
    """Nest boards under their parents: [{"board": b, "children": [...]}], top boards first."""
    nodes = {b.pk: {"board": b, "children": []} for b in boards}
    roots = []
    for board in boards:
        parent = nodes.get(board.parent_id)
        (parent["children"] if parent else roots).append(nodes[board.pk])
    return roots


def board_get(*, actor, pk):
    qs = _visible_boards(actor).select_related("local_area", "parent").prefetch_related(
        Prefetch("members", queryset=BoardMember.objects.select_related("user", "agency")
                 .order_by("role", "user__last_name", "user__first_name")),
        "scope_agencies", "quorum_agencies",
        Prefetch("children", queryset=Board.objects.order_by("name")))
    return get_object_or_404(qs, pk=pk)


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
            "parent_id": "board it reports to", "meeting_frequency": "meeting frequency",
            "delegated_limit": "delegated limit", "quorum": "quorum"},
    m2m={"quorum_agencies": "agencies needed for a quorum",
         "scope_agencies": "agencies in the board's scope"},
    money=frozenset({"delegated_limit"}))
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

    def seat(record):
        return f"Seat of {people.get(record.user_id, 'a former user')}"

    return audit.newest_first(
        ((when, kind, who, what or "Board set up", detail)
         for when, kind, who, what, detail in audit.changes(board, BOARD_WATCH)),
        audit.row_changes(BoardMember, seats, SEAT_WATCH, seat))


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
