"""Pages of the needs evidence: dashboard, indicator, findings, imports. Thin: rules live
in selectors and services; the statistics in significance.py."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from portal.errors import ApplicationError, ErrorCode

from . import charts, permissions, selectors, services
from .forms import ComparatorSetForm, FindingForm, ImportForm
from .imports import LONG_COLUMNS
from .models import Geography, GeographyKind, ImportStatus, Observation

PAGE_SIZE = 25


def _area(request):
    if request.area is None:
        raise Http404("You have no role in any local area.")
    return request.area


def _form_errors(form, exc: ApplicationError):
    for name, errors in exc.errors.items():
        for error in errors:
            form.add_error(name if name in form.fields else None, error)
    if not exc.errors:
        form.add_error(None, exc.message)


@login_required
def dashboard(request):
    area = _area(request)
    comparators, rows = selectors.dashboard(actor=request.user, local_area=area)
    return render(request, "needs/dashboard.html", {
        "page_title": "Needs evidence", "comparators": comparators, "rows": rows,
        "can_import": permissions.can_import_observations(request.user, area).allowed,
        "can_add_finding": permissions.can_add_finding(request.user, area).allowed,
        "can_import_platform": permissions.can_import_platform(request.user).allowed,
        "can_change_comparators": permissions.can_change_comparators(request.user,
                                                                     area).allowed,
    })


def _unit_label(indicator):
    return indicator.get_unit_display()


@login_required
def indicator_detail(request, pk):
    area = _area(request)
    indicator = selectors.indicator_get(actor=request.user, pk=pk)
    comparators, result = selectors.indicator_comparison(
        actor=request.user, indicator=indicator, local_area=area,
        period=request.GET.get("period") or None)
    chart, description = "", ""
    if result and result.points:
        periods = [p.period for p in result.points]

        def values(pick):
            return [None if v is None else float(v) for v in map(pick, result.points)]

        series = [(comparators.geography.name, values(lambda p: p.area.value)),
                  ("England", values(lambda p: p.england and p.england.value))]
        if comparators.region:
            series.append((comparators.region.name,
                           values(lambda p: p.region and p.region.value)))
        series.append(("Statistical neighbours' average",
                       values(lambda p: p.neighbours_average)))
        description = _describe(indicator, comparators, result)
        chart = charts.line_chart(
            title=f"{indicator.name}: {comparators.geography.name} compared with England, "
                  "its region and its statistical neighbours",
            description=description,
            periods=periods, series=series, unit_label=_unit_label(indicator),
            chart_id=f"indicator-{indicator.pk}")
    return render(request, "needs/indicator_detail.html", {
        "page_title": indicator.name, "indicator": indicator, "comparators": comparators,
        "result": result, "chart": chart, "chart_description": description,
    })


def _describe(indicator, comparators, result):
    """The chart's text alternative: the latest figures and the verdicts, in words."""
    latest = result.latest
    if latest is None:
        return f"No figures for {comparators.geography.name} yet."
    words = [f"In {latest.period}, {comparators.geography.name} was "
             f"{latest.area.value.normalize():f} ({indicator.get_unit_display().lower()})"]
    if latest.england and latest.england.value is not None:
        words.append(f"England {latest.england.value.normalize():f}")
    if latest.region and latest.region.value is not None:
        words.append(f"{comparators.region.name} {latest.region.value.normalize():f}")
    if latest.neighbours_average is not None:
        words.append(f"statistical neighbours' average {latest.neighbours_average:.1f}")
    return (", ".join(words) + f". Compared with England: {result.vs_england.label.lower()}. "
            f"Trend over the last {result.trend.periods} periods: {result.trend.label.lower()}.")


# --- findings ---------------------------------------------------------------------------
@login_required
def finding_list(request):
    area = _area(request)
    findings = selectors.finding_list(actor=request.user, local_area=area)
    return render(request, "needs/finding_list.html", {
        "page_title": "Findings",
        "page_obj": Paginator(findings, PAGE_SIZE).get_page(request.GET.get("page")),
        "can_add": permissions.can_add_finding(request.user, area).allowed,
        "removed": selectors.findings_removed(actor=request.user, local_area=area),
    })


