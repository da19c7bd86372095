"""Reads for providers and contracts, already filtered to what the actor may see.

Contracts are seen by the internal roles of their area (never by the co-production roles);
which rows show money is decided per row by `permissions.can_view_values`, from the
prefetched commissioning agencies, so a page costs the same queries whatever its length.
"""
from datetime import timedelta

from django.db.models import Count, Max, OuterRef, Prefetch, Q, Subquery
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
def rag_counts(*, actor, local_area, year, quarter) -> dict[str, dict]:
    """The quarter's KPI results counted green/amber/red for the area, each commissioning
    agency and each provider: {"area": {rag: n}, "agency": {name: {rag: n}}, "provider": ...}.

    Three queries whatever the size: the returns grouped by contract and RAG (one pass over
    the quarter's returns), then the contracts' providers and agencies, added up here. (A
    join from every return to the agencies table would handle each return once per agency.)
    """
    empty = {"green": 0, "amber": 0, "red": 0}
    result = {"area": dict(empty), "agency": {}, "provider": {}}
    if local_area.pk not in _area_ids(actor):
        return result
    by_contract = {}
    for row in (KPIReturn.objects.filter(kpi__contract__local_area=local_area, year=year,
                                         quarter=quarter)
                .values("kpi__contract_id", "rag").annotate(n=Count("id")).order_by()):
        by_contract.setdefault(row["kpi__contract_id"], {})[row["rag"]] = row["n"]
    # By area, not by a list of ids: an IN list of every contract would grow with the data.
    providers = dict(Contract.objects.filter(local_area=local_area).values_list(
        "id", "provider__name"))
    agencies = Contract.commissioning_agencies.through.objects.filter(
        contract__local_area=local_area).values_list("contract_id", "agency__name")
    for contract_id, counts in by_contract.items():
        for rag, n in counts.items():
            result["area"][rag] += n
            result["provider"].setdefault(providers[contract_id], dict(empty))[rag] += n
    for contract_id, name in agencies:
        for rag, n in by_contract.get(contract_id, {}).items():
            result["agency"].setdefault(name, dict(empty))[rag] += n
    return result


def missing_returns(*, actor, local_area, year, quarter, today=None):
    """KPIs of contracts running in the quarter that expected a return and have none."""
    today = today or timezone.localdate()
    first, last = quarters.quarter_dates(year, quarter)
    if today <= rules.return_due(year, quarter):
        return KPI.objects.none()
    expected = [f for f, qs in rules.FREQUENCY_QUARTERS.items() if quarter in qs]
    return (KPI.objects.filter(contract__local_area=local_area,
                               contract__local_area_id__in=_area_ids(actor),
                               contract__starts__lte=last, contract__ends__gte=first,
                               frequency__in=expected)
            .exclude(contract__status=ContractStatus.PLANNED)
            # The quarter's returns read once into a hashed NOT IN (issue 15):
            # `.exclude(returns__year=.., returns__quarter=..)` made two probes per KPI
            # (0.8 s at 100,000 KPIs), and a NOT EXISTS anti-join is planned badly on
            # tables without statistics yet (minutes after a bulk load).
            .exclude(id__in=KPIReturn.objects.filter(year=year, quarter=quarter)
                     .values("kpi_id"))
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
