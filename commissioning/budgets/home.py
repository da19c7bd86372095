"""Home panels for finance officers and pooled fund managers: quarters waiting to be
closed, and pools forecasting an overspend."""
from django.urls import reverse
from django.utils import timezone

from agencies.roles import Role
from portal import periods
from portal.dates import long_date
from portal.money import format_gbp

from . import permissions, selectors
from .models import Contribution, QuarterSnapshot, SnapshotStatus
from .position import positions_of

FINANCE_ROLES = [Role.FINANCE, Role.POOLED_FUND_MANAGER, Role.APPROVER]


def panels(user, area):
    if not permissions.can_view_package_aggregates(user, area):
        return []
    agreements = [a for a in selectors.agreement_list(actor=user, local_area=area)
                  if permissions.can_change_agreement(user, a)]
    if not agreements:
        return []
    today = timezone.localdate()
    ids = [a.pk for a in agreements]
    years = {}
    for agreement_id, year in Contribution.objects.filter(
            schedule__agreement_id__in=ids).values_list("schedule__agreement_id", "year"):
        years.setdefault(agreement_id, set()).add(year)
    closed = set(QuarterSnapshot.objects.filter(agreement_id__in=ids,
                                                status=SnapshotStatus.CLOSED)
                 .values_list("agreement_id", "year", "quarter"))
    ended = periods.latest_ended_quarter(today)
    to_close, latest = [], {}
    for agreement in agreements:
        for year in sorted(years.get(agreement.pk, ())):
            last = 4 if periods.parse_year(year) < periods.parse_year(ended[0]) else (
                ended[1] if year == ended[0] else 0)
            for quarter in range(1, last + 1):
                if (agreement.pk, year, quarter) not in closed:
                    to_close.append({
                        "text": f"{agreement.title}: Q{quarter} {year}",
                        "href": f"{reverse('budgets:position', args=[agreement.pk])}"
                                f"?year={year}&quarter={quarter}",
                        "meta": f"ended {long_date(periods.quarter_dates(year, quarter)[1])}"})
            if last:
                latest[agreement.pk] = (year, last)
    overspends = []
    by_period = {}
    for agreement in agreements:
        if agreement.pk in latest:
            by_period.setdefault(latest[agreement.pk], []).append(agreement)
    for (year, quarter), group in by_period.items():
        for agreement_id, position in positions_of(group, year, quarter).items():
            if position["variance"] and not position["variance"].startswith("-") \
                    and position["variance"] != "0.00":
                overspends.append({
                    "text": position["title"],
                    "href": f"{reverse('budgets:position', args=[agreement_id])}"
                            f"?year={year}&quarter={quarter}",
                    "meta": f"forecast overspend {format_gbp(position['variance'])} at "
                            f"Q{quarter} {year}"})
    return [
        {"title": "Quarters to close", "roles": FINANCE_ROLES, "items": to_close[:10],
         "empty": "Every ended quarter is closed.", "href": reverse("budgets:agreement-list"),
         "link_text": "All pooled budgets"},
        {"title": "Pools forecasting an overspend", "roles": FINANCE_ROLES, "items": overspends,
         "empty": "No pool forecasts an overspend.", "href": reverse("budgets:agreement-list"),
         "link_text": "All pooled budgets"},
    ]
