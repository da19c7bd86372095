"""Helpers shared by the governance pages."""
from django.http import Http404
from django.shortcuts import render

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


def form_page(request, form, *, title, submit, back, status=None, caption="", intro="",
              submit_warning=False):
    """The governance form page; a form with errors answers 400."""
    return render(request, "governance/form.html", {
        "page_title": title, "form": form, "submit": submit, "back": back,
        "caption": caption, "intro": intro, "submit_warning": submit_warning},
        status=status or (400 if form.errors else 200))
