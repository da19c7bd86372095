"""Home panels: overdue performance assessments and contracts ending without a review
intention, for the commissioners of the contracts' agencies."""
from django.urls import reverse
from django.utils import timezone

from agencies.roles import Role
from portal.dates import long_date

from . import permissions, rules, selectors

LIMIT = 8


def panels(user, area):
    if not permissions.can_view_contracts(user, area):
        return []
    mine = permissions.commissioning_agency_ids(user, area)
    if not mine:
        return []
    today = timezone.localdate()
    overdue = list(selectors.overdue_assessments(actor=user, local_area=area, today=today)
                   .filter(commissioning_agencies__in=mine).distinct()[:LIMIT])
    ending = list(selectors.pipeline_list(actor=user, local_area=area, today=today)
                  .filter(commissioning_agencies__in=mine, review_intention__isnull=True)
                  .distinct()[:LIMIT])
    return [{
        "title": "Contract performance assessments overdue",
        "roles": [Role.COMMISSIONER],
        "items": [{"text": f"{c.reference} {c.title}",
                   "href": reverse("contracts:assessment-create", args=[c.pk]),
                   "meta": (f"last assessed {long_date(c.last_assessed)}" if c.last_assessed
                            else f"never assessed; started {long_date(c.starts)}")}
                  for c in overdue],
        "empty": "Every running contract has had its performance assessed in the last 12 months.",
        "href": reverse("contracts:contract-list"), "link_text": "See all contracts",
    }, {
        "title": "Contracts ending soon without a review",
        "roles": [Role.COMMISSIONER],
        "items": [{"text": f"{c.reference} {c.title}",
                   "href": reverse("contracts:contract-detail", args=[c.pk]),
                   "meta": f"ends {long_date(c.ends)}"} for c in ending],
        "empty": f"No contract ending in the next {rules.expiry_window_months()} months "
                 "is waiting for a review intention.",
        "href": reverse("contracts:pipeline"), "link_text": "See the expiry pipeline",
    }]
