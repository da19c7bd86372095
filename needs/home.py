"""Home panels of the needs evidence."""
from django.urls import reverse

from agencies.roles import Role
from portal.dates import long_date

from . import permissions
from .models import Finding


def panels(user, area):
    findings = list(Finding.objects.filter(local_area=area).order_by("-found_on", "-id")[:3])
    result = [{
        "title": "Needs evidence",
        "roles": [],
        "items": [{"text": f.statement[:120] + ("…" if len(f.statement) > 120 else ""),
                   "href": reverse("needs:finding-detail", args=[f.pk]),
                   "meta": long_date(f.found_on)} for f in findings],
        "empty": "No findings have been recorded yet.",
        "href": reverse("needs:dashboard"), "link_text": "See the needs dashboard",
    }]
    if permissions.can_import_observations(user, area):
        result.append({
            "title": "Keep the evidence up to date",
            "roles": [Role.COMMISSIONER, Role.ADMIN],
            "items": [{"text": "Import published data (CSV or Fingertips export)",
                       "href": reverse("needs:import")},
                      {"text": "Record a finding", "href": reverse("needs:finding-create")}],
            "empty": "",
        })
    return result
