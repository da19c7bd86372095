"""Quarterly monitoring: KPI returns, performance assessments, the RAG dashboard and the
expiry pipeline."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from portal.errors import ApplicationError

from .. import charts, permissions, quarters, rules, selectors, services
from ..forms import AssessmentForm, CorrectionForm, ReturnsForm
from ..models import AssessmentRating, KPIReturn, PerformanceAssessment
from ..services.assessments import derive
from ._common import form_errors, page, require_area, status_for, with_values_flag


def _changeable(request, pk):
    contract = selectors.contract_get(actor=request.user, pk=pk)
    if not permissions.can_change_contract(request.user, contract):
        raise Http404
    return contract


@login_required
@require_http_methods(["GET", "POST"])
def returns_entry(request, pk):
    contract = _changeable(request, pk)
    year, quarter = quarters.last_ended(timezone.localdate())
    form = ReturnsForm(request.POST or None, kpis=contract.kpis.all(),
                       initial={"year": request.GET.get("year", year),
                                "quarter": request.GET.get("quarter", quarter)})
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.kpi_returns_submit(
                actor=request.user, contract=contract, year=form.cleaned_data["year"],
                quarter=form.cleaned_data["quarter"], values=form.values())
        except ApplicationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, f"{len(saved)} KPI return{'s' if len(saved) != 1 else ''} "
                                      f"saved for {saved[0].year} Q{saved[0].quarter}.")
            return redirect("contracts:contract-detail", pk=contract.pk)
    periods, grid = selectors.kpi_grid(contract)
    return render(request, "contracts/returns_form.html", {
        "page_title": f"Enter KPI returns for {contract.reference}", "contract": contract,
        "form": form, "periods": periods, "grid": grid, "rag_labels": rules.RAG_LABELS,
        "rag_colours": rules.RAG_TAG_COLOURS,
    }, status=status_for(form))


@login_required
@require_http_methods(["GET", "POST"])
def return_correct(request, pk):
    kpi_return = get_object_or_404(KPIReturn.objects.select_related("kpi"), pk=pk)
    contract = _changeable(request, kpi_return.kpi.contract_id)
    form = CorrectionForm(request.POST or None, initial={"value": kpi_return.value.normalize(),
                                                        "comment": kpi_return.comment})
    if request.method == "POST" and form.is_valid():
        try:
            services.kpi_return_correct(actor=request.user, kpi_return=kpi_return,
                                        value=form.cleaned_data["value"],
                                        comment=form.cleaned_data["comment"])
        except ApplicationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, "The return was corrected; the old value is kept in "
                                      "its history.")
            return redirect("contracts:contract-detail", pk=contract.pk)
    return render(request, "contracts/form.html", {
        "page_title": f"Correct the Q{kpi_return.quarter} {kpi_return.year} return for "
                      f"{kpi_return.kpi.name}", "form": form, "submit": "Save correction",
        "back_href": reverse("contracts:contract-detail", args=[contract.pk]),
    }, status=status_for(form))


@login_required
@require_http_methods(["GET", "POST"])
def assessment_create(request, pk):
    contract = _changeable(request, pk)
    today = timezone.localdate()
    derivation, periods = derive(contract, today)
    form = AssessmentForm(request.POST or None, initial={"rating": derivation.rating})
    if request.method == "POST" and form.is_valid():
        try:
            services.assessment_create(actor=request.user, contract=contract, assessed_on=today,
                                       rating=form.cleaned_data["rating"],
                                       reason=form.cleaned_data["reason"])
        except ApplicationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, "The performance assessment was recorded.")
            return redirect("contracts:contract-detail", pk=contract.pk)
    return render(request, "contracts/assessment_form.html", {
        "page_title": f"Assess the performance of {contract.reference}", "contract": contract,
        "form": form, "derivation": derivation, "periods": periods,
        "derived_label": AssessmentRating(derivation.rating).label, "submit": "Record assessment",
    }, status=status_for(form))


@login_required
@require_http_methods(["GET", "POST"])
def assessment_edit(request, pk):
    assessment = get_object_or_404(PerformanceAssessment, pk=pk)
    contract = _changeable(request, assessment.contract_id)
    form = AssessmentForm(request.POST or None, initial={"rating": assessment.rating})
    if request.method == "POST" and form.is_valid():
        try:
            services.assessment_update(actor=request.user, assessment=assessment,
                                       rating=form.cleaned_data["rating"],
                                       reason=form.cleaned_data["reason"])
        except ApplicationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, "The rating was changed; the change is kept in its history.")
            return redirect("contracts:contract-detail", pk=contract.pk)
    return render(request, "contracts/assessment_form.html", {
        "page_title": f"Change the rating of {contract.reference}", "contract": contract,
        "form": form, "assessment": assessment,
        "derived_label": AssessmentRating(assessment.derived_rating).label,
        "submit": "Change rating",
    }, status=status_for(form))


@login_required
def pipeline(request):
    area = require_area(request)
    months = rules.expiry_window_months()
    contracts = selectors.pipeline_list(actor=request.user, local_area=area, months=months)
    page_obj = page(request, contracts)
    page_obj.object_list = with_values_flag(request.user, page_obj.object_list)
    for contract in page_obj.object_list:
        contract.can_change = permissions.can_change_contract(request.user, contract).allowed
    return render(request, "contracts/pipeline.html", {
        "page_title": "Contracts ending soon", "page_obj": page_obj, "months": months,
        "needing": contracts.filter(review_intention__isnull=True).count(),
    })


@login_required
@require_POST
def review_intention_create(request, pk):
    contract = _changeable(request, pk)
    try:
        intention = services.contract_review_intention_create(actor=request.user,
                                                              contract=contract)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Intention {intention.reference} was opened at the "
                                  f"{intention.current_stage.name} stage for {contract.reference}.")
    target = request.POST.get("next", "")
    if target == "pipeline":
        return redirect("contracts:pipeline")
    return redirect(reverse("contracts:contract-detail", args=[contract.pk]))


def _quarter_from(request):
    year, quarter = quarters.last_ended(timezone.localdate())
    chosen_year = request.GET.get("year", year)
    chosen_quarter = request.GET.get("quarter", str(quarter))
    if "|" in request.GET.get("period", ""):
        chosen_year, chosen_quarter = request.GET["period"].split("|", 1)
    try:
        quarters.parse_year(chosen_year)
        chosen_quarter = int(chosen_quarter)
        if chosen_quarter not in (1, 2, 3, 4):
            raise ValueError
    except ValueError:
        return year, quarter, "Choose a financial year like 2025-26 and a quarter from 1 to 4"
    return chosen_year, chosen_quarter, ""


@login_required
def dashboard(request):
    area = require_area(request)
    year, quarter, error = _quarter_from(request)
    counts = selectors.rag_summary(actor=request.user, local_area=area, year=year,
                                   quarter=quarter)
    totals = counts["area"]
    area_counts = {area.name: totals} if any(totals.values()) else {}
    missing = list(selectors.missing_returns(
        actor=request.user, local_area=area, year=year, quarter=quarter,
        contract_ids=counts["missing_contracts"])[:selectors.MISSING_LIMIT])
    recent = quarters.recent(*quarters.last_ended(timezone.localdate()), 8)
    return render(request, "contracts/dashboard.html", {
        "page_title": "Contract performance", "year": year, "quarter": quarter,
        "error": error, "recent": recent, "totals": totals,
        "charts": [
            {"id": "area", "title": f"KPI results in {area.name}",
             "chart": charts.as_text(charts.stacked_bars(area_counts)), "group": "Local area"},
            {"id": "agency", "title": "KPI results by commissioning agency",
             "chart": charts.as_text(charts.stacked_bars(counts["agency"])), "group": "Agency"},
            {"id": "provider", "title": "KPI results by provider",
             "chart": charts.as_text(charts.stacked_bars(counts["provider"])), "group": "Provider"},
        ],
        "missing": missing,
    }, status=400 if error else 200)