@login_required
def finding_detail(request, pk):
    finding = selectors.finding_get(actor=request.user, pk=pk)
    return render(request, "needs/finding_detail.html", {
        "page_title": "Finding", "finding": finding,
        "can_change": permissions.can_change_finding(request.user, finding).allowed,
        "delete": permissions.can_delete_finding(request.user, finding),
        # evidence and priorities added or removed, by whom (issue 12)
        "changes": selectors.finding_changes(finding),
    })


@login_required
@require_http_methods(["GET", "POST"])
def finding_create(request):
    area = _area(request)
    if not permissions.can_add_finding(request.user, area):
        raise Http404
    form = _finding_form(request, area)
    if request.method == "POST" and form.is_valid():
        try:
            finding = services.finding_create(actor=request.user, local_area=area,
                                              **form.cleaned_data)
        except ApplicationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, "The finding was recorded.")
            return redirect("needs:finding-detail", pk=finding.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "needs/finding_form.html", {
        "page_title": "Record a finding", "form": form, "submit": "Record finding"},
        status=status)


def _finding_form(request, area, finding=None, initial=None):
    """The finding form: evidence from the area's own geography (and whatever the finding
    already cites), priorities of the area's strategies."""
    comparators = selectors.comparator_set_get(actor=request.user, local_area=area)
    observations = (Observation.objects.none() if comparators is None else
                    selectors.observation_list(actor=request.user)
                    .filter(geography_id=comparators.geography_id))
    if finding is not None:
        observations = observations | selectors.observation_list(actor=request.user).filter(
            findings=finding)
    observations = observations.distinct().order_by("indicator__position", "indicator__name",
                                                    "-period_sort")
    return FindingForm(request.POST or None, observations=observations, initial=initial,
                       priorities=services.priorities_for(area).order_by("strategy__title",
                                                                         "number"))


