"""Helpers shared by the cycle's pages."""
from django.core.paginator import Paginator
from django.http import Http404

from portal.errors import ApplicationError

PAGE_SIZE = 25


def page(request, queryset, size=PAGE_SIZE):
    return Paginator(queryset, size).get_page(request.GET.get("page"))


def form_errors(form, exc: ApplicationError):
    """Put a service's errors on the form's fields (or at the top) for the error summary."""
    placed = False
    for field, errors in exc.errors.items():
        for error in errors:
            if field in form.fields:
                form.add_error(field, error)
                placed = True
    if not placed:
        form.add_error(None, exc.message)


def require_area(request):
    if getattr(request, "area", None) is None:
        raise Http404("You have no role in any local area.")
    return request.area


def require(decision):
    """A page the person may not use is missing to them (404), as in the API."""
    if not decision:
        raise Http404(decision.reason)
