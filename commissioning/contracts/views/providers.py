"""Provider pages: the area's shared market."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from portal.errors import ApplicationError

from .. import permissions, selectors, services
from ..forms import ProviderForm
from ..models import ProviderType
from ._common import form_errors, page, require_area, status_for, with_values_flag


@login_required
def provider_list(request):
    area = require_area(request)
    q, kind = request.GET.get("q", "").strip(), request.GET.get("type", "")
    providers = selectors.provider_list(actor=request.user, local_area=area, search=q, type=kind)
    return render(request, "contracts/provider_list.html", {
        "page_title": "Providers", "page_obj": page(request, providers), "q": q,
        "type": kind, "types": ProviderType.choices,
        "can_add": permissions.can_manage_providers(request.user, area).allowed,
    })


@login_required
def provider_detail(request, pk):
    provider = selectors.provider_get(actor=request.user, pk=pk)
    contracts = with_values_flag(request.user, selectors.contract_list(
        actor=request.user, provider=provider, sort="-ends"))
    return render(request, "contracts/provider_detail.html", {
        "page_title": provider.name, "provider": provider, "contracts": contracts,
        "can_change": permissions.can_manage_providers(request.user,
                                                       provider.local_area).allowed,
    })


@login_required
@require_http_methods(["GET", "POST"])
def provider_create(request):
    area = require_area(request)
    if not permissions.can_manage_providers(request.user, area):
        raise Http404
    form = ProviderForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            provider = services.provider_create(actor=request.user, local_area=area,
                                                **form.cleaned_data)
        except ApplicationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, f"{provider.name} was added to the providers.")
            return redirect("contracts:provider-detail", pk=provider.pk)
    return render(request, "contracts/form.html", {
        "page_title": "Add a provider", "form": form, "submit": "Add provider",
        "back": "contracts:provider-list"}, status=status_for(form))


@login_required
@require_http_methods(["GET", "POST"])
def provider_edit(request, pk):
    provider = selectors.provider_get(actor=request.user, pk=pk)
    if not permissions.can_manage_providers(request.user, provider.local_area):
        raise Http404
    initial = {f: getattr(provider, f) for f in ProviderForm.base_fields}
    form = ProviderForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.provider_update(actor=request.user, provider=provider, **form.cleaned_data)
        except ApplicationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, "The provider was updated.")
            return redirect("contracts:provider-detail", pk=provider.pk)
    return render(request, "contracts/form.html", {
        "page_title": f"Change {provider.name}", "form": form, "submit": "Save changes",
        "back": "contracts:provider-list"}, status=status_for(form))
