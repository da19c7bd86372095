"""Helpers shared by the governance pages."""
from django.http import Http404

from portal.errors import ApplicationError


def form_errors(form, exc: ApplicationError):
    """Put a service's errors on the form so the GOV.UK error summary shows them."""
    for field, errors in exc.errors.items():
        for error in errors:
            form.add_error(field if field in form.fields else None, error)
    if not exc.errors:
        form.add_error(None, exc.message)


def require_area(request):
    if request.area is None:
        raise Http404("You have no role in any local area.")
    return request.area


def require_or_404(decision):
    if not decision:
        raise Http404(decision.reason)
