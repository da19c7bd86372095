"""Virements between an agreement's schedules (issue 16): list, propose, approve, reject."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from portal import periods
from portal.errors import ApplicationError
from portal.parsing import parse_id

from .. import permissions, selectors, services
from ..forms import RejectForm, VirementForm
from .common import agreement_for, form_errors, page, period_from


@login_required
def virement_list(request, pk):
    agreement = agreement_for(request, pk)
    year = request.GET.get("year", "").strip()
    if year and not periods.is_year(year):
        raise Http404
    virements = selectors.virement_list(agreement=agreement, year=year or None)
    return render(request, "budgets/virement_list.html", {
        "page_title": f"{agreement.title}: virements", "agreement": agreement,
        "page_obj": page(request, virements), "year": year,
        "can_propose": permissions.can_propose_virement(request.user, agreement)})


@login_required
@require_http_methods(["GET", "POST"])
def virement_create(request, pk):
    agreement = agreement_for(request, pk, change=True)
    year, quarter = period_from(request, agreement)
    if not request.GET.get("quarter"):  # default to the quarter running today
        today = timezone.localdate()
        if periods.year_of(today) == year:
            quarter = periods.quarter_of(today)
    schedules = selectors.schedule_list(agreement=agreement)
    form = VirementForm(request.POST or None, schedules=schedules,
                        initial={"year": year, "quarter": quarter})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            virement = services.virement_propose(
                actor=request.user, agreement=agreement, year=data["year"],
                quarter=data["quarter"], from_schedule=str(data["from_schedule"]),
                to_schedule=str(data["to_schedule"]), amount=data["amount"],
                reason=data["reason"])
        except ApplicationError as exc:
            form_errors(form, exc)
        else:
            if virement.status == "referred":
                messages.warning(request, "The virement was recorded as referred: the amount "
                                          "is above a partner's approvers' delegated limits, "
                                          "so a board must decide.")
            else:
                messages.success(request, "The virement was proposed. The partners' "
                                          "approvers have been e-mailed.")
            return redirect("budgets:virement-detail", agreement.pk, virement.pk)
    return render(request, "budgets/form.html", {
        "page_title": "Propose a virement", "agreement": agreement, "form": form,
        "submit": "Propose the virement",
        "back": reverse("budgets:virement-list", args=[agreement.pk])},
        status=400 if form.errors else 200)


def _detail_context(request, agreement, virement):
    answers = selectors.virement_answers(virement=virement)
    for row in answers:
        row["decision"] = permissions.virement_approve_guard(request.user, virement,
                                                             row["agency"])
    return {
        "page_title": f"Virement of £{virement.amount:,.2f}", "agreement": agreement,
        "virement": virement, "answers": answers,
        "can_answer": [r for r in answers if r["decision"]],
        "period": periods.label(virement.year, virement.quarter),
        "changes": selectors.virement_changes(virement)}


@login_required
def virement_detail(request, pk, virement_pk):
    agreement = agreement_for(request, pk)
    virement = selectors.virement_get(agreement=agreement, pk=virement_pk)
    return render(request, "budgets/virement_detail.html",
                  _detail_context(request, agreement, virement))


def _agency(request, agreement):
    try:
        agency_id = parse_id(request.POST.get("agency") or request.GET.get("agency"),
                             "agency", required=True)
    except ApplicationError:
        raise Http404 from None
    agency = next((p for p in agreement.parties.all() if p.pk == agency_id), None)
    if agency is None:
        raise Http404
    return agency


@login_required
@require_http_methods(["POST"])
def virement_approve(request, pk, virement_pk):
    agreement = agreement_for(request, pk)
    virement = selectors.virement_get(agreement=agreement, pk=virement_pk)
    agency = _agency(request, agreement)
    try:
        services.virement_approve(actor=request.user, agreement=agreement, virement=virement,
                                  agency=agency)
    except ApplicationError as exc:
        virement = selectors.virement_get(agreement=agreement, pk=virement_pk)
        context = _detail_context(request, agreement, virement)
        context.update(error=exc.message, has_errors=True)
        return render(request, "budgets/virement_detail.html", context,
                      status=exc.status)
    messages.success(request, f"You approved the virement for {agency.display_name}.")
    return redirect("budgets:virement-detail", agreement.pk, virement.pk)


@login_required
@require_http_methods(["GET", "POST"])
def virement_reject(request, pk, virement_pk):
    agreement = agreement_for(request, pk)
    virement = selectors.virement_get(agreement=agreement, pk=virement_pk)
    agency = _agency(request, agreement)
    if not permissions.virement_approve_guard(request.user, virement, agency):
        raise Http404
    form = RejectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.virement_reject(actor=request.user, agreement=agreement,
                                     virement=virement, agency=agency,
                                     reason=form.cleaned_data["reason"])
        except ApplicationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, f"You rejected the virement for {agency.display_name}.")
            return redirect("budgets:virement-detail", agreement.pk, virement.pk)
    return render(request, "budgets/form.html", {
        "page_title": f"Reject the virement for {agency.display_name}", "agreement": agreement,
        "form": form, "submit": "Reject the virement",
        "back": reverse("budgets:virement-detail", args=[agreement.pk, virement.pk])},
        status=400 if form.errors else 200)
