"""Reads for providers and contracts, already filtered to what the actor may see.

Contracts are seen by the internal roles of their area (never by the co-production roles);
which rows show money is decided per row by `permissions.can_view_values`, from the
prefetched commissioning agencies, so a page costs the same queries whatever its length.
"""
from datetime import timedelta

from django.db import connection
from django.db.models import (
    Count,
    F,
    FilteredRelation,
    Max,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from agencies import permissions as base
from agencies.models import Agency
from agencies.roles import AreaPerm
from portal import audit

from . import quarters, rules
from .models import (
    ACTIVE_STATUSES,
    KPI,
    Contract,
    ContractStatus,
    KPIReturn,
    PerformanceAssessment,
    Provider,
    QualityVisit,
)

CONTRACT_SORTS = {
    "reference": "reference", "title": "title", "provider": "provider__name",
    "status": "status", "starts": "starts", "ends": "ends",
}


def _area_ids(actor) -> set[int]:
    return base.area_ids_for(actor, AreaPerm.VIEW_INTERNAL)


# --- providers -------------------------------------------------------------------------
def provider_list(*, actor, local_area=None, search="", type=""):  # noqa: A002
    qs = Provider.objects.filter(local_area_id__in=_area_ids(actor)).select_related(
        "local_area").annotate(contract_count=Count("contracts", distinct=True))
    if local_area is not None:
        qs = qs.filter(local_area=local_area)
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(companies_house_number__iexact=search)
                       | Q(charity_number__iexact=search) | Q(ods_code__iexact=search))
    if type:
        qs = qs.filter(type=type)
    return qs.order_by("name", "id")


def provider_get(*, actor, pk):
    return get_object_or_404(provider_list(actor=actor), pk=pk)


# --- contracts -------------------------------------------------------------------------
def register_filter_choices(local_area) -> dict:
    """The register's filter options as (id as text, label) pairs: an area has hundreds of
    providers, so no model instances (issue 15)."""
    from commissioning.budgets.models import Section75Agreement

    def pairs(queryset, label):
        return [(str(pk), text) for pk, text in queryset.order_by(label).values_list("pk", label)]

    return {"providers": pairs(Provider.objects.filter(local_area=local_area), "name"),
            "agencies": pairs(Agency.objects.filter(local_area=local_area), "name"),
            "funding_choices": pairs(Section75Agreement.objects.filter(local_area=local_area),
                                     "title")}


def _contracts(actor):
    return (Contract.objects.filter(local_area_id__in=_area_ids(actor))
            .select_related("provider", "lead_agency", "local_area", "schedule")
            .prefetch_related(Prefetch("commissioning_agencies",
                                       queryset=Agency.objects.order_by("name"))))


def contract_list(*, actor, local_area=None, provider=None, agency=None, status=None,
                  ends_before=None, search="", sort="ends", funding=None):
    # A correlated subquery, not a join: it runs for the page's rows only, and the
    # paginator's count leaves it out (a join would group all 100,000 KPIs of 5,000 contracts).
    qs = _contracts(actor).annotate(kpi_count=Coalesce(Subquery(
        KPI.objects.filter(contract=OuterRef("pk")).order_by().values("contract")
        .annotate(n=Count("id")).values("n")[:1]), 0))
    if local_area is not None:
        qs = qs.filter(local_area=local_area)
    if provider:
        qs = qs.filter(provider_id=getattr(provider, "pk", provider))
    if agency:
        qs = qs.filter(commissioning_agencies=getattr(agency, "pk", agency))
    if status:
        qs = qs.filter(status=status)
    if ends_before:
        qs = qs.filter(ends__lt=ends_before)
    if funding == "none":
        qs = qs.filter(schedule__isnull=True)
    elif str(funding).isdigit():
        qs = qs.filter(schedule__agreement_id=int(funding))
    if search:
        qs = qs.filter(Q(title__icontains=search) | Q(reference__icontains=search)
                       | Q(provider__name__icontains=search))
    key = sort.lstrip("-")
    order = CONTRACT_SORTS.get(key, "ends")
    return qs.order_by(f"-{order}" if sort.startswith("-") and key in CONTRACT_SORTS else order,
                       "reference", "id")


def contract_get(*, actor, pk):
    """A contract with its KPIs (and their returns), assessments and visits; 404 if unseen."""
    qs = _contracts(actor).select_related("intention", "review_intention", "schedule__agreement",
                                          "intention__current_stage",
                                          "review_intention__current_stage").prefetch_related(
        Prefetch("kpis", queryset=KPI.objects.prefetch_related(
            Prefetch("returns", queryset=KPIReturn.objects.select_related("submitted_by")
                     .order_by("year", "quarter")))),
        Prefetch("assessments", queryset=PerformanceAssessment.objects.select_related(
            "assessed_by").order_by("-assessed_on", "-id")),
        Prefetch("quality_visits", queryset=QualityVisit.objects.order_by("-visited_on")),
    )
    return get_object_or_404(qs, pk=pk)


