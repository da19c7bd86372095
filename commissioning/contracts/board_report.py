"""The contracts section of a board's quarterly report: KPI RAG for the quarter and the
exceptions the board should see, for the contracts of the agencies in its scope.

Aggregates only (no individual packages, nothing personal); a fixed number of queries."""
from datetime import timedelta

from django.db.models import Count, Max
from django.db.models.functions import Coalesce

from . import charts, quarters, rules
from .models import ACTIVE_STATUSES, KPI, Contract, ContractStatus, KPIReturn

TITLE = "Contracts and provider performance"
ORDER = 40
TEMPLATE = "contracts/report_section.html"
EXCEPTION_LIMIT = 25


def section(*, board, year: str, quarter: int, agencies) -> dict | None:
    agency_ids = [getattr(a, "pk", a) for a in agencies]
    first, last = quarters.quarter_dates(year, quarter)
    contracts = Contract.objects.filter(
        local_area_id=board.local_area_id, commissioning_agencies__in=agency_ids,
        starts__lte=last, ends__gte=first).exclude(status=ContractStatus.PLANNED).distinct()
    # A subquery, not a list of ids, so the SQL stays the same size whatever the scope.
    ids = contracts.values("id")
    contract_count = ids.count()
    if not contract_count:
        return None
    in_scope = Contract.objects.filter(id__in=ids)
    counts = {}
    for row in (KPIReturn.objects.filter(kpi__contract_id__in=ids, year=year, quarter=quarter)
                .values("kpi__contract__provider__name", "rag").annotate(n=Count("id"))):
        counts.setdefault(row["kpi__contract__provider__name"], {})[row["rag"]] = row["n"]
    totals = {rag: sum(c.get(rag, 0) for c in counts.values()) for rag in charts.RAG_ORDER}
    red = [{"contract": r.kpi.contract.reference, "title": r.kpi.contract.title,
            "provider": r.kpi.contract.provider.name, "kpi": r.kpi.name,
            "value": f"{r.value.normalize():f} {r.kpi.unit}",
            "target": f"{'at least' if r.kpi.direction == 'higher' else 'at most'} "
                      f"{r.kpi.target.normalize():f} {r.kpi.unit}", "comment": r.comment}
           for r in KPIReturn.objects.filter(kpi__contract_id__in=ids, year=year,
                                             quarter=quarter, rag="red")
           .select_related("kpi__contract__provider")
           .order_by("kpi__contract__reference", "kpi__position")[:EXCEPTION_LIMIT]]
    expected = [f for f, qs in rules.FREQUENCY_QUARTERS.items() if quarter in qs]
    missing = [{"contract": k.contract.reference, "provider": k.contract.provider.name,
                "kpi": k.name}
               for k in KPI.objects.filter(contract_id__in=ids, frequency__in=expected)
               .exclude(returns__year=year, returns__quarter=quarter)
               .select_related("contract__provider")
               .order_by("contract__reference", "position")[:EXCEPTION_LIMIT]]
    cutoff = last - timedelta(days=rules.ASSESSMENT_INTERVAL_DAYS)
    overdue = [{"contract": c.reference, "title": c.title, "provider": c.provider.name,
                "since": c.since}
               for c in in_scope.filter(status__in=ACTIVE_STATUSES)
               .annotate(since=Coalesce(Max("assessments__assessed_on"), "starts"))
               .filter(since__lt=cutoff).select_related("provider").order_by("since")]
    until = rules.add_months(last, rules.expiry_window_months())
    ending = [{"contract": c.reference, "title": c.title, "provider": c.provider.name,
               "ends": c.ends, "review": c.review_intention.reference
               if c.review_intention_id else ""}
              for c in in_scope.filter(ends__gt=last, ends__lte=until,
                                       status__in=ACTIVE_STATUSES)
              .select_related("provider", "review_intention").order_by("ends")]
    too_few = [{"contract": c.reference, "title": c.title, "kpis": c.n}
               for c in in_scope.filter(total_value__gt=rules.KPI_THRESHOLD,
                                        is_light_touch=False)
               .annotate(n=Count("kpis", distinct=True))
               .filter(n__lt=rules.MIN_KPIS_ABOVE_THRESHOLD).order_by("reference")]
    # Top-level numbers become the report's headline figures (governance's assembly), so
    # the period and window sit in `meta`.
    return {
        "meta": {"year": year, "quarter": quarter, "window_months": rules.expiry_window_months()},
        "contract_count": contract_count,
        "provider_count": in_scope.aggregate(n=Count("provider", distinct=True))["n"],
        "returned": sum(totals.values()),
        "figures": [{"label": "KPI results rated red", "value": totals["red"]},
                    {"label": "Performance assessments overdue", "value": len(overdue)}],
        "totals": totals, "chart": charts.stacked_bars(counts), "red": red, "missing": missing,
        "overdue": overdue, "ending": ending, "too_few_kpis": too_few,
    }
