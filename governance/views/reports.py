"""Board reports: the members' library, the HTML report, the PDF (sha256 checked on every
download), comments, reading, publishing, requesting and comparing quarters."""
import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods, require_POST

from portal import pdf
from portal.errors import ApplicationError

from .. import permissions, selectors, services
from ..forms import CommentForm, ReportRequestForm
from ..models import ReportStatus
from ..reports.assembly import compare
from .common import form_errors, require_area, require_or_404

log = logging.getLogger(__name__)


def library_groups(reports):
    """Reports grouped by financial year and quarter, newest first."""
    groups = []
    for report in reports:
        key = (report.year, report.quarter)
        if not groups or groups[-1]["key"] != key:
            groups.append({"key": key, "label": report.period_label, "reports": []})
        groups[-1]["reports"].append(report)
    return groups


@login_required
def report_library(request):
    area = require_area(request)
    reports = list(selectors.report_list(actor=request.user, local_area=area))
    return render(request, "governance/report_library.html", {
        "page_title": "Board reports", "groups": library_groups(reports),
        "unread": sum(1 for r in reports if not r.is_read),
    })


# While a report is queued or running its page reloads itself every REFRESH_SECONDS, with
# no JavaScript: the HTTP `Refresh` header (which browsers treat as <meta http-equiv=
# "refresh">). The page says so, links to check now and lets the reader stop the reloading
# (`?refresh=off`), so the timing can be turned off (WCAG 2.2.1).
REFRESH_SECONDS = 5
COVER_END = "<!-- end of cover -->"


def split_cover(html: str) -> tuple[str, str]:
    """The stored report body split after its cover, which holds the page's h1, so that
    the page's actions sit below the h1. (Reports stored before the marker existed split
    after their first section, which is the cover.)"""
    marker = COVER_END if COVER_END in html else "</section>"
    head, found, tail = html.partition(marker)
    if not found:
        return "", html
    return head + found, tail


@login_required
def report_detail(request, pk):
    report = selectors.report_get(actor=request.user, pk=pk)
    comment_form = CommentForm()
    return _detail(request, report, comment_form)


def _detail(request, report, comment_form, status=200):
    user = request.user
    in_progress = report.status in (ReportStatus.QUEUED, ReportStatus.RUNNING)
    refreshing = in_progress and request.GET.get("refresh") != "off"
    cover, body = split_cover(report.html or "")
    response = render(request, "governance/report_detail.html", {
        "page_title": f"{report.board.name}: {report.period_label}", "report": report,
        "comments": selectors.report_comments(report=report),
        "comment_form": comment_form,
        "is_read": selectors.is_read(actor=user, report=report),
        "can_comment": permissions.can_comment_on_report(user, report).allowed,
        "can_publish": permissions.can_publish_report(user, report).allowed,
        "can_run": permissions.can_run_board(user, report.board).allowed,
        "finished": report.status in (ReportStatus.READY, ReportStatus.PUBLISHED),
        "in_progress": in_progress, "refreshing": refreshing,
        "refresh_seconds": REFRESH_SECONDS,
        "cover": mark_safe(cover), "body": mark_safe(body),  # noqa: S308 - our own rendering
    }, status=status)
    if refreshing:
        response["Refresh"] = str(REFRESH_SECONDS)
        response["Cache-Control"] = "no-store"
    return response


def _pdf_response(report, *, as_attachment):
    if not report.pdf:
        raise Http404("The report has no PDF yet.")
    if pdf.sha256_of(report.pdf) != report.sha256:
        log.error("Board report %s: stored PDF does not match its sha256", report.pk)
        return HttpResponse("The stored PDF does not match its checksum, so it is withheld. "
                            "Ask the board secretary to produce a new version.",
                            status=409, content_type="text/plain; charset=utf-8")
    return FileResponse(report.pdf.open("rb"), content_type="application/pdf",
                        as_attachment=as_attachment, filename=report.download_name)


