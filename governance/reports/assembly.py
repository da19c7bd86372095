"""Assemble a board's quarterly report: discover the apps' sections, gather their data for
the board's scope, render the one body template, and keep a JSON snapshot of the figures.

Sections come from `<app>/board_report.py` modules (protocol in docs/governance.md): a
section whose app has not provided one is simply absent. The cover, contents, "decisions
required" and the roll-up of child boards' reports are governance's own.
"""
import json
from dataclasses import dataclass
from decimal import Decimal
from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.core.serializers.json import DjangoJSONEncoder
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.text import capfirst

from portal import links
from portal.dates import long_date

from .. import quarters, referrals
from ..graph import Graph
from ..models import AgendaItem, AgendaKind, Board, BoardReport, ReportStatus

SECTION_APPS = ("agencies", "needs", "commissioning", "governance")
FINISHED = (ReportStatus.READY, ReportStatus.PUBLISHED)


def section_modules():
    """The apps' board_report modules, in ORDER."""
    found = []
    for config in apps.get_app_configs():
        name = f"{config.name}.board_report"
        if config.name.startswith(SECTION_APPS) and find_spec(name) is not None:
            module = import_module(name)
            if all(hasattr(module, attr) for attr in ("TITLE", "ORDER", "TEMPLATE", "section")):
                found.append((config.label, module))
    return sorted(found, key=lambda item: (item[1].ORDER, item[0]))


