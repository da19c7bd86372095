"""Reads for needs evidence, already filtered to what the actor may see.

Indicators, geographies and observations are published statistics: anyone with a role in
any local area may read them. Comparator sets, findings and imports belong to an area.
Every read here costs a fixed number of queries whatever the number of rows.
"""
from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from agencies import permissions as core
from commissioning.models import Intention, Priority
from portal import audit

from . import comparison
from . import permissions as needs_permissions
from .models import ComparatorSet, Finding, Geography, ImportRun, Indicator, Observation


def _reads_needs(actor) -> bool:
    return bool(core.area_ids_for(actor))


def indicator_list(*, actor, headline=None, search=""):
    qs = Indicator.objects.all() if _reads_needs(actor) else Indicator.objects.none()
    if headline is not None:
        qs = qs.filter(headline=headline)
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(code__iexact=search)
                       | Q(topic__icontains=search))
    return qs.order_by("position", "name")


def indicator_get(*, actor, pk):
    return get_object_or_404(indicator_list(actor=actor), pk=pk)


def geography_list(*, actor):
    return Geography.objects.all() if _reads_needs(actor) else Geography.objects.none()


def observation_list(*, actor, indicator=None, geography=None, period=None):
    if not _reads_needs(actor):
        return Observation.objects.none()
    qs = Observation.objects.select_related("indicator", "geography")
    if indicator:
        qs = qs.filter(indicator_id=indicator)
    if geography:
        geography = str(geography)
        qs = qs.filter(geography_id=int(geography)) if geography.isdigit() else \
            qs.filter(geography__code=geography.upper())
    if period:
        qs = qs.filter(period=period)
    return qs.order_by("indicator__position", "indicator_id", "geography__code", "period_sort")


def _comparator_set(local_area):
    return (ComparatorSet.objects.select_related("geography", "england", "region")
            .prefetch_related(Prefetch("neighbours", queryset=Geography.objects.order_by("name")))
            .filter(local_area=local_area).first())


def comparator_set_get(*, actor, local_area):
    """The area's comparator set (None if it has none yet); 404 outside the area."""
    if not needs_permissions.can_view_needs(actor, local_area):
        raise Http404
    return _comparator_set(local_area)


def _observations_for(indicator_ids, comparators):
    return (Observation.objects.filter(indicator_id__in=indicator_ids,
                                       geography_id__in=comparison.comparator_geography_ids(
                                           comparators))
            .order_by("indicator_id", "period_sort"))


def headline_comparison(*, local_area):
    """(comparator set, [IndicatorComparison]) for the area's headline indicators that it has
    figures for. Four queries: comparators, neighbours, indicators, observations. No
    permission check: callers have decided (the dashboard below; board report assembly,
    which reports published statistics to the area's own boards)."""
    comparators = _comparator_set(local_area)
    if comparators is None:
        return None, []
    indicators = list(Indicator.objects.filter(headline=True).order_by("position", "name"))
    by_indicator = {i.pk: [] for i in indicators}
    for obs in _observations_for(list(by_indicator), comparators):
        by_indicator[obs.indicator_id].append(obs)
    rows = [comparison.build(i, comparators, by_indicator[i.pk]) for i in indicators]
    return comparators, [row for row in rows if row.points]


def dashboard(*, actor, local_area):
    if not needs_permissions.can_view_needs(actor, local_area):
        raise Http404
    return headline_comparison(local_area=local_area)


def indicator_comparison(*, actor, indicator, local_area, period=None):
    comparators = comparator_set_get(actor=actor, local_area=local_area)
    if comparators is None:
        return None, None
    observations = list(_observations_for([indicator.pk], comparators))
    return comparators, comparison.build(indicator, comparators, observations, period)


# --- findings ---------------------------------------------------------------------------
def finding_list(*, actor, local_area=None):
    area_ids = core.area_ids_for(actor)
    if local_area is not None:
        area_ids = area_ids & {local_area.pk}
    return (Finding.objects.filter(local_area_id__in=area_ids)
            .select_related("author", "local_area")
            .prefetch_related(
                Prefetch("priorities", queryset=Priority.objects.select_related("strategy")
                         .order_by("strategy__title", "number")),
                Prefetch("observations", queryset=Observation.objects.select_related(
                    "indicator", "geography").order_by("indicator__position", "period_sort")))
            .order_by("-found_on", "-id"))


def finding_get(*, actor, pk):
    """The finding with its evidence, priorities and the intentions that answer them (the
    intentions filtered to what the actor may see)."""
    finding = get_object_or_404(finding_list(actor=actor).prefetch_related(
        Prefetch("priorities__intentions",
                 queryset=Intention.objects.select_related("current_stage", "lead_agency")
                 .order_by("reference"))), pk=pk)
    for priority in finding.priorities.all():
        priority.visible_intentions = [
            i for i in priority.intentions.all()
            if needs_permissions.can_view_intention_in_finding(actor, i)]
    return finding


def finding_observation_choices(*, actor, local_area, comparators):
    """Observations a finding may cite: every figure of the area's comparator geographies."""
    if comparators is None:
        return Observation.objects.none()
    return (observation_list(actor=actor)
            .filter(geography_id__in=comparison.comparator_geography_ids(comparators))
            .order_by("indicator__position", "indicator__name", "geography__kind",
                      "geography__name", "-period_sort"))


# --- imports ----------------------------------------------------------------------------
def import_run_list(*, actor, local_area):
    if not needs_permissions.can_import_observations(actor, local_area):
        return ImportRun.objects.none()
    return (ImportRun.objects.filter(local_area=local_area).select_related("created_by")
            .order_by("-created_at"))


def import_run_get(*, actor, pk):
    run = get_object_or_404(ImportRun.objects.select_related("created_by", "local_area"), pk=pk)
    if run.local_area_id is None or not needs_permissions.can_view_import(actor, run):
        raise Http404
    return run


# --- what changed (portal.audit) --------------------------------------------------------
FINDING_WATCH = audit.Watch(
    fields={"statement": "statement", "found_on": "date of the finding"},
    m2m={"observations": "evidence", "priorities": "priorities"},
    m2m_related={"observations": ("indicator", "geography")})


def finding_changes(finding) -> list[dict]:
    """Who recorded the finding and who added or removed its evidence and priorities."""
    return audit.newest_first(
        (when, kind, who, what or "Recorded", detail)
        for when, kind, who, what, detail in audit.changes(finding, FINDING_WATCH))
