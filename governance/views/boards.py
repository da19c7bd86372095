"""The boards list (an accessible tree) and the board page."""
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from .. import permissions, referrals, selectors
from ..forms import ReportRequestForm
from ..quarters import last_ended_quarter
from .common import require_area


@login_required
def board_list(request):
    area = require_area(request)
    boards = list(selectors.board_list(actor=request.user, local_area=area))
    return render(request, "governance/board_list.html", {
        "page_title": "Boards", "tree": selectors.board_tree(boards), "boards": boards,
        "can_set_up": permissions.can_administer_boards(request.user, area).allowed,
    })


@login_required
def board_detail(request, pk):
    board = selectors.board_get(actor=request.user, pk=pk)
    can_read = permissions.can_view_reports(request.user, board).allowed
    can_run = permissions.can_run_board(request.user, board).allowed
    can_set_up = permissions.can_administer_boards(request.user, board.local_area).allowed
    year, quarter = last_ended_quarter(timezone.localdate())
    return render(request, "governance/board_detail.html", {
        "page_title": board.name, "board": board,
        "meetings": selectors.meeting_list(actor=request.user, board=board)[:12],
        "reports": selectors.report_list(actor=request.user, board=board) if can_read else [],
        "referrals": referrals.waiting_for([board.pk]),
        "can_read": can_read, "can_run": can_run, "can_set_up": can_set_up,
        "schedule": selectors.meeting_schedule(board=board),
        "request_form": ReportRequestForm(initial={"year": year, "quarter": quarter}),
        # who changed seats, scope, quorum and the delegated limit (issue 12)
        "changes": selectors.board_changes(board),
        # While a report is being produced the board page links to it instead of offering
        # the request button again (the service would return that same report).
        "in_progress": selectors.report_in_progress(board=board) if can_run else None,
    })
