"""Helpers shared by the contracts pages."""
from django.core.paginator import Paginator
from django.http import Http404

from .. import permissions

PAGE_SIZE = 25


def require_area(request):
    """The current area, if the person may see its contracts; else the same 404."""
    area = request.area
    if area is None or not permissions.can_view_contracts(request.user, area):
        raise Http404("No contracts to show.")
    return area


def page(request, queryset, size=PAGE_SIZE):
    return Paginator(queryset, size).get_page(request.GET.get("page"))


def form_errors(form, exc):
    for field, errors in exc.errors.items():
        for error in errors:
            form.add_error(field if field in form.fields else None, error)
    if not exc.errors:
        form.add_error(None, exc.message)


def status_for(form):
    return 400 if form.is_bound and form.errors else 200


def with_values_flag(user, contracts):
    """Mark each contract with whether the person may see its money (no queries: the
    commissioning agencies are prefetched and the person's grants cached)."""
    contracts = list(contracts)
    for contract in contracts:
        contract.show_values = permissions.can_view_values(user, contract).allowed
    return contracts
