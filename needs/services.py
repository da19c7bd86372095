"""Writes for needs evidence: reference data, comparator sets, imports and findings.

Each is one transaction that records who did it; imports run the engine in `imports.py`.
"""
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from commissioning.models import Priority
from portal import audit, broker
from portal.errors import ApplicationError, ErrorCode
from portal.services import save as _save

from . import permissions, selectors
from .imports import ImportResult, Scope, import_observations
from .models import (
    ComparatorSet,
    Finding,
    Geography,
    GeographyKind,
    ImportRun,
    ImportRunArea,
    ImportScope,
    ImportStatus,
    Indicator,
    Observation,
)

INDICATOR_FIELDS = ("name", "definition", "unit", "polarity", "source", "fingertips_id",
                    "topic", "headline", "position")




def _deny(decision):
    if not decision:
        raise ApplicationError(decision.reason, code=ErrorCode.FORBIDDEN)


def _require_platform_or_loader(actor):
    """Indicators and geographies are national reference data shared by every area."""
    if actor is not None and not actor.is_superuser:
        raise ApplicationError("Only platform administrators change indicators and geographies.",
                               code=ErrorCode.FORBIDDEN)


# --- reference data ---------------------------------------------------------------------
@transaction.atomic
def indicator_save(*, actor, code, **fields) -> Indicator:
    """Create or update the indicator with this code."""
    _require_platform_or_loader(actor)
    indicator = Indicator.objects.select_for_update().filter(code=code).first() or \
        Indicator(code=code)
    for key, value in fields.items():
        if key in INDICATOR_FIELDS:
            setattr(indicator, key, value)
    return _save(indicator, actor)


@transaction.atomic
def geography_save(*, actor, code, name, kind, parent_code=None) -> Geography:
    """Create or update a geography; `parent_code` names the geography it lies within (its
    sub-areas' figures may then be imported by the area whose own geography that is)."""
    _require_platform_or_loader(actor)
    geography = Geography.objects.select_for_update().filter(code=code).first() or \
        Geography(code=code)
    parent = None
    if parent_code:
        parent = Geography.objects.filter(code=parent_code).first()
        if parent is None or parent.pk == geography.pk:
            raise ApplicationError(f"Unknown parent geography {parent_code!r}.",
                                   errors={"parent": ["Give the code of a known geography."]})
    if geography.pk and (geography.name, geography.kind, geography.parent_id) == (
            name, kind, getattr(parent, "pk", None)):
        return geography
    geography.name, geography.kind, geography.parent = name, kind, parent
    return _save(geography, actor)


@transaction.atomic
def comparator_set_save(*, actor, local_area, geography, england, region=None,
                        neighbours=()) -> ComparatorSet:
    if actor is not None:
        _deny(permissions.can_change_comparators(actor, local_area))
    neighbours = list(neighbours)
    if geography.pk in {n.pk for n in neighbours}:
        raise ApplicationError("An area cannot be its own statistical neighbour.",
                               errors={"neighbours": ["Leave the area's own geography out."]})
    if england.kind != GeographyKind.ENGLAND:
        raise ApplicationError("The national comparator must be a country.",
                               errors={"england": ["Choose England (a country)."]})
    if region is not None and region.kind != GeographyKind.REGION:
        raise ApplicationError("The regional comparator must be a region.",
                               errors={"region": ["Choose a region."]})
    comparators = ComparatorSet.objects.select_for_update().filter(
        local_area=local_area).first()
    if comparators is None:  # a new set: its neighbours belong to the creation
        comparators = ComparatorSet(local_area=local_area, geography=geography,
                                    england=england, region=region)
        with audit.creating(comparators):
            _save(comparators, actor)
            comparators.neighbours.set(neighbours)
        return comparators
    comparators.geography, comparators.england, comparators.region = geography, england, region
    _save(comparators, actor)
    if {n.pk for n in comparators.neighbours.all()} != {n.pk for n in neighbours}:
        comparators.neighbours.set(neighbours)
    return comparators


# --- imports ----------------------------------------------------------------------------
def progress_key(run_id):
    return f"needs-import-progress:{run_id}"


def import_progress(run_id) -> dict:
    """Rows read so far by a running import (kept in the cache: the import's own
    transaction is not visible until it ends)."""
    return cache.get(progress_key(run_id)) or {}