@login_required
def report_pdf(request, pk):
    """Download the PDF (Content-Disposition: attachment, named board-year-quarter-version)."""
    report = selectors.report_get(actor=request.user, pk=pk)
    return _pdf_response(report, as_attachment=True)


@login_required
def report_pdf_view(request, pk):
    """The same PDF shown in the browser (inline)."""
    report = selectors.report_get(actor=request.user, pk=pk)
    return _pdf_response(report, as_attachment=False)


@login_required
@require_POST
def report_comment(request, pk):
    report = selectors.report_get(actor=request.user, pk=pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        parent = None
        if form.cleaned_data.get("parent"):
            parent = report.comments.filter(pk=form.cleaned_data["parent"]).first()
        try:
            services.report_comment_add(actor=request.user, report=report,
                                        body=form.cleaned_data["body"], parent=parent)
        except ApplicationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, "Your comment was added.")
            return redirect("governance:report-detail", pk=report.pk)
    return _detail(request, report, form, status=400)


@login_required
@require_POST
def report_read(request, pk):
    report = selectors.report_get(actor=request.user, pk=pk)
    services.report_mark_read(actor=request.user, report=report)
    messages.success(request, "Marked as read.")
    return redirect("governance:report-detail", pk=report.pk)


@login_required
@require_http_methods(["GET", "POST"])
def report_publish(request, pk):
    """GET: confirm, naming everyone who will be e-mailed. POST: publish and e-mail them."""
    report = selectors.report_get(actor=request.user, pk=pk)
    require_or_404(permissions.can_run_board(request.user, report.board))
    decision = permissions.can_publish_report(request.user, report)
    if request.method == "POST":
        try:
            services.report_publish(actor=request.user, report=report)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "The report is published and the board's members were "
                                      "e-mailed.")
        return redirect("governance:report-detail", pk=report.pk)
    return render(request, "governance/report_publish.html", {
        "page_title": f"Publish the {report.period_label} report and e-mail the board",
        "report": report, "decision": decision,
        "recipients": selectors.report_recipients(report=report),
    })


def _request_page(request, board, form, *, status):
    return render(request, "governance/form.html", {
        "page_title": "Request a board report", "form": form, "submit": "Request report",
        "back": reverse("governance:board-detail", args=[board.pk]), "caption": board.name,
        "action": request.path}, status=status)


@login_required
@require_POST
def report_request(request, pk):
    """Ask for a report; answers at once (the report is produced in the background) and
    goes to the report's page, which shows queued / running / ready."""
    board = selectors.board_get(actor=request.user, pk=pk)
    require_or_404(permissions.can_run_board(request.user, board))
    form = ReportRequestForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            report, created = services.report_request(actor=request.user, board=board,
                                                      **form.cleaned_data)
        except ApplicationError as exc:
            if exc.extra.get("confirm_with") == "confirm_unfinished":
                return render(request, "governance/report_confirm.html", {
                    "page_title": "This quarter has not ended", "board": board,
                    "form": form, "warning": exc.message})
            form_errors(form, exc)
            status = exc.status  # 503 when the report service (Redis) is down
        else:
            if created:
                text = (f"The {report.period_label} report was requested. It is being "
                        "produced; this page shows when it is ready.")
            elif report.status in (ReportStatus.QUEUED, ReportStatus.RUNNING):
                text = (f"The {report.period_label} report was already requested and is "
                        "being produced; this page shows when it is ready.")
            else:
                text = f"The {report.period_label} report already exists (version " \
                       f"{report.version}). To correct it, ask for a new version."
            messages.success(request, text)
            return redirect("governance:report-detail", pk=report.pk)
    return _request_page(request, board, form, status=status)


@login_required
def report_compare(request, pk):
    report = selectors.report_get(actor=request.user, pk=pk)
    previous = selectors.previous_report(actor=request.user, report=report)
    return render(request, "governance/report_compare.html", {
        "page_title": f"Compare {report.period_label} with the previous quarter",
        "report": report, "previous": previous,
        "rows": compare(report.data, previous.data if previous else None),
    })