def kpi_grid(contract, *, today=None, count=4):
    """Each KPI's status in the last `count` ended quarters (uses the prefetched returns)."""
    today = today or timezone.localdate()
    periods = quarters.recent(*quarters.last_ended(today), count)
    rows = []
    for kpi in contract.kpis.all():
        by_quarter = {(r.year, r.quarter): r for r in kpi.returns.all()}
        cells = []
        for year, quarter in periods:
            first, last = quarters.quarter_dates(year, quarter)
            ran = last >= contract.starts and first <= contract.ends
            kpi_return = by_quarter.get((year, quarter))
            status = rules.quarter_status(kpi, kpi_return, year, quarter, today=today) \
                if ran or kpi_return else None
            cells.append({"year": year, "quarter": quarter, "return": kpi_return,
                          "status": status})
        rows.append({"kpi": kpi, "cells": cells})
    return periods, rows


# --- expiry pipeline and assessments ------------------------------------------------------
def pipeline_list(*, actor, local_area, today=None, months=None):
    """Contracts ending within the window that are still running or planned."""
    today = today or timezone.localdate()
    until = rules.add_months(today, months or rules.expiry_window_months())
    return (_contracts(actor).filter(local_area=local_area, ends__gte=today, ends__lte=until,
                                     status__in=[*ACTIVE_STATUSES, ContractStatus.PLANNED])
            .select_related("review_intention", "review_intention__current_stage")
            .order_by("ends", "reference"))


def overdue_assessments(*, actor, local_area, today=None):
    """Running contracts whose last assessment (or start) is over 12 months ago."""
    today = today or timezone.localdate()
    cutoff = today - timedelta(days=rules.ASSESSMENT_INTERVAL_DAYS)
    return (_contracts(actor).filter(local_area=local_area, status__in=ACTIVE_STATUSES)
            .annotate(last_assessed=Max("assessments__assessed_on"))
            .annotate(assessed_since=Coalesce("last_assessed", "starts"))
            .filter(assessed_since__lt=cutoff).order_by("assessed_since", "reference"))


# --- the RAG dashboard ------------------------------------------------------------------
MISSING_LIMIT = 50  # the dashboard lists this many missing returns ("50 or more")


def rag_summary(*, actor, local_area, year, quarter, today=None, with_missing=True) -> dict:
    """The quarter's KPI results counted green/amber/red for the area, each commissioning
    agency and each provider ({"area": {rag: n}, "agency": {name: {rag: n}}, "provider":
    ...}), and under "missing_contracts" the ids of the first MISSING_LIMIT
    contracts (by reference) with a return missing by `rules.return_missing`, in one query.

    The database does the adding up (issue 15): each KPI of the area is joined to its
    quarter's return once (a left join, so a KPI without one shows as rag NULL), grouped by
    contract; the totals by area, provider and agency, and the contracts missing returns,
    are read from those per-contract rows. Python receives a few hundred rows, not a row
    per contract and return."""
    empty = {"green": 0, "amber": 0, "red": 0}
    result = {"area": dict(empty), "agency": {}, "provider": {}, "missing_contracts": []}
    if local_area.pk not in _area_ids(actor):
        return result
    today = today or timezone.localdate()
    with_missing = with_missing and today > rules.return_due(year, quarter)
    sql, params = _rag_summary_sql(local_area, year, quarter, with_missing)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for kind, name, rag, n, contract_id in cursor.fetchall():
            if kind == "missing":
                result["missing_contracts"].append(contract_id)
            elif kind == "area":
                result["area"][rag] = int(n)
            else:
                result[kind].setdefault(name, dict(empty))[rag] = int(n)
    return result