def _check_import_permission(actor, local_area, platform):
    """An area's import: its commissioners and administrators. A platform import (no area):
    platform administrators; `actor=None` is the command line or an area file."""
    if actor is None:
        return
    if platform:
        _deny(permissions.can_import_platform(actor))
    else:
        _deny(permissions.can_import_observations(actor, local_area))


def _scope_of(run_or_area, platform) -> Scope | None:
    if platform:
        return None
    area = run_or_area
    return Scope(geography_ids=selectors.import_scope(area), area_name=area.name)


def _import_area(actor, local_area, platform):
    """The area an import belongs to (None for the platform's), once the actor may make it."""
    if platform:
        local_area = None
    elif local_area is None:
        raise ApplicationError("Say which local area this import is for.",
                               errors={"local_area": ["Give the local area."]})
    _check_import_permission(actor, local_area, platform)
    return local_area


@transaction.atomic
def import_run_create(*, actor, local_area, upload, platform=False) -> ImportRun:
    """Store an uploaded file and queue its check (a dry run that counts the changes).
    `platform=True` (no area): a platform import of published data for any geography."""
    local_area = _import_area(actor, local_area, platform)
    if upload is None:
        raise ApplicationError("Choose a CSV file to upload.",
                               errors={"file": ["Choose a CSV file to upload"]})
    broker.require()  # 503 before the file is stored when the queue (Redis) is down
    run = ImportRun(local_area=local_area, created_by=actor, filename=upload.name[:250],
                    dry_run=True,
                    scope=ImportScope.PLATFORM if platform else ImportScope.AREA)
    run.file.save(upload.name, upload, save=False)
    _save(run, actor)
    _queue(run.pk, dry_run=True)
    return run


@transaction.atomic
def import_run_confirm(*, actor, run) -> ImportRun:
    """Import a checked file for real (queued; the page shows its progress)."""
    run = ImportRun.objects.select_for_update().get(pk=run.pk)
    _deny(permissions.can_confirm_import(actor, run))
    if run.status != ImportStatus.PREVIEWED or run.error_count:
        raise ApplicationError("Only a file that was checked without errors can be imported.",
                               code=ErrorCode.CONFLICT)
    run.status, run.dry_run = ImportStatus.QUEUED, False
    _save(run, actor)
    _queue(run.pk, dry_run=False)
    return run


def _queue(run_id, *, dry_run):
    from portal import background

    from .tasks import import_run_task

    background.enqueue(import_run_task, run_id, dry_run)  # 503 now when Redis is down


def import_run_execute(*, run_id, dry_run) -> ImportRun:
    """Run a queued import (the Celery task calls this). Safe to run twice: a finished
    run is left alone, and a re-run of the same file changes nothing. An area's run is
    checked against the area's geographies as they are when it runs."""
    with transaction.atomic():
        run = ImportRun.objects.select_for_update(of=("self",)).select_related(
            "local_area").get(pk=run_id)
        if run.status not in (ImportStatus.QUEUED, ImportStatus.RUNNING):
            return run
        run.status = ImportStatus.RUNNING
        run.save(update_fields=["status"])

    def progress(rows, phase):
        cache.set(progress_key(run_id), {"rows": rows, "phase": phase}, timeout=3600)

    platform = run.scope == ImportScope.PLATFORM or run.local_area_id is None
    with run.file.open("rb") as handle:
        result = import_observations(handle, dry_run=dry_run, on_progress=progress,
                                     scope=_scope_of(run.local_area, platform))
    with transaction.atomic():
        run = ImportRun.objects.select_for_update().get(pk=run_id)
        _record(run, result)
        run.status = ImportStatus.FAILED if not result.ok else (
            ImportStatus.PREVIEWED if dry_run else ImportStatus.IMPORTED)
        run.finished_at = timezone.now()
        _save(run, run.created_by)
        if result.ok and not dry_run:
            _record_affected(run, result)
    cache.delete(progress_key(run_id))
    return run


def _record(run, result: ImportResult):
    run.layout, run.rows, run.skipped = result.layout, result.rows, result.skipped
    run.new, run.changed, run.unchanged = result.new, result.changed, result.unchanged
    run.errors, run.error_count = result.as_dict()["errors"], result.error_count


def _record_affected(run, result: ImportResult):
    """Every area whose figures (own, or its comparators') the import changed gets the run
    in its history, with the number of figures of each kind."""
    changed = result.changed_geographies
    if not changed:
        return
    rows = []
    for area_id, (own, comparators) in selectors.geography_owners().items():
        mine = sum(changed.get(g, 0) for g in own)
        theirs = sum(changed.get(g, 0) for g in comparators)
        if mine or theirs:
            rows.append(ImportRunArea(run=run, local_area_id=area_id, own=mine,
                                      comparators=theirs))
    ImportRunArea.objects.bulk_create(rows)


