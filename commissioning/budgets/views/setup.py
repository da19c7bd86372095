"""Setting an agreement up: contributions per year, in-year variations, the risk-share rule."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from agencies import selectors as agency_selectors
from agencies.models import User
from portal.errors import ApplicationError

from .. import permissions, selectors, services
from ..forms import (
    AgreementForm,
    ContributionsForm,
    RiskRuleForm,
    ScheduleForm,
    VariationForm,
)
from ..models import Contribution, Direction, Schedule
from .common import agreement_for, form_errors, period_from, require_area


@login_required
@require_http_methods(["GET", "POST"])
def contributions(request, pk, year):
    agreement = agreement_for(request, pk, change=True)
    year, _ = period_from(request, agreement, year, 1)
    schedules = list(selectors.schedule_list(agreement=agreement))
    parties = sorted(agreement.parties.all(), key=lambda a: a.name)
    current = {(c.schedule_id, c.agency_id): c.amount for c in Contribution.objects.filter(
        schedule__agreement=agreement, year=year)}
    form = ContributionsForm(request.POST or None, schedules=schedules, parties=parties,
                             current=current)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                for schedule, party, amount in form.entries():
                    services.contribution_set(actor=request.user, schedule=schedule,
                                              agency=party, year=year, amount=amount)
        except ApplicationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, f"Contributions for {year} were saved.")
            return redirect("budgets:agreement-detail", pk=agreement.pk)
    return render(request, "budgets/contributions.html", {
        "page_title": f"Contributions for {year}", "agreement": agreement, "form": form,
        "year": year, "parties": parties,
    }, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def variation_create(request, pk, year):
    agreement = agreement_for(request, pk, change=True)
    year, _ = period_from(request, agreement, year, 1)
    schedules = list(selectors.schedule_list(agreement=agreement))
    parties = sorted(agreement.parties.all(), key=lambda a: a.name)
    form = VariationForm(request.POST or None, schedules=schedules, parties=parties)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        contribution = Contribution.objects.filter(
            schedule__agreement=agreement, schedule_id=data["schedule"],
            agency_id=data["agency"], year=year).first()
        if contribution is None:
            form.add_error("agency", f"This partner has no contribution to that schedule in "
                                     f"{year}; set one first.")
        else:
            try:
                services.contribution_vary(actor=request.user, contribution=contribution,
                                           amount=data["amount"], date=data["date"],
                                           reason=data["reason"])
            except ApplicationError as exc:
                form_errors(form, exc)
            else:
                messages.success(request, "The in-year variation was recorded.")
                return redirect("budgets:agreement-detail", pk=agreement.pk)
    return render(request, "budgets/form.html", {
        "page_title": f"Record an in-year variation, {year}", "agreement": agreement,
        "form": form, "submit": "Record variation",
        "back": reverse("budgets:agreement-detail", args=[agreement.pk]),
    }, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def risk_rule(request, pk):
    agreement = agreement_for(request, pk, change=True)
    return _risk_rule_page(request, agreement, None)


@login_required
@require_http_methods(["GET", "POST"])
def schedule_risk_rule(request, pk, schedule_pk):
    """A schedule's own risk-share rule, overriding the agreement's for that schedule."""
    agreement = agreement_for(request, pk, change=True)
    schedule = get_object_or_404(Schedule, pk=schedule_pk, agreement=agreement)
    return _risk_rule_page(request, agreement, schedule)


@login_required
@require_POST
def schedule_risk_rule_clear(request, pk, schedule_pk):
    agreement = agreement_for(request, pk, change=True)
    schedule = get_object_or_404(Schedule, pk=schedule_pk, agreement=agreement)
    try:
        services.risk_rule_clear(actor=request.user, agreement=agreement, schedule=schedule,
                                 direction=request.POST.get("direction") or Direction.BOTH)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Schedule {schedule.code} follows the agreement's rule "
                                  "again.")
    return redirect("budgets:agreement-detail", pk=agreement.pk)


def _risk_rule_page(request, agreement, schedule):
    """The agreement's rule (schedule None) or a schedule's own rule: the same form."""
    parties = sorted(agreement.parties.all(), key=lambda a: a.name)
    direction = request.GET.get("direction") or Direction.BOTH
    rules = selectors.risk_rules(agreement=agreement).filter(schedule=schedule)
    existing = rules.filter(direction=direction).first() or rules.first()
    initial = {}
    if existing is not None:
        initial = {"basis": existing.basis, "direction": existing.direction}
        for term in existing.terms.all():
            initial[f"pct_{term.agency_id}"] = term.percentage
            initial[f"cap_{term.agency_id}"] = term.cap
    form = RiskRuleForm(request.POST or None, parties=parties, initial=initial,
                        separately=agreement.share_separately)
    if request.method == "POST" and form.is_valid():
        try:
            services.risk_rule_set(actor=request.user, agreement=agreement, schedule=schedule,
                                   basis=form.cleaned_data["basis"],
                                   direction=form.cleaned_data["direction"],
                                   terms=form.terms())
        except ApplicationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, "The risk-share rule was saved." if schedule is None
                             else f"Schedule {schedule.code}'s risk-share rule was saved.")
            return redirect("budgets:agreement-detail", pk=agreement.pk)
    host = f"beyond a partner's cap the rest falls to the host, {agreement.host.name}, " \
           "which cannot be capped."
    return render(request, "budgets/form.html", {
        "page_title": "Risk-share rule" if schedule is None else
        f"Risk-share rule for schedule {schedule.code}",
        "agreement": agreement, "form": form, "submit": "Save the rule",
        "back": reverse("budgets:agreement-detail", args=[agreement.pk]),
        "intro": f"Applies to the whole agreement; {host}" if schedule is None else
        f"Applies to {schedule.code} {schedule.name} only, instead of the agreement's rule; "
        f"{host}",
        "clear": existing if schedule is not None else None,
        "clear_action": reverse("budgets:schedule-risk-rule-clear",
                                args=[agreement.pk, schedule.pk]) if schedule else "",
    }, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def agreement_create(request):
    area = require_area(request)
    if not permissions.can_create_agreement(request.user, area):
        raise Http404
    agencies = list(area.agencies.filter(active=True).order_by("name"))
    people = list(agency_selectors.person_list(actor=request.user, local_area=area))
    form = AgreementForm(request.POST or None, agencies=agencies, people=people)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        by_id = {str(a.pk): a for a in agencies}
        manager = User.objects.filter(pk=data["pooled_fund_manager"]).first() \
            if data["pooled_fund_manager"] else None
        try:
            agreement = services.agreement_create(
                actor=request.user, local_area=area, title=data["title"].strip(),
                reference=data["reference"].strip(),
                parties=[by_id[i] for i in data["parties"]], host=by_id[data["host"]],
                pooled_fund_manager=manager, starts=data["starts"], ends=data["ends"],
                share_separately=data["share_separately"],
                carry_forward_underspend=data["carry_forward_underspend"])
        except ApplicationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, f"{agreement.title} was set up. Now add its schedules.")
            return redirect("budgets:schedule-create", pk=agreement.pk)
    return render(request, "budgets/form.html", {
        "page_title": "Set up a section 75 agreement", "form": form,
        "submit": "Set up agreement", "back": reverse("budgets:agreement-list"),
    }, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def schedule_create(request, pk):
    agreement = agreement_for(request, pk, change=True)
    parties = sorted(agreement.parties.all(), key=lambda a: a.name)
    form = ScheduleForm(request.POST or None, parties=parties)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        lead = next(p for p in parties if str(p.pk) == data["lead_partner"])
        try:
            schedule = services.schedule_create(
                actor=request.user, agreement=agreement, code=data["code"], name=data["name"],
                lead_partner=lead, budget_type=data["budget_type"],
                description=data["description"],
                contract_references=data["contract_references"])
        except ApplicationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, f"Schedule {schedule.code} was added.")
            return redirect("budgets:agreement-detail", pk=agreement.pk)
    return render(request, "budgets/form.html", {
        "page_title": "Add a schedule", "agreement": agreement, "form": form,
        "submit": "Add schedule", "back": reverse("budgets:agreement-detail",
                                                  args=[agreement.pk]),
    }, status=400 if form.errors else 200)
