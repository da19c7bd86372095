"""Section `needs` of an area file: geographies, comparators, indicators, data, findings.

    needs:
      geographies: [{code: E92000001, name: England, kind: england}, ...]
      comparators: {geography: E10000034, england: E92000001, region: E12000005,
                    neighbours: [E10000031, ...]}
      indicators: [{code: sen-prevalence, name: ..., unit: percentage, polarity: neither,
                    source: ..., topic: ..., headline: true, definition: ...}]
      data: ../data/needs/worcestershire.csv     # long-format CSV, relative to the area file
      findings:
        - statement: ...
          found_on: 2020-11-30
          author: amira.khan                     # a username from `people`
          evidence: [{indicator: sen-prevalence, geography: E10000034, period: January 2019}]
          priorities: [{number: 1}, {strategy: "Joint Commissioning Strategy", number: 2}]

Indicators and geographies are national reference data: several area files may list the
same one (they should agree). The data file goes through the same importer as uploads, so
re-loading changes nothing. A finding's priority is looked up by number within the area's
strategies (narrowed by strategy title when given); a priority that does not exist (yet)
is skipped, so the needs section loads before or without the cycle's strategies.
"""
import datetime
from pathlib import Path

from agencies.models import User
from commissioning.models import Priority
from portal.area_files import ANY

from . import services
from .models import Finding, Geography, GeographyKind, Polarity, Unit

ORDER = 25
# Every key an area file may use in this section (anything else is refused).
KEYS = {
    "needs": {
        "geographies": [{"code": ANY, "name": ANY, "kind": ANY}],
        "comparators": {"geography": ANY, "england": ANY, "region": ANY, "neighbours": ANY},
        "indicators": [{"code": ANY, **{f: ANY for f in services.INDICATOR_FIELDS}}],
        "data": ANY,
        "findings": [{"statement": ANY, "found_on": ANY, "author": ANY,
                      "evidence": [{"indicator": ANY, "geography": ANY, "period": ANY}],
                      "priorities": [{"number": ANY, "strategy": ANY}]}],
    },
}


def validate(data, check):
    section = data.get("needs")
    if section is None:
        return
    if not isinstance(section, dict):
        check.error("needs", "must be a mapping")
        return
    codes = set()
    for path, geo in check.items(section, "geographies", "needs"):
        parent = geo.get("parent") if isinstance(geo, dict) else None
        if parent and parent not in codes:
            check.error(f"{path}.parent", f"{parent!r} must be listed earlier in "
                                          "needs.geographies")
        codes.add(check.require(geo, "code", path))
        check.require(geo, "name", path)
        check.one_of(check.require(geo, "kind", path), {k.value for k in GeographyKind},
                     f"{path}.kind")
    comparators = section.get("comparators")
    if comparators is not None:
        path = "needs.comparators"
        for key in ("geography", "england"):
            code = check.require(comparators, key, path)
            if code and code not in codes:
                check.error(f"{path}.{key}", f"{code!r} is not in needs.geographies")
        for code in [comparators.get("region"), *comparators.get("neighbours", [])]:
            if code and code not in codes:
                check.error(path, f"{code!r} is not in needs.geographies")
    indicator_codes = set()
    for path, indicator in check.items(section, "indicators", "needs"):
        indicator_codes.add(check.require(indicator, "code", path))
        check.require(indicator, "name", path)
        check.one_of(check.require(indicator, "unit", path), {u.value for u in Unit},
                     f"{path}.unit")
        check.one_of(indicator.get("polarity", Polarity.NEITHER.value),
                     {p.value for p in Polarity}, f"{path}.polarity")
    data_file = section.get("data")
    if data_file is not None and not isinstance(data_file, str):
        check.error("needs.data", "must be the path of a CSV file")
    for path, finding in check.items(section, "findings", "needs"):
        check.require(finding, "statement", path)
        found_on = finding.get("found_on") if isinstance(finding, dict) else None
        if not isinstance(found_on, datetime.date):
            check.error(f"{path}.found_on", "must be a date like 2020-11-30")
        check.require(finding, "author", path)
        for epath, evidence in check.items(finding, "evidence", path):
            for key in ("indicator", "geography", "period"):
                check.require(evidence, key, epath)
        for ppath, priority in check.items(finding, "priorities", path):
            check.require(priority, "number", ppath, kind=int)