@transaction.atomic
def observations_import(*, actor, local_area, upload, dry_run=False, on_progress=None,
                        filename="", platform=False, record_unchanged=True) -> ImportResult:
    """Import a file now (API, command line, area files). An area's import may hold only its
    own geographies' figures; `platform=True` (no area) any geography's. Records an
    ImportRun, and the areas it changed, unless it is a dry run or failed (in which case
    nothing at all is saved; with `record_unchanged=False`, as for area files loaded again,
    nor when the file changed nothing)."""
    local_area = _import_area(actor, local_area, platform)
    result = import_observations(upload, dry_run=dry_run, on_progress=on_progress,
                                 scope=_scope_of(local_area, platform))
    if result.ok and not dry_run and (record_unchanged or result.new or result.changed):
        run = ImportRun(local_area=local_area, created_by=actor, dry_run=False,
                        filename=(filename or getattr(upload, "name", "") or "upload.csv")[:250],
                        status=ImportStatus.IMPORTED, finished_at=timezone.now(),
                        scope=ImportScope.PLATFORM if platform else ImportScope.AREA)
        _record(run, result)
        _save(run, actor)
        _record_affected(run, result)
    return result


# --- findings ---------------------------------------------------------------------------
def _check_links(local_area, observations, priorities):
    priorities = list(priorities)
    foreign = [p for p in priorities if p.strategy.local_area_id != local_area.pk]
    if foreign:
        raise ApplicationError("A finding can support only its own area's priorities.",
                               errors={"priorities": ["Choose priorities of this area."]})
    return list(observations), priorities


@transaction.atomic
def finding_create(*, actor, local_area, statement, found_on, observations=(),
                   priorities=(), author=None) -> Finding:
    """Record a finding; `author` defaults to the actor (the area loader names one)."""
    if actor is not None:
        _deny(permissions.can_add_finding(actor, local_area))
    observations, priorities = _check_links(local_area, observations, priorities)
    finding = Finding(local_area=local_area, statement=statement.strip(), found_on=found_on,
                      author=author or actor)
    with audit.creating(finding):  # evidence and priorities belong to the creation
        _save(finding, actor)
        finding.observations.set(observations)
        finding.priorities.set(priorities)
    return finding


@transaction.atomic
def finding_update(*, actor, finding, statement=None, found_on=None, observations=None,
                   priorities=None) -> Finding:
    finding = Finding.objects.select_for_update().select_related("local_area").get(pk=finding.pk)
    if actor is not None:
        _deny(permissions.can_change_finding(actor, finding))
    if statement is not None:
        finding.statement = statement.strip()
    if found_on is not None:
        finding.found_on = found_on
    _save(finding, actor)
    if observations is not None or priorities is not None:
        obs, pri = _check_links(finding.local_area, observations or (), priorities or ())
        if observations is not None:
            finding.observations.set(obs)
        if priorities is not None:
            finding.priorities.set(pri)
    return finding


@transaction.atomic
def finding_delete(*, actor, finding) -> None:
    """Remove a finding nothing depends on (see `permissions.can_delete_finding`); the
    removal stays in the audit, shown on the findings page."""
    finding = Finding.objects.select_for_update().get(pk=finding.pk)
    if actor is not None:
        decision = permissions.can_delete_finding(actor, finding)
        if not decision:
            raise ApplicationError(decision.reason, code=ErrorCode.CONFLICT if
                                   permissions.can_change_finding(actor, finding)
                                   else ErrorCode.FORBIDDEN)
    elif finding.priorities.exists():
        raise ApplicationError("This finding supports strategy priorities.",
                               code=ErrorCode.CONFLICT)
    finding._history_user = actor
    finding.delete()


def priorities_for(local_area):
    return Priority.objects.filter(strategy__local_area=local_area).select_related("strategy")


def observation_lookup(keys):
    """Observations by (indicator code, geography code, period) in one query."""
    from django.db.models import Q

    query = Q(pk__in=[])
    for code, area, period in keys:
        query |= Q(indicator__code=code, geography__code=area, period=period)
    found = Observation.objects.filter(query).select_related("indicator", "geography")
    return {(o.indicator.code, o.geography.code, o.period): o for o in found}