def to_json(value):
    """Plain JSON (Decimals as strings, dates as ISO strings) for the stored snapshot."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def _number(value):
    return isinstance(value, int | Decimal) and not isinstance(value, bool)


NOT_FIGURES = {"year", "quarter", "version"}


def _is_layout(key):
    return key.startswith("chart") or key.endswith(("_width", "_height", "_x", "_y"))


def figures_of(title, data) -> dict[str, str]:
    """A section's headline figures: its `figures` list when it gives one, else its
    top-level numbers (less the period and chart geometry)."""
    figures = {}
    if not isinstance(data, dict):
        return figures
    listed = [item for item in data.get("figures") or []
              if isinstance(item, dict) and "label" in item and "value" in item]
    for item in listed:
        figures[f"{title}: {item['label']}"] = str(item["value"])
    if listed:
        return figures
    for key, value in data.items():
        if _number(value) and key not in NOT_FIGURES and not _is_layout(key):
            figures[f"{title}: {capfirst(key.replace('_', ' '))}"] = str(value)
    return figures


@dataclass
class Assembled:
    snapshot: dict
    body: str


def _decisions_required(board, sections, meetings_ahead):
    """Referrals waiting for the board (governance's view) plus what the cycle section
    lists under `decisions_required`, without repeating a referral."""
    rows, seen = [], set()
    for _, _, data in sections:
        for item in (data or {}).get("decisions_required") or []:
            if isinstance(item, dict):
                rows.append({"title": str(item.get("title", "")),
                             "detail": str(item.get("detail", "")),
                             "source": str(item.get("source", "Commissioning cycle"))})
                if item.get("referral_id"):
                    seen.add(int(item["referral_id"]))
    for referral in referrals.waiting_for([board.pk]):
        if referral.pk in seen:
            continue
        rows.append({"title": str(referral),
                     "detail": str(getattr(referral, "reason", "") or ""),
                     "source": "Board referral"})
    for item in meetings_ahead:
        rows.append({"title": item.title,
                     "detail": f"On the agenda for {long_date(item.meeting.date)}",
                     "source": item.get_kind_display()})
    return rows


def _rollup(board, year, quarter):
    """Every board below this one in the reports-to graph, each once however deep (nearest
    first), with the figures of its latest finished report for the quarter and a link to
    it; a board with no finished report for the quarter is listed as such. Three queries
    whatever the size of the graph."""
    graph = Graph.of_area(board.local_area_id)
    below = graph.descendants([board.pk])
    if not below:
        return []
    boards = {b.pk: b for b in Board.objects.filter(pk__in=list(below) + [board.pk])
              .only("pk", "name")}
    latest = {}
    for report in (BoardReport.objects.filter(board_id__in=list(below), year=year,
                                              quarter=quarter, status__in=FINISHED)
                   .only("pk", "board_id", "version", "status", "data")
                   .order_by("board_id", "-version")):
        latest.setdefault(report.board_id, report)
    rows = []
    for pk in sorted(below, key=lambda pk: (below[pk], boards[pk].name)):
        reports_to = [boards[p].name for p in graph.parents(pk)
                      if p in boards and (p == board.pk or p in below)]
        row = {"board": boards[pk].name, "board_id": pk, "depth": below[pk],
               "reports_to": sorted(reports_to), "report_id": None, "version": None,
               "status": "No finished report for the quarter", "url": "", "figures": []}
        report = latest.get(pk)
        if report is not None:
            figures = report.data.get("figures", {})
            row.update({"report_id": report.pk, "version": report.version,
                        "status": report.get_status_display(),
                        "url": links.absolute_url("governance:report-detail", report.pk),
                        "figures": [{"label": k, "value": v} for k, v in figures.items()]})
        rows.append(row)
    return rows


def assemble(report) -> Assembled:
    """Gather every section for the report's board and quarter and render the body."""
    board = report.board
    year, quarter = report.year, report.quarter
    start, end = quarters.quarter_bounds(year, quarter)
    agencies = list(board.scope_agencies.all())
    sections = []
    for label, module in section_modules():
        data = module.section(board=board, year=year, quarter=quarter, agencies=agencies)
        if data is not None:
            sections.append((label, module, data))
    pending = list(AgendaItem.objects.filter(
        meeting__board=board, meeting__date__gt=end, decision__isnull=True,
        kind__in=(AgendaKind.REFERRAL, AgendaKind.INTENTION)).select_related("meeting").order_by(
        "meeting__date", "position"))
    decisions_required = _decisions_required(board, sections, pending)
    rollup = _rollup(board, year, quarter)
    now = timezone.localtime()
    context = {
        "board": board, "area": board.local_area, "year": year, "quarter": quarter,
        "period": quarters.label(year, quarter), "version": report.version,
        "produced_on": now.date(), "agencies": agencies,
        "decisions_required": decisions_required, "rollup": rollup,
    }
    rendered = []
    for label, module, data in sections:
        html = render_to_string(module.TEMPLATE, {**data, "data": data, "board": board,
                                                  "year": year, "quarter": quarter})
        rendered.append({"key": label, "title": module.TITLE, "html": mark_safe(html)})  # noqa: S308 - our own templates' output
    body = render_to_string("governance/reports/body.html", {**context, "sections": rendered})
    figures = {"Decisions required": str(len(decisions_required))}
    for _, module, data in sections:
        figures.update(figures_of(module.TITLE, data))
    snapshot = to_json({
        "board": {"id": board.pk, "name": board.name, "area": board.local_area.name},
        "year": year, "quarter": quarter, "period": context["period"],
        "version": report.version, "produced_at": now.isoformat(),
        "agencies": [a.name for a in agencies],
        "decisions_required": decisions_required,
        "sections": [{"key": label, "title": module.TITLE, "data": data}
                     for label, module, data in sections],
        "rollup": rollup, "figures": figures,
    })
    return Assembled(snapshot=snapshot, body=body)


def compare(current: dict, previous: dict | None) -> list[dict]:
    """Figure by figure: this quarter, the previous quarter and the change."""
    rows = []
    before = (previous or {}).get("figures", {})
    for label, value in current.get("figures", {}).items():
        old = before.get(label)
        change = None
        try:
            if old is not None:
                change = Decimal(value) - Decimal(old)
        except ArithmeticError:
            change = None
        rows.append({"label": label, "current": value, "previous": old,
                     "change": None if change is None else str(change)})
    return rows