def _rag_summary_sql(local_area, year, quarter, with_missing) -> tuple[str, list]:
    # Per contract and RAG (NULL: no return): the KPIs, and those whose frequency expects
    # a return this quarter. The ORM writes this part; the sums over it are plain SQL
    # because the ORM has no WITH (a CTE is computed once however often it is read).
    per_contract = (KPI.objects.filter(contract__local_area=local_area)
                    .annotate(quarter_return=FilteredRelation(
                        "returns", condition=Q(returns__year=year, returns__quarter=quarter)))
                    .values("contract_id", rag=F("quarter_return__rag"))
                    .annotate(n=Count("id"), expected=Count("id", filter=Q(
                        frequency__in=rules.expected_frequencies(quarter))))
                    .order_by())
    inner, params = per_contract.query.sql_with_params()
    q = connection.ops.quote_name
    contract, provider = q(Contract._meta.db_table), q(Provider._meta.db_table)
    through = q(Contract.commissioning_agencies.through._meta.db_table)
    agency = q(Agency._meta.db_table)
    # Only quoted table names and a constant are formatted in; values are parameters.
    sql = f"""WITH pc AS ({inner})
        SELECT 'area', NULL, pc.rag, SUM(pc.n), CAST(NULL AS BIGINT) FROM pc
        WHERE pc.rag IS NOT NULL GROUP BY pc.rag
        UNION ALL
        SELECT 'provider', p.name, pc.rag, SUM(pc.n), NULL FROM pc
        JOIN {contract} c ON c.id = pc.contract_id JOIN {provider} p ON p.id = c.provider_id
        WHERE pc.rag IS NOT NULL GROUP BY p.name, pc.rag
        UNION ALL
        SELECT 'agency', a.name, pc.rag, SUM(pc.n), NULL FROM pc
        JOIN {through} t ON t.contract_id = pc.contract_id JOIN {agency} a ON a.id = t.agency_id
        WHERE pc.rag IS NOT NULL GROUP BY a.name, pc.rag"""  # noqa: S608
    if with_missing:  # rules.return_missing for a set: ran in the quarter, not planned
        first, last = quarters.quarter_dates(year, quarter)
        sql += f"""
        UNION ALL
        SELECT 'missing', NULL, NULL, NULL, m.id FROM (
            SELECT c.id FROM pc JOIN {contract} c ON c.id = pc.contract_id
            WHERE pc.rag IS NULL AND pc.expected > 0 AND c.starts <= %s AND c.ends >= %s
            AND c.status <> %s ORDER BY c.reference LIMIT {MISSING_LIMIT}) m"""  # noqa: S608
        params = (*params, last, first, ContractStatus.PLANNED.value)
    return sql, list(params)


def missing_returns(*, actor, local_area, year, quarter, today=None, contract_ids=None):
    """KPIs of contracts running in the quarter that expected a return and have none
    (`rules.return_missing`); only those of `contract_ids` when given (from
    `rag_summary`, so that the quarter's returns are read for those contracts only)."""
    today = today or timezone.localdate()
    first, last = quarters.quarter_dates(year, quarter)
    if today <= rules.return_due(year, quarter) or contract_ids == []:
        return KPI.objects.none()
    returned = KPIReturn.objects.filter(year=year, quarter=quarter)
    kpis = KPI.objects.filter(contract__local_area=local_area,
                              contract__local_area_id__in=_area_ids(actor),
                              contract__starts__lte=last, contract__ends__gte=first,
                              frequency__in=rules.expected_frequencies(quarter))
    if contract_ids is not None:
        kpis = kpis.filter(contract_id__in=contract_ids)
        returned = returned.filter(kpi__contract_id__in=contract_ids)
    return (kpis.exclude(contract__status=ContractStatus.PLANNED)
            # The quarter's returns read once into a hashed NOT IN (issue 15):
            # `.exclude(returns__year=.., returns__quarter=..)` made two probes per KPI
            # (0.8 s at 100,000 KPIs), and a NOT EXISTS anti-join is planned badly on
            # tables without statistics yet (minutes after a bulk load).
            .exclude(id__in=returned.values("kpi_id"))
            .select_related("contract__provider").order_by("contract__reference", "position"))


# --- what changed (portal.audit) --------------------------------------------------------
CONTRACT_WATCH = audit.Watch(
    fields={"reference": "reference", "title": "title", "description": "description",
            "provider_id": "provider", "lead_agency_id": "lead agency",
            "intention_id": "commissioning intention", "schedule_id": "pooled budget schedule",
            "total_value": "total value", "annual_value": "annual value",
            "value_is_sensitive": "sensitivity of the values", "starts": "start date",
            "ends": "end date", "extension_options": "extension options",
            "procurement_route": "procurement route", "status": "status"},
    m2m={"commissioning_agencies": "commissioning agencies"},
    money=frozenset({"total_value", "annual_value"}))


def contract_changes(contract, *, show_values) -> list[dict]:
    """Who changed what on the contract, newest first: agencies added or removed, values
    from £X to £Y (amounts only when `show_values`), other fields by name."""
    return audit.newest_first(
        (when, kind, who, what or "Added to the register", detail)
        for when, kind, who, what, detail in audit.changes(
            contract, CONTRACT_WATCH, show_money=show_values))
