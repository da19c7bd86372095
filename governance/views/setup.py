"""Setting boards up on pages (issue 13): a board's details, its seats and its meeting
schedule. Local-area administrators only (`permissions.can_administer_boards`, the rule the
services apply too); anyone else gets the same 404 as for a missing board."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from agencies import selectors as agency_selectors
from portal import periods
from portal.dates import long_date
from portal.errors import ApplicationError

from .. import permissions, selectors, services
from ..forms import BoardForm, ScheduleForm, SeatEndForm, SeatForm
from ..models import Board, BoardMember
from .common import form_errors, form_page, require_area, require_or_404


def _admin_board(request, pk):
    """The board, when the person may set it up; otherwise 404 (missing and forbidden alike)."""
    board = selectors.board_get(actor=request.user, pk=pk)
    require_or_404(permissions.can_administer_boards(request.user, board.local_area))
    return board


def _agencies(area):
    return list(area.agencies.filter(active=True).order_by("name"))


def _board_values(form, agencies, boards):
    data = {k: v for k, v in form.cleaned_data.items() if not k.startswith("limit_")}
    by_id = {str(a.pk): a for a in agencies}
    data["quorum_agencies"] = [by_id[i] for i in data["quorum_agencies"]]
    data["scope_agencies"] = [by_id[i] for i in data["scope_agencies"]]
    data["reports_to"] = [b for b in boards if str(b.pk) in set(data["reports_to"])]
    data["decides_for"] = form.decisions()
    data["name"] = data["name"].strip()
    return data


@login_required
@require_http_methods(["GET", "POST"])
def board_create(request):
    area = require_area(request)
    require_or_404(permissions.can_administer_boards(request.user, area))
    agencies = _agencies(area)
    boards = list(Board.objects.filter(local_area=area).order_by("name"))
    form = BoardForm(request.POST or None, agencies=agencies, boards=boards)
    if request.method == "POST" and form.is_valid():
        try:
            board = services.board_create(actor=request.user, local_area=area,
                                          **_board_values(form, agencies, boards))
        except ApplicationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, f"{board.name} was set up. Now give people seats on it.")
            return redirect("governance:board-detail", pk=board.pk)
    return form_page(request, form, title="Set up a board", submit="Set up board",
                      back=reverse("governance:board-list"), caption=area.name)


@login_required
@require_http_methods(["GET", "POST"])
def board_edit(request, pk):
    board = _admin_board(request, pk)
    agencies = _agencies(board.local_area)
    boards = list(Board.objects.filter(local_area_id=board.local_area_id).exclude(pk=board.pk)
                  .order_by("name"))
    initial = {"name": board.name, "short_name": board.short_name, "purpose": board.purpose,
               "reports_to": [str(b.pk) for b in board.reports_to.all()],
               "decides_for": [str(d.agency_id) for d in board.delegations.all()],
               "meeting_frequency": board.meeting_frequency,
               "delegated_limit": board.delegated_limit, "quorum": board.quorum,
               "quorum_agencies": [str(a.pk) for a in board.quorum_agencies.all()],
               "scope_agencies": [str(a.pk) for a in board.scope_agencies.all()],
               **{f"limit_{d.agency_id}": d.limit for d in board.delegations.all()}}
    form = BoardForm(request.POST or None, agencies=agencies, boards=boards, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.board_update(actor=request.user, board=board,
                                  **_board_values(form, agencies, boards))
        except ApplicationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, f"{board.name} was saved.")
            return redirect("governance:board-detail", pk=board.pk)
    return form_page(request, form, title="Change the board", submit="Save board",
                      back=reverse("governance:board-detail", args=[board.pk]),
                      caption=board.name)


def _seat_form(request, board, *, editing=False, initial=None):
    area = board.local_area
    people = [] if editing else list(agency_selectors.person_list(actor=request.user,
                                                                  local_area=area))
    agencies = _agencies(area)
    form = SeatForm(request.POST or None, people=people, agencies=agencies, editing=editing,
                    initial=initial)
    return form, people, agencies


@login_required
@require_http_methods(["GET", "POST"])
def seat_create(request, pk):
    board = _admin_board(request, pk)
    form, people, agencies = _seat_form(request, board)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        person = next(p for p in people if str(p.pk) == data["user"])
        agency = next(a for a in agencies if str(a.pk) == data["agency"])
        try:
            services.board_member_add(actor=request.user, board=board, user=person,
                                      agency=agency, role=data["role"], starts=data["starts"],
                                      ends=data["ends"], only_new=True)
        except ApplicationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, f"{person} now has a seat on {board.name}.")
            return redirect(reverse("governance:board-detail", args=[board.pk]) + "#members")
    return form_page(request, form, title="Add a seat", submit="Add seat",
                      back=reverse("governance:board-detail", args=[board.pk]),
                      caption=board.name)


def _admin_seat(request, pk):
    seat = get_object_or_404(BoardMember.objects.select_related("board__local_area", "user",
                                                                "agency"), pk=pk)
    _admin_board(request, seat.board_id)  # 404 unless the person may set the board up
    return seat


@login_required
@require_http_methods(["GET", "POST"])
def seat_edit(request, pk):
    seat = _admin_seat(request, pk)
    board = seat.board
    form, _, agencies = _seat_form(request, board, editing=True, initial={
        "agency": str(seat.agency_id), "role": seat.role, "starts": seat.starts,
        "ends": seat.ends})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        agency = next(a for a in agencies if str(a.pk) == data["agency"])
        try:
            services.board_member_update(actor=request.user, seat=seat, agency=agency,
                                         role=data["role"], starts=data["starts"],
                                         ends=data["ends"])
        except ApplicationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, f"The seat of {seat.user} was saved.")
            return redirect(reverse("governance:board-detail", args=[board.pk]) + "#members")
    return form_page(request, form, title=f"Change the seat of {seat.user}",
                      submit="Save seat", caption=board.name,
                      back=reverse("governance:board-detail", args=[board.pk]))


@login_required
@require_http_methods(["GET", "POST"])
def seat_end(request, pk):
    seat = _admin_seat(request, pk)
    board = seat.board
    form = SeatEndForm(request.POST or None, initial={"on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.board_member_end(actor=request.user, seat=seat, on=form.cleaned_data["on"])
        except ApplicationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, f"The seat of {seat.user} ends on "
                                      f"{long_date(form.cleaned_data['on'])}.")
            return redirect(reverse("governance:board-detail", args=[board.pk]) + "#members")
    return form_page(request, form, title=f"End the seat of {seat.user}", submit="End seat",
                      caption=board.name, submit_warning=True,
                      back=reverse("governance:board-detail", args=[board.pk]),
                      intro="They keep access to the board until the end of that day; "
                            "the seat stays in the board's history.")


@login_required
@require_http_methods(["GET", "POST"])
def schedule(request, pk):
    board = _admin_board(request, pk)
    form = ScheduleForm(request.POST or None, initial={
        "year": _current_year(), "frequency": board.meeting_frequency, "first_month": 4,
        "week": 1, "weekday": 2})
    if request.method == "POST" and form.is_valid():
        try:
            made = services.meeting_schedule_generate(actor=request.user, board=board,
                                                      **form.cleaned_data)
        except ApplicationError as exc:
            form_errors(form, exc)
        else:
            skipped = (f" {len(made.skipped)} date{'s' if len(made.skipped) != 1 else ''} "
                       "already had a meeting and kept it.") if made.skipped else ""
            messages.success(request, f"{len(made.created)} meeting"
                                      f"{'s were' if len(made.created) != 1 else ' was'} "
                                      f"scheduled for {form.cleaned_data['year']}.{skipped}")
            return redirect(reverse("governance:board-detail", args=[board.pk]) + "#schedule")
    return form_page(request, form, title="Schedule the year's meetings",
                      submit="Schedule meetings", caption=board.name,
                      back=reverse("governance:board-detail", args=[board.pk]),
                      intro="Sets how often the board meets and adds its meetings for a "
                            "financial year. Dates that already have a meeting are kept.")


def _current_year():
    return periods.year_of(timezone.localdate())
