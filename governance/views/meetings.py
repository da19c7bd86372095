"""Meeting page (agenda, attendance, quorum, minutes) and the secretary's forms."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from commissioning.models import Intention
from portal.dates import long_date
from portal.errors import ApplicationError

from .. import permissions, referrals, selectors, services
from ..forms import AgendaItemForm, AttendanceForm, DecisionForm, MeetingForm, MinutesForm
from .common import form_errors, form_page, require_or_404


@login_required
@require_http_methods(["GET", "POST"])
def meeting_create(request, pk):
    board = selectors.board_get(actor=request.user, pk=pk)
    require_or_404(permissions.can_run_board(request.user, board))
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_create(actor=request.user, board=board,
                                              **form.cleaned_data)
        except ApplicationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, "The meeting was added.")
            return redirect("governance:meeting-detail", pk=meeting.pk)
    return form_page(request, form, title="Add a meeting", submit="Add meeting",
                      back=reverse("governance:board-detail", args=[board.pk]),
                      caption=board.name,
                      status=400 if form.errors else 200)


@login_required
def meeting_detail(request, pk):
    meeting = selectors.meeting_get(actor=request.user, pk=pk)
    board = meeting.board
    return render(request, "governance/meeting_detail.html", {
        "page_title": f"{board.name}, {long_date(meeting.date)}", "meeting": meeting,
        "board": board, "quorum": services.quorum_check(meeting),
        "can_run": permissions.can_run_board(request.user, board).allowed,
    })


@login_required
@require_http_methods(["GET", "POST"])
def meeting_minutes(request, pk):
    meeting = selectors.meeting_get(actor=request.user, pk=pk)
    require_or_404(permissions.can_run_board(request.user, meeting.board))
    form = MinutesForm(request.POST or None, initial={"minutes": meeting.minutes,
                                                      "status": meeting.status})
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_update(actor=request.user, meeting=meeting, **form.cleaned_data)
        except ApplicationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, "The minutes were saved.")
            return redirect("governance:meeting-detail", pk=meeting.pk)
    return form_page(request, form, title="Minutes and status", submit="Save minutes",
                      back=reverse("governance:meeting-detail", args=[meeting.pk]),
                      caption=str(meeting),
                      status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def attendance(request, pk):
    meeting = selectors.meeting_get(actor=request.user, pk=pk)
    require_or_404(permissions.can_run_board(request.user, meeting.board))
    members = list(meeting.board.members.all())
    present = [str(a.member_id) for a in meeting.attendance.all() if a.present]
    form = AttendanceForm(request.POST or None, members=members, initial={"present": present})
    if request.method == "POST" and form.is_valid():
        try:
            services.attendance_set(actor=request.user, meeting=meeting,
                                    present_member_ids=form.cleaned_data["present"])
        except ApplicationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, "Attendance was recorded.")
            return redirect("governance:meeting-detail", pk=meeting.pk)
    return form_page(request, form, title="Record attendance", submit="Save attendance",
                      back=reverse("governance:meeting-detail", args=[meeting.pk]),
                      caption=str(meeting),
                      status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def agenda_item_create(request, pk):
    meeting = selectors.meeting_get(actor=request.user, pk=pk)
    board = meeting.board
    require_or_404(permissions.can_run_board(request.user, board))
    intentions = Intention.objects.filter(local_area_id=board.local_area_id).order_by(
        "reference")
    form = AgendaItemForm(request.POST or None, intentions=intentions,
                          referrals=referrals.waiting_for([board.pk]))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        intention_id = data.pop("intention")
        data["intention"] = intentions.filter(pk=intention_id).first() if intention_id else None
        try:
            services.agenda_item_add(actor=request.user, meeting=meeting, **data)
        except ApplicationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, "The item was added to the agenda.")
            return redirect("governance:meeting-detail", pk=meeting.pk)
    return form_page(request, form, title="Add an agenda item", submit="Add item",
                      back=reverse("governance:meeting-detail", args=[meeting.pk]),
                      caption=str(meeting),
                      status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def decision_record(request, pk):
    item = selectors.agenda_item_get(actor=request.user, pk=pk)
    meeting = item.meeting
    require_or_404(permissions.can_run_board(request.user, meeting.board))
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.decision_record(actor=request.user, agenda_item=item, **form.cleaned_data)
        except ApplicationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, f"The decision on \u201c{item.title}\u201d was recorded.")
            return redirect("governance:meeting-detail", pk=meeting.pk)
    return form_page(request, form, title="Record the board's decision", submit="Record decision",
                      back=reverse("governance:meeting-detail", args=[meeting.pk]),
                      caption=item.title,
                      status=400 if form.errors else 200)