def load(data, ctx):
    section = data.get("needs")
    if not section:
        return
    area = ctx["area"]
    for geo in section.get("geographies", []):
        services.geography_save(actor=None, code=geo["code"], name=geo["name"],
                                kind=geo["kind"], parent_code=geo.get("parent") or None)
    for position, spec in enumerate(section.get("indicators", []), start=1):
        fields = {k: v for k, v in spec.items() if k in services.INDICATOR_FIELDS}
        fields.setdefault("position", position * 10)
        services.indicator_save(actor=None, code=spec["code"], **fields)
    if section.get("comparators"):
        _comparators(area, section["comparators"])
    if section.get("data"):
        _import(Path(ctx["source"]).parent / section["data"])
    for spec in section.get("findings", []):
        _finding(area, spec, ctx)


def _comparators(area, spec):
    geographies = {g.code: g for g in Geography.objects.filter(
        code__in=[spec["geography"], spec["england"], spec.get("region") or "",
                  *spec.get("neighbours", [])])}
    services.comparator_set_save(
        actor=None, local_area=area, geography=geographies[spec["geography"]],
        england=geographies[spec["england"]], region=geographies.get(spec.get("region")),
        neighbours=[geographies[c] for c in spec.get("neighbours", [])])


class NeedsDataError(Exception):
    pass


def _import(path):
    """Area files are loaded by platform administrators: their data (the area's figures and
    its comparators') is a platform import, recorded in the history of the areas it changes."""
    with open(path, "rb") as handle:
        result = services.observations_import(actor=None, local_area=None, upload=handle,
                                              platform=True, filename=f"area file: {path.name}",
                                              record_unchanged=False)
    if not result.ok:
        lines = "; ".join(f"line {e['line']}: {e['message']}" for e in result.errors[:5])
        raise NeedsDataError(f"{path.name}: {lines}")


def _finding(area, spec, ctx):
    author = ctx.get("people", {}).get(spec["author"]) or User.objects.get(
        username=spec["author"])
    keys = [(e["indicator"], e["geography"], str(e["period"])) for e in spec.get("evidence", [])]
    found = services.observation_lookup(keys)
    missing = [k for k in keys if k not in found]
    if missing:
        raise NeedsDataError(f"finding {spec['statement'][:40]!r}: no observation {missing[0]}")
    priorities = _priorities(area, spec.get("priorities", []))
    fields = {"statement": spec["statement"].strip(), "found_on": spec["found_on"],
              "observations": [found[k] for k in keys], "priorities": priorities}
    existing = Finding.objects.filter(local_area=area, statement=fields["statement"]).first()
    if existing is None:
        services.finding_create(actor=None, local_area=area, author=author, **fields)
    elif (existing.found_on != fields["found_on"]
          or {o.pk for o in existing.observations.all()} != {o.pk for o in fields["observations"]}
          or {p.pk for p in existing.priorities.all()} != {p.pk for p in priorities}):
        services.finding_update(actor=None, finding=existing, **{
            k: v for k, v in fields.items() if k != "statement"})


def _priorities(area, specs):
    """The priorities named that exist; the others are skipped (the cycle may not list them)."""
    if not specs:
        return []
    candidates = list(Priority.objects.filter(strategy__local_area=area)
                      .select_related("strategy").order_by("strategy__title", "number"))
    chosen = []
    for spec in specs:
        match = next((p for p in candidates if p.number == spec["number"] and (
            not spec.get("strategy") or p.strategy.title == spec["strategy"])), None)
        if match is not None and match not in chosen:
            chosen.append(match)
    return chosen
