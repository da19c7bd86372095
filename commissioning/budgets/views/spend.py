"""Spend: the list, single entry, and CSV import with a dry-run preview.

The preview keeps the checked file in the session (keyed by its sha256) so that "Import"
saves exactly the file that was previewed, without choosing it again.
"""
import base64
import hashlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from portal import periods
from portal.errors import ApplicationError

from .. import permissions, selectors, services
from ..forms import ImportForm, SpendForm
from ..services.spend import PREVIEW_LINES, SpendImportError, check_size
from .common import agreement_for, form_errors, page

SESSION_KEY = "budgets_import_{}"


@login_required
def spend_list(request, pk):
    agreement = agreement_for(request, pk)
    year = request.GET.get("year", "")
    if year and not periods.is_year(year):
        year = ""
    schedule = request.GET.get("schedule", "")
    spend = selectors.spend_list(agreement=agreement, schedule_code=schedule, year=year or None)
    return render(request, "budgets/spend_list.html", {
        "page_title": f"{agreement.title}: spend", "agreement": agreement,
        "page_obj": page(request, spend, 50), "year": year, "schedule": schedule,
        "schedules": selectors.schedule_list(agreement=agreement),
        "can_change": permissions.can_change_agreement(request.user, agreement).allowed,
    })


@login_required
@require_http_methods(["GET", "POST"])
def spend_create(request, pk):
    agreement = agreement_for(request, pk, change=True)
    schedules = list(selectors.schedule_list(agreement=agreement))
    parties = list(agreement.parties.all())
    form = SpendForm(request.POST or None, schedules=schedules, parties=parties)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        schedule = next(s for s in schedules if str(s.pk) == data["schedule"])
        source = next((p for p in parties if str(p.pk) == data["source_agency"]), None)
        try:
            services.spend_create(actor=request.user, schedule=schedule, date=data["date"],
                                  amount=data["amount"], description=data["description"],
                                  source_agency=source,
                                  contract_reference=data["contract_reference"])
        except ApplicationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, f"£{data['amount']:,.2f} on {schedule.code} was recorded.")
            return redirect("budgets:spend-list", pk=agreement.pk)
    return render(request, "budgets/form.html", {
        "page_title": "Record spend", "agreement": agreement, "form": form,
        "submit": "Record spend", "back": reverse("budgets:spend-list", args=[agreement.pk]),
    }, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def spend_import(request, pk):
    agreement = agreement_for(request, pk, change=True)
    key = SESSION_KEY.format(agreement.pk)
    form = ImportForm(request.POST or None, request.FILES or None)
    context = {"page_title": "Import spend from a CSV file", "agreement": agreement,
               "form": form, "import_errors": None, "result": None,
               "example": _example(agreement)}
    status = 200
    if request.method == "POST" and request.POST.get("confirm"):
        return _confirm(request, agreement, key, context)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            check_size(upload.size)
            content = upload.read()
            result = services.spend_import(actor=request.user, agreement=agreement,
                                           content=content, filename=upload.name, dry_run=True)
        except SpendImportError as exc:
            context.update(import_errors=exc.errors, error_count=exc.extra["error_count"],
                           message=exc.message)
            status = 400
        except ApplicationError as exc:
            form_errors(form, exc)
        else:
            digest = hashlib.sha256(content).hexdigest()
            request.session[key] = {"sha256": digest, "name": upload.name,
                                    "content": base64.b64encode(content).decode("ascii")}
            context.update(result=result, sha256=digest, filename=upload.name,
                           preview_limit=PREVIEW_LINES)
    if form.errors:
        status = 400
    return render(request, "budgets/spend_import.html", context, status=status)


def _example(agreement):
    """Example lines built from this agreement, so the page's own example imports: a real
    schedule code, a real paying partner and (if the area has one) a real contract."""
    from ..services.spend import contract_register

    schedules = list(selectors.schedule_list(agreement=agreement))
    pooled = next((s for s in schedules if s.budget_type != "aligned"), None)
    aligned = next((s for s in schedules if s.budget_type == "aligned"), None)
    party = agreement.parties.order_by("name").first()
    contracts = sorted(contract_register(agreement).values())
    return {"pooled": pooled.code if pooled else "S1",
            "aligned": aligned.code if aligned else "",
            "source": (party.short_name or party.name) if party else "",
            "contract": contracts[0] if contracts else ""}


def _confirm(request, agreement, key, context):
    stored = request.session.get(key)
    if not stored or stored["sha256"] != request.POST.get("confirm"):
        form = ImportForm({}, {})
        form.is_valid()
        form.errors["file"] = form.error_class(["The checked file has expired; choose it again"])
        context["form"] = form
        return render(request, "budgets/spend_import.html", context, status=400)
    content = base64.b64decode(stored["content"])
    try:
        result = services.spend_import(actor=request.user, agreement=agreement, content=content,
                                       filename=stored["name"])
    except SpendImportError as exc:
        context.update(form=ImportForm(), import_errors=exc.errors,
                       error_count=exc.extra["error_count"], message=exc.message)
        return render(request, "budgets/spend_import.html", context, status=400)
    del request.session[key]
    messages.success(request, f"{result.lines} spend lines totalling £{result.total:,.2f} were "
                              "imported.")
    return redirect("budgets:spend-list", pk=agreement.pk)
