"""Helpers shared by the pages."""
from django.core.paginator import Paginator
from django.http import Http404
from django.utils import timezone

from portal import periods

from .. import permissions, selectors

PAGE_SIZE = 25


def page(request, queryset, size=PAGE_SIZE):
    return Paginator(queryset, size).get_page(request.GET.get("page"))


def form_errors(form, exc):
    errors = exc.errors if isinstance(exc.errors, dict) else {}
    for field, messages in errors.items():
        for message in messages:
            form.add_error(field if field in form.fields else None, message)
    if not errors:
        form.add_error(None, exc.message)


def require_area(request):
    if request.area is None:
        raise Http404("You have no role in any local area.")
    return request.area


def agreement_for(request, pk, *, change=False):
    """Fetch and authorise: another area's agreement, or one the person may not change
    when `change`, is the same 404 as a missing one."""
    agreement = selectors.agreement_get(actor=request.user, pk=pk)
    if change and not permissions.can_change_agreement(request.user, agreement):
        raise Http404
    return agreement


def period_from(request, agreement, year=None, quarter=None):
    """The year and quarter asked for, else the latest year with contributions and its
    latest ended quarter. Bad values are a 404 (they are part of the address)."""
    year = year or request.GET.get("year")
    quarter = quarter or request.GET.get("quarter")
    if year:
        if not periods.is_year(year):
            raise Http404
    else:
        years = selectors.contribution_years(agreement=agreement)
        year = years[-1] if years else periods.year_of(timezone.localdate())
    if quarter:
        try:
            quarter = int(quarter)
        except ValueError:
            raise Http404 from None
        if quarter not in periods.QUARTERS:
            raise Http404
    else:
        ended_year, ended_quarter = periods.latest_ended_quarter(timezone.localdate())
        if ended_year == year:
            quarter = ended_quarter
        elif periods.parse_year(year) < periods.parse_year(ended_year):
            quarter = 4
        else:
            quarter = 1
    return year, quarter
