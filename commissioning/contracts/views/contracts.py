"""A contract's page (the golden thread), and adding or changing contracts, KPIs, visits."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from agencies.models import Agency
from commissioning.budgets.models import Schedule
from commissioning.models import Intention
from portal.errors import ApplicationError

from .. import permissions, rules, selectors, services
from ..forms import ContractForm, KPIForm, QualityVisitForm
from ..models import KPI, Provider
from ._common import form_errors, require_area, status_for


def _funding(contract):
    schedule = contract.schedule
    if schedule is None:
        return None
    return {"schedule": schedule, "agreement": schedule.agreement,
            "href": _href("budgets:agreement-detail", schedule.agreement_id)}


def _href(name, *args):
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def _board_reports(contract, user):
    """Published or ready reports of boards whose scope includes the contract's agencies.

    A report is linked only when governance lets the person read it (its board's members,
    secretaries, the area's administrators); the others are named without a link, with
    governance's reason (no query per report: board grants are cached on the user)."""
    from governance import models as governance
    from governance import permissions as board_permissions

    if not hasattr(governance, "BoardReport") or not hasattr(governance.Board, "scope_agencies"):
        return []
    ids = [a.pk for a in contract.commissioning_agencies.all()]
    reports = (governance.BoardReport.objects.filter(
        board__scope_agencies__in=ids, status__in=["ready", "published"],
        board__local_area_id=contract.local_area_id)
        .select_related("board").distinct().order_by("-year", "-quarter", "-version")[:6])
    items = []
    for report in reports:
        decision = board_permissions.can_view_report(user, report)
        items.append({"report": report, "reason": decision.reason,
                      "href": _href("governance:report-detail", report.pk) if decision else ""})
    return items


@login_required
def contract_detail(request, pk):
    contract = selectors.contract_get(actor=request.user, pk=pk)
    user = request.user
    periods, grid = selectors.kpi_grid(contract)
    kpis = list(contract.kpis.all())
    assessments = list(contract.assessments.all())
    last = assessments[0].assessed_on if assessments else None
    can_change = permissions.can_change_contract(user, contract).allowed
    intention = contract.intention
    due = rules.assessment_due(contract, last)
    return render(request, "contracts/contract_detail.html", {
        "page_title": f"{contract.reference} {contract.title}", "contract": contract,
        "show_values": permissions.can_view_values(user, contract).allowed,
        "can_change": can_change, "periods": periods, "grid": grid,
        "warnings": rules.kpi_warnings(contract, len(kpis)),
        "assessments": assessments, "assessment_due": due,
        "assessment_overdue": bool(due and due < timezone.localdate()),
        "funding": _funding(contract), "board_reports": _board_reports(contract, user),
        "intention_href": _href("commissioning:intention-detail", intention.pk)
        if intention else "",
        "review_href": _href("commissioning:intention-detail", contract.review_intention_id)
        if contract.review_intention_id else "",
        "rag_labels": rules.RAG_LABELS, "rag_colours": rules.RAG_TAG_COLOURS,
        # who changed agencies, values and the rest (issue 12)
        "changes": selectors.contract_changes(
            contract, show_values=permissions.can_view_values(user, contract).allowed),
    })


def _contract_form(request, area, initial=None):
    return ContractForm(
        request.POST or None, initial=initial,
        providers=Provider.objects.filter(local_area=area).order_by("name"),
        agencies=Agency.objects.filter(local_area=area, active=True).order_by("name"),
        intentions=Intention.objects.filter(local_area=area).order_by("reference"),
        schedules=Schedule.objects.filter(agreement__local_area=area).select_related(
            "agreement").order_by("agreement__title", "code"))


@login_required
@require_http_methods(["GET", "POST"])
def contract_create(request):
    area = require_area(request)
    if not permissions.can_create_contract(request.user, area):
        raise Http404
    form = _contract_form(request, area)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        agencies = list(data.pop("commissioning_agencies"))
        try:
            contract = services.contract_create(actor=request.user, local_area=area,
                                                commissioning_agencies=agencies, **data)
        except ApplicationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, f"Contract {contract.reference} was added. "
                                      "Now add its KPIs.")
            return redirect("contracts:contract-detail", pk=contract.pk)
    return render(request, "contracts/form.html", {
        "page_title": "Add a contract", "form": form, "submit": "Add contract",
        "back": "contracts:contract-list"}, status=status_for(form))


@login_required
@require_http_methods(["GET", "POST"])
def contract_edit(request, pk):
    contract = selectors.contract_get(actor=request.user, pk=pk)
    if not permissions.can_change_contract(request.user, contract):
        raise Http404
    initial = {name: getattr(contract, name) for name in ContractForm.base_fields
               if name != "commissioning_agencies"}
    initial["commissioning_agencies"] = list(contract.commissioning_agencies.all())
    form = _contract_form(request, contract.local_area, initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        agencies = list(data.pop("commissioning_agencies"))
        try:
            services.contract_update(actor=request.user, contract=contract,
                                     commissioning_agencies=agencies, **data)
        except ApplicationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, "The contract was updated.")
            return redirect("contracts:contract-detail", pk=contract.pk)
    return render(request, "contracts/form.html", {
        "page_title": f"Change {contract.reference}", "form": form, "submit": "Save changes",
        "back_href": reverse("contracts:contract-detail", args=[contract.pk])},
        status=status_for(form))


def _changeable(request, pk):
    contract = selectors.contract_get(actor=request.user, pk=pk)
    if not permissions.can_change_contract(request.user, contract):
        raise Http404
    return contract


@login_required
@require_http_methods(["GET", "POST"])
def kpi_create(request, pk):
    contract = _changeable(request, pk)
    form = KPIForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            kpi = services.kpi_create(actor=request.user, contract=contract, **form.cleaned_data)
        except ApplicationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, f"The KPI “{kpi.name}” was added.")
            return redirect("contracts:contract-detail", pk=contract.pk)
    return render(request, "contracts/form.html", {
        "page_title": f"Add a KPI to {contract.reference}", "form": form, "submit": "Add KPI",
        "back_href": reverse("contracts:contract-detail", args=[contract.pk])},
        status=status_for(form))


@login_required
@require_http_methods(["GET", "POST"])
def kpi_edit(request, pk):
    kpi = get_object_or_404(KPI, pk=pk)
    contract = _changeable(request, kpi.contract_id)
    initial = {name: getattr(kpi, name) for name in KPIForm.base_fields}
    form = KPIForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.kpi_update(actor=request.user, kpi=kpi, **form.cleaned_data)
        except ApplicationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, f"The KPI “{kpi.name}” was changed; its returns were "
                                      "rated again against the new target.")
            return redirect("contracts:contract-detail", pk=contract.pk)
    return render(request, "contracts/form.html", {
        "page_title": f"Change the KPI “{kpi.name}”", "form": form, "submit": "Save changes",
        "back_href": reverse("contracts:contract-detail", args=[contract.pk])},
        status=status_for(form))


@login_required
@require_http_methods(["GET", "POST"])
def visit_create(request, pk):
    contract = _changeable(request, pk)
    form = QualityVisitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.quality_visit_record(actor=request.user, contract=contract,
                                          **form.cleaned_data)
        except ApplicationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, "The quality visit was recorded.")
            return redirect("contracts:contract-detail", pk=contract.pk)
    return render(request, "contracts/form.html", {
        "page_title": f"Record a quality visit to {contract.provider.name}", "form": form,
        "submit": "Record visit",
        "back_href": reverse("contracts:contract-detail", args=[contract.pk])},
        status=status_for(form))
