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
from .models import (
    ComparatorSet,
    Finding,
    Geography,
    GeographyKind,
    ImportRun,
    ImportRunArea,
    Indicator,
    Observation,
)


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


# --- import scope: whose figures a geography's values are --------------------------------
def _descendants(roots, children):
    found, queue = set(), list(roots)
    while queue:
        for child in children.get(queue.pop(), ()):
            if child not in found:
                found.add(child)
                queue.append(child)
    return found


def geography_owners():
    """For every local area with a comparator set: (own geography ids, comparator geography
    ids). An area's own geographies are its comparator set's geography and that one's
    sub-areas (by `Geography.parent`, at any depth) that are not another area's own
    geography, nor England or a region. Three queries whatever the number of areas."""
    sets = list(ComparatorSet.objects.values_list("local_area_id", "geography_id",
                                                  "england_id", "region_id"))
    neighbours: dict[int, set[int]] = {}
    for area_id, geography_id in ComparatorSet.neighbours.through.objects.values_list(
            "comparatorset__local_area_id", "geography_id"):
        neighbours.setdefault(area_id, set()).add(geography_id)
    children: dict[int, list[int]] = {}
    for pk, parent_id in Geography.objects.filter(parent__isnull=False).exclude(
            kind__in=[GeographyKind.ENGLAND, GeographyKind.REGION]).values_list("id",
                                                                               "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    claimed = {geography_id for _, geography_id, _, _ in sets}
    owners = {}
    for area_id, geography_id, england_id, region_id in sets:
        own = {geography_id} | (_descendants([geography_id], children) - claimed)
        comparators = ({england_id, region_id} | neighbours.get(area_id, set())) - {None} - own
        owners[area_id] = (own, comparators)
    return owners


def import_scope(local_area) -> frozenset:
    """The geographies an area's own import may write (empty without a comparator set)."""
    own, _ = geography_owners().get(local_area.pk, (set(), set()))
    return frozenset(own)


# --- imports ----------------------------------------------------------------------------
def import_run_list(*, actor, local_area):
    """The area's import history: its own imports, and every other import (platform, or a
    neighbour's own) that changed its figures or its comparators' figures."""
    if not needs_permissions.can_import_observations(actor, local_area):
        return ImportRun.objects.none()
    return (ImportRun.objects.filter(Q(local_area=local_area)
                                     | Q(affected__local_area=local_area)).distinct()
            .select_related("created_by", "local_area")
            .prefetch_related(Prefetch("affected", to_attr="affected_here",
                                       queryset=ImportRunArea.objects.filter(
                                           local_area=local_area)))
            .order_by("-created_at", "-id"))


def platform_import_run_list(*, actor):
    if not needs_permissions.is_platform_admin(actor):
        return ImportRun.objects.none()
    return (ImportRun.objects.filter(local_area__isnull=True).select_related("created_by")
            .prefetch_related(Prefetch("affected", queryset=ImportRunArea.objects
                                       .select_related("local_area")
                                       .order_by("local_area__name")))
            .order_by("-created_at", "-id"))


def import_run_get(*, actor, pk):
    run = get_object_or_404(ImportRun.objects.select_related("created_by", "local_area")
                            .prefetch_related(Prefetch(
                                "affected", queryset=ImportRunArea.objects
                                .select_related("local_area").order_by("local_area__name"))),
                            pk=pk)
    affected = [a.local_area_id for a in run.affected.all()]
    if not needs_permissions.can_view_import(actor, run, affected):
        raise Http404
    if not needs_permissions.is_platform_admin(actor):
        # Importers of an area see the areas they may see, not everyone the import touched.
        visible = core.area_ids_for(actor)
        run.visible_affected = [a for a in run.affected.all() if a.local_area_id in visible]
    else:
        run.visible_affected = list(run.affected.all())
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


COMPARATOR_WATCH = audit.Watch(
    fields={"geography_id": "the area's own geography", "england_id": "national comparator",
            "region_id": "region"},
    m2m={"neighbours": "statistical neighbours"})


def comparator_changes(comparators) -> list[dict]:
    """Who set what the area is compared with, and each change since."""
    return audit.newest_first(
        (when, kind, who, what or "Set up", detail)
        for when, kind, who, what, detail in audit.changes(comparators, COMPARATOR_WATCH))


def findings_removed(*, actor, local_area, limit=20) -> list[dict]:
    """Findings removed from the area, newest first, with who removed them (the findings
    page lists them; the rows themselves are gone)."""
    if not needs_permissions.can_view_needs(actor, local_area):
        return []
    rows = (Finding.history.filter(local_area_id=local_area.pk, history_type="-")
            .select_related("history_user").order_by("-history_date")[:limit])
    return audit.newest_first(
        (r.history_date, "removed", audit.who(r), f"Removed: {r.statement[:120]}", "")
        for r in rows)