@login_required
@require_http_methods(["GET", "POST"])
def finding_edit(request, pk):
    finding = selectors.finding_get(actor=request.user, pk=pk)
    if not permissions.can_change_finding(request.user, finding):
        raise Http404
    form = _finding_form(request, finding.local_area, finding, initial={
        "statement": finding.statement, "found_on": finding.found_on,
        "observations": [o.pk for o in finding.observations.all()],
        "priorities": [p.pk for p in finding.priorities.all()]})
    if request.method == "POST" and form.is_valid():
        try:
            services.finding_update(actor=request.user, finding=finding, **form.cleaned_data)
        except ApplicationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, "The finding was saved.")
            return redirect("needs:finding-detail", pk=finding.pk)
    return render(request, "needs/finding_form.html", {
        "page_title": "Change the finding", "form": form, "submit": "Save finding",
        "back": reverse("needs:finding-detail", args=[finding.pk])},
        status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def finding_delete(request, pk):
    """A confirmation page; removing is refused (with the reason) while priorities depend
    on the finding."""
    finding = selectors.finding_get(actor=request.user, pk=pk)
    if not permissions.can_change_finding(request.user, finding):
        raise Http404
    decision = permissions.can_delete_finding(request.user, finding)
    if request.method == "POST" and decision:
        services.finding_delete(actor=request.user, finding=finding)
        messages.success(request, "The finding was removed.")
        return redirect("needs:finding-list")
    return render(request, "needs/finding_delete.html", {
        "page_title": "Remove the finding", "finding": finding, "decision": decision},
        status=409 if request.method == "POST" else 200)


# --- comparators ------------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def comparators(request):
    """What the area compares itself with, its history, and (administrators) the form."""
    area = _area(request)
    current = selectors.comparator_set_get(actor=request.user, local_area=area)
    can_change = permissions.can_change_comparators(request.user, area).allowed
    form = None
    if can_change:
        form = _comparator_form(request, current)
        if request.method == "POST" and form.is_valid() and \
                _save_comparators(request, area, form):
            messages.success(request, "What the area is compared with was saved.")
            return redirect("needs:comparators")
    elif request.method == "POST":
        raise Http404
    return render(request, "needs/comparators.html", {
        "page_title": "What the area is compared with", "comparators": current,
        "form": form, "changes": selectors.comparator_changes(current) if current else [],
    }, status=400 if form is not None and form.errors else 200)


def _comparator_form(request, current):
    geographies = list(selectors.geography_list(actor=request.user).filter(kind__in=[
        GeographyKind.ENGLAND, GeographyKind.REGION, GeographyKind.LOCAL_AUTHORITY,
        GeographyKind.ICB]).order_by("name"))
    initial = {} if current is None else {
        "geography": str(current.geography_id), "england": str(current.england_id),
        "region": str(current.region_id or ""),
        "neighbours": "\n".join(n.code for n in current.neighbours.all())}
    return ComparatorSetForm(
        request.POST or None, initial=initial,
        own=[g for g in geographies if g.kind in (GeographyKind.LOCAL_AUTHORITY,
                                                  GeographyKind.ICB)],
        countries=[g for g in geographies if g.kind == GeographyKind.ENGLAND],
        regions=[g for g in geographies if g.kind == GeographyKind.REGION])


def _save_comparators(request, area, form) -> bool:
    data = form.cleaned_data
    codes = data["neighbours"]
    neighbours = list(selectors.geography_list(actor=request.user).filter(code__in=codes))
    unknown = sorted(set(codes) - {g.code for g in neighbours})
    if unknown:
        form.add_error("neighbours", "Unknown geography code: " + ", ".join(unknown))
        return False
    by_id = {str(g.pk): g for g in Geography.objects.filter(
        pk__in=[data["geography"], data["england"]] + ([data["region"]] if data["region"]
                                                       else []))}
    try:
        services.comparator_set_save(actor=request.user, local_area=area,
                                     geography=by_id[data["geography"]],
                                     england=by_id[data["england"]],
                                     region=by_id.get(data["region"]), neighbours=neighbours)
    except ApplicationError as exc:
        _form_errors(form, exc)
        return False
    return True


# --- imports ----------------------------------------------------------------------------
def _import_page(request, *, area, platform, runs):
    form = ImportForm(*((request.POST, request.FILES) if request.method == "POST" else ()))
    status = 400 if request.method == "POST" else 200
    if request.method == "POST" and form.is_valid():
        try:
            run = services.import_run_create(actor=request.user, local_area=area,
                                             upload=form.cleaned_data["file"],
                                             platform=platform)
        except ApplicationError as exc:
            _form_errors(form, exc)
            if exc.code == ErrorCode.UNAVAILABLE:
                status = exc.status  # 503: the import queue (Redis) is down
        else:
            return redirect("needs:import-detail", pk=run.pk)
    comparators = None if platform else selectors.comparator_set_get(actor=request.user,
                                                                     local_area=area)
    return render(request, "needs/import.html", {
        "page_title": "Import published data for every geography" if platform else
        "Import the area's own figures", "form": form, "runs": runs[:20], "area": area,
        "platform": platform, "comparators": comparators,
        "can_import_platform": permissions.can_import_platform(request.user).allowed,
        "columns": ",".join(LONG_COLUMNS) + ",note",
    }, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def import_start(request):
    """An area's import of its own figures, and its import history."""
    area = _area(request)
    if not permissions.can_import_observations(request.user, area):
        raise Http404
    return _import_page(request, area=area, platform=False,
                        runs=selectors.import_run_list(actor=request.user, local_area=area))


@login_required
@require_http_methods(["GET", "POST"])
def platform_import_start(request):
    """The platform import of published data for every geography (platform admins)."""
    if not permissions.can_import_platform(request.user):
        raise Http404
    return _import_page(request, area=None, platform=True,
                        runs=selectors.platform_import_run_list(actor=request.user))


@login_required
def import_detail(request, pk):
    run = selectors.import_run_get(actor=request.user, pk=pk)
    running = run.status in (ImportStatus.QUEUED, ImportStatus.RUNNING)
    return render(request, "needs/import_detail.html", {
        "page_title": f"Import of {run.filename}", "run": run, "running": running,
        "progress": services.import_progress(run.pk) if running else {},
        "can_confirm": permissions.can_confirm_import(request.user, run).allowed,
        "back": "needs:platform-import" if run.local_area_id is None and
        permissions.is_platform_admin(request.user) else "needs:import",
    })


@login_required
@require_POST
def import_confirm(request, pk):
    run = selectors.import_run_get(actor=request.user, pk=pk)
    try:
        services.import_run_confirm(actor=request.user, run=run)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("needs:import-detail", pk=run.pk)
