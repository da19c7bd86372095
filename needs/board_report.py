"""Board report section: the JSNA's headline indicators compared with England.

Published statistics and findings only: nothing personal, no joint packages. Costs the
dashboard's four queries plus one for recent findings, whatever the number of indicators.
"""
from . import selectors
from .models import Finding

TITLE = "Needs evidence (JSNA)"
ORDER = 25
TEMPLATE = "needs/report_section.html"


def section(*, board, year: str, quarter: int, agencies) -> dict | None:
    area = board.local_area
    comparators, rows = selectors.headline_comparison(local_area=area)
    if not rows:
        return None
    findings = list(Finding.objects.filter(local_area=area).order_by("-found_on", "-id")
                    .values("statement", "found_on")[:5])
    return {
        "area": comparators.geography.name,
        "region": comparators.region.name if comparators.region else "",
        "rows": [{
            "name": row.indicator.name, "unit": row.indicator.unit,
            "unit_label": row.indicator.get_unit_display(), "period": row.period,
            "value": row.latest.area.value,
            "england": row.latest.england.value if row.latest.england else None,
            "region": row.latest.region.value if row.latest.region else None,
            "neighbours": row.latest.neighbours_average,
            "vs_england": row.vs_england.label, "vs_england_key": row.vs_england.key,
            "trend": row.trend.label,
        } for row in rows],
        "findings": findings,
    }
