"""Agreements, their position (page, xlsx, CSV), forecasts and closing quarters."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.http import require_http_methods

from agencies.permissions import can_view_internal
from portal import periods
from portal.errors import ApplicationError
from portal.money import to_money
from portal.parsing import parse_id

from .. import exports, permissions, selectors, services
from ..forms import CommentaryForm, ForecastForm, ReopenForm, ReturnForm
from ..models import Commitment, Forecast, PositionCommentary
from ..position import position_of
from .common import agreement_for, form_errors, page, period_from, require_area


@login_required
def agreement_list(request):
    area = require_area(request)
    if not can_view_internal(request.user, area):
        raise Http404
    q = request.GET.get("q", "").strip()
    agreements = selectors.agreement_list(actor=request.user, local_area=area, search=q)
    return render(request, "budgets/agreement_list.html", {
        "page_title": "Pooled and aligned budgets", "page_obj": page(request, agreements),
        "q": q, "can_create": permissions.can_create_agreement(request.user, area).allowed})


def position_url(agreement, year, quarter):
    return f"{reverse('budgets:position', args=[agreement.pk])}?year={year}&quarter={quarter}"


@login_required
def agreement_detail(request, pk):
    agreement = agreement_for(request, pk)
    year, quarter = period_from(request, agreement)
    return render(request, "budgets/agreement_detail.html", {
        "page_title": agreement.title, "agreement": agreement,
        "schedules": selectors.schedule_list(agreement=agreement),
        "summary": selectors.contribution_summary(agreement=agreement),
        "rules": selectors.risk_rules(agreement=agreement),
        "snapshots": selectors.snapshot_list(agreement=agreement),
        "year": year, "quarter": quarter,
        "can_change": permissions.can_change_agreement(request.user, agreement).allowed,
        # who changed parties and money (issue 12)
        "changes": selectors.agreement_changes(agreement),
    })


def _position_context(request, agreement, year, quarter):
    position = position_of(agreement, year, quarter)
    snapshot = next((s for s in selectors.snapshot_list(agreement=agreement)
                     if s.year == year and s.quarter == quarter), None)
    previous, following = periods.previous_quarter(year, quarter), \
        periods.next_quarter(year, quarter)
    confirmations, can_answer = [], []
    if snapshot is not None and snapshot.status in ("submitted", "closed", "returned"):
        snapshot.agreement = agreement
        confirmations = selectors.quarter_confirmations(snapshot=snapshot)
        for row in confirmations:  # the partners this person may answer for now
            row["can_answer"] = permissions.confirm_guard(request.user, snapshot,
                                                          row["agency"]).allowed
            if row["can_answer"]:
                can_answer.append(row)
    return {
        "page_title": f"{agreement.title}: position at {periods.label(year, quarter)}",
        "agreement": agreement, "position": position, "year": year, "quarter": quarter,
        "period": periods.label(year, quarter), "chart": exports.chart(position),
        "snapshot": snapshot, "previous": previous, "following": following,
        "confirmations": confirmations, "can_answer": can_answer,
        "can_submit": permissions.can_submit_quarter(request.user, agreement),
        "can_change": permissions.can_change_agreement(request.user, agreement).allowed,
        "can_reopen": permissions.can_reopen_quarter(request.user, agreement).allowed,
        "quarters": periods.QUARTERS,
        # The virement columns only when budget moved: ten columns do not fit a desktop.
        "has_virements": any(to_money(row.get("virements_in") or 0)
                             or to_money(row.get("virements_out") or 0)
                             for row in position["schedules"]),
    }


@login_required
def position(request, pk):
    agreement = agreement_for(request, pk)
    year, quarter = period_from(request, agreement)
    return render(request, "budgets/position.html",
                  _position_context(request, agreement, year, quarter))


def _filename(agreement, year, quarter, ext):
    return f"{slugify(agreement.title)}-{year}-q{quarter}.{ext}"


def _xlsx(body, filename):
    response = HttpResponse(body, content_type="application/vnd.openxmlformats-officedocument."
                                                "spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def position_xlsx(request, pk):
    agreement = agreement_for(request, pk)
    year, quarter = period_from(request, agreement)
    return _xlsx(exports.xlsx(position_of(agreement, year, quarter), agreement),
                 _filename(agreement, year, quarter, "xlsx"))


@login_required
def position_csv(request, pk):
    agreement = agreement_for(request, pk)
    year, quarter = period_from(request, agreement)
    response = HttpResponse(exports.csv_text(position_of(agreement, year, quarter)),
                            content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = \
        f'attachment; filename="{_filename(agreement, year, quarter, "csv")}"'
    return response


@login_required
def position_bcf_xlsx(request, pk, year, quarter):
    """The quarter in the Better Care Fund quarterly return's income and expenditure layout
    (cells in docs/budgets.md)."""
    agreement = agreement_for(request, pk)
    year, quarter = period_from(request, agreement, year, quarter)
    return _xlsx(exports.bcf_xlsx(position_of(agreement, year, quarter), agreement),
                 _filename(agreement, year, quarter, "bcf.xlsx"))


@login_required
@require_http_methods(["GET", "POST"])
def forecasts(request, pk, year, quarter):
    agreement = agreement_for(request, pk, change=True)
    year, quarter = period_from(request, agreement, year, quarter)
    schedules = list(selectors.schedule_list(agreement=agreement))
    current = {}
    for item in Forecast.objects.filter(schedule__agreement=agreement, year=year,
                                        quarter=quarter):
        current.setdefault(item.schedule_id, {}).update(outturn=item.outturn, note=item.note)
    for item in Commitment.objects.filter(schedule__agreement=agreement, year=year,
                                          quarter=quarter):
        current.setdefault(item.schedule_id, {})["committed"] = item.amount
    form = ForecastForm(request.POST or None, schedules=schedules, current=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.forecasts_set(actor=request.user, agreement=agreement, year=year,
                                   quarter=quarter, entries=form.entries())
        except ApplicationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, f"Forecasts for {periods.label(year, quarter)} were saved.")
            return redirect(position_url(agreement, year, quarter))
    return render(request, "budgets/forecasts.html", {
        "page_title": f"Forecasts for {periods.label(year, quarter)}", "agreement": agreement,
        "form": form, "year": year, "quarter": quarter,
    }, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def commentary(request, pk, year, quarter):
    """Reasons for the variance, mitigations and forecast risks, overall and per schedule."""
    agreement = agreement_for(request, pk, change=True)
    year, quarter = period_from(request, agreement, year, quarter)
    schedules = list(selectors.schedule_list(agreement=agreement))
    current = {note.schedule_id: {f: getattr(note, f) for f in CommentaryForm.PARTS_FIELDS}
               for note in PositionCommentary.objects.filter(agreement=agreement, year=year,
                                                             quarter=quarter)}
    form = CommentaryForm(request.POST or None, schedules=schedules, current=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.commentary_set_many(actor=request.user, agreement=agreement, year=year,
                                         quarter=quarter, entries=form.entries())
        except ApplicationError as exc:
            key = exc.extra.get("schedule") or "overall"
            exc.errors = {f"{field}_{key}": messages_ for field, messages_ in
                          (exc.errors or {}).items()}
            form_errors(form, exc)
        else:
            messages.success(request, f"The commentary on {periods.label(year, quarter)} was "
                                      "saved.")
            return redirect(position_url(agreement, year, quarter))
    return render(request, "budgets/form.html", {
        "page_title": f"Commentary on {periods.label(year, quarter)}", "agreement": agreement,
        "form": form, "submit": "Save the commentary",
        "intro": "Explain the position: why each schedule, and the pool overall, is over or "
                 "under budget, what is being done about it, and the risks to the forecast. "
                 "Leave blank what does not apply. Submitting the quarter freezes the "
                 "commentary with the figures; it is printed in the board report.",
        "back": position_url(agreement, year, quarter),
    }, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def quarter_submit(request, pk, year, quarter):
    """The pooled fund manager freezes the quarter and asks every partner to confirm it."""
    agreement = agreement_for(request, pk)
    if not permissions.can_submit_quarter(request.user, agreement):
        raise Http404
    year, quarter = period_from(request, agreement, year, quarter)
    error = None
    if request.method == "POST":
        try:
            snapshot = services.quarter_submit(actor=request.user, agreement=agreement,
                                               year=year, quarter=quarter)
        except ApplicationError as exc:
            error = exc.message
        else:
            if snapshot.is_closed:
                text = f"{periods.label(year, quarter)} is closed: no partner contributes."
            else:
                text = (f"{periods.label(year, quarter)} was submitted. Its figures are frozen "
                        f"(sha256 {snapshot.sha256[:12]}…) until every partner confirms them.")
            messages.success(request, text)
            return redirect(position_url(agreement, year, quarter))
    context = _position_context(request, agreement, year, quarter)
    context.update(page_title=f"Submit {periods.label(year, quarter)} for confirmation",
                   error=error)
    return render(request, "budgets/quarter_close.html", context,
                  status=400 if error else 200)


def _answer_context(request, pk, year, quarter):
    """The agreement, the submitted snapshot and the partner (`?agency=<id>`); 404 unless
    the person is a finance officer of a partner to a quarter that has been submitted."""
    agreement = agreement_for(request, pk)
    try:
        agency_id = parse_id(request.GET.get("agency"), "agency", required=True)
    except ApplicationError:
        raise Http404 from None
    year, quarter = period_from(request, agreement, year, quarter)
    snapshot = selectors.snapshot_get(agreement=agreement, year=year, quarter=quarter)
    agency = next((p for p in agreement.parties.all() if p.pk == agency_id), None)
    if snapshot is None or agency is None or \
            not permissions.can_confirm_quarter(request.user, agreement, agency):
        raise Http404
    snapshot.agreement = agreement
    confirmations = selectors.quarter_confirmations(snapshot=snapshot)
    decision = permissions.confirm_guard(request.user, snapshot, agency)
    return agreement, year, quarter, snapshot, agency, {
        "agreement": agreement, "year": year, "quarter": quarter, "snapshot": snapshot,
        "agency": agency, "position": snapshot.position, "confirmations": confirmations,
        "period": periods.label(year, quarter), "decision": decision}


@login_required
@require_http_methods(["GET", "POST"])
def quarter_confirm(request, pk, year, quarter):
    agreement, year, quarter, snapshot, agency, context = \
        _answer_context(request, pk, year, quarter)
    error, status = None, 200
    if request.method == "POST":
        try:
            services.quarter_confirm(actor=request.user, agreement=agreement, year=year,
                                     quarter=quarter, agency=agency)
        except ApplicationError as exc:
            error, status = exc.message, exc.status
        else:
            messages.success(request, f"You confirmed {periods.label(year, quarter)} for "
                                      f"{agency.display_name}.")
            return redirect(position_url(agreement, year, quarter))
    context.update(page_title=f"Confirm {periods.label(year, quarter)} for "
                              f"{agency.display_name}", error=error)
    return render(request, "budgets/quarter_confirm.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def quarter_return(request, pk, year, quarter):
    agreement, year, quarter, snapshot, agency, context = \
        _answer_context(request, pk, year, quarter)
    if not context["decision"]:
        raise Http404
    form = ReturnForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.quarter_return(actor=request.user, agreement=agreement, year=year,
                                    quarter=quarter, agency=agency,
                                    reason=form.cleaned_data["reason"])
        except ApplicationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, f"You returned {periods.label(year, quarter)} to the "
                                      "pooled fund manager.")
            return redirect(position_url(agreement, year, quarter))
    return render(request, "budgets/form.html", {
        "page_title": f"Return {periods.label(year, quarter)} for {agency.display_name}",
        "agreement": agreement, "form": form, "submit": "Return the figures",
        "back": f"{reverse('budgets:quarter-confirm', args=[agreement.pk, year, quarter])}"
                f"?agency={agency.pk}",
    }, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def quarter_reopen(request, pk, year, quarter):
    agreement = agreement_for(request, pk)
    if not permissions.can_reopen_quarter(request.user, agreement):
        raise Http404
    year, quarter = period_from(request, agreement, year, quarter)
    form = ReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.quarter_reopen(actor=request.user, agreement=agreement, year=year,
                                    quarter=quarter, reason=form.cleaned_data["reason"])
        except ApplicationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, f"{periods.label(year, quarter)} was reopened.")
            return redirect(position_url(agreement, year, quarter))
    return render(request, "budgets/form.html", {
        "page_title": f"Reopen {periods.label(year, quarter)}", "agreement": agreement,
        "form": form, "submit": "Reopen the quarter",
        "back": position_url(agreement, year, quarter),
    }, status=400 if form.errors else 200)
