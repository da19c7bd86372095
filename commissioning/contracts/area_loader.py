"""Sections `providers` and `contracts` of an area file (see docs/contracts.md).

KPI returns are given for the most recent ended quarters at load time (oldest first, `null`
for a missing return), and contract end dates may be relative (`+9 months`), so the demo
register always has live returns and contracts nearing their end. Loading is idempotent:
providers by name, contracts by reference, KPIs by name, returns by quarter."""
import re
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.utils import timezone

from portal.area_files import ANY, FLAG

from . import quarters, rules, services
from .models import (
    KPI,
    AssessmentRating,
    Contract,
    ContractStatus,
    Direction,
    Frequency,
    KPIReturn,
    ProcurementRoute,
    Provider,
    ProviderType,
    QualityVisit,
    VisitRating,
)

ORDER = 40
# Every key an area file may use in these sections (anything else is refused).
KEYS = {
    "providers": [{"name": ANY, "type": ANY, "companies_house_number": ANY,
                   "charity_number": ANY, "ods_code": ANY, "address": ANY, "postcode": ANY,
                   "website": ANY}],
    "contracts": [{"reference": ANY, "title": ANY, "description": ANY, "provider": ANY,
                   "lead": ANY, "agencies": ANY, "intention": ANY, "schedule": ANY,
                   "total_value": ANY, "annual_value": ANY, "sensitive": FLAG, "starts": ANY,
                   "ends": ANY, "extension_options": ANY, "route": ANY, "light_touch": FLAG,
                   "status": ANY, "contracts_finder": ANY,
                   "kpis": [{"name": ANY, "unit": ANY, "target": ANY, "direction": ANY,
                             "tolerance": ANY, "frequency": ANY, "returns": ANY}],
                   "visits": [{"on": ANY, "findings": ANY, "rating": ANY, "actions": ANY}],
                   "assessment": {"on": ANY, "rating": ANY, "reason": ANY}}],
}
RELATIVE = re.compile(r"^([+-]\d{1,3}) months?$")


def _date(value, today):
    """A date, an ISO date string, or `+N months` / `-N months` from today (month end)."""
    if isinstance(value, date):
        return value
    match = RELATIVE.match(str(value).strip())
    if match:
        first_after = rules.add_months(today.replace(day=1), int(match.group(1)) + 1)
        return first_after - timedelta(days=1)
    return date.fromisoformat(str(value))


def _number(check, value, path):
    try:
        Decimal(str(value))
    except (InvalidOperation, ValueError):
        check.error(path, f"{value!r} is not a number")


def validate(data, check):
    today = timezone.localdate()
    agency_keys = {a.get("key") for a in data.get("agencies", []) if isinstance(a, dict)}
    names = []
    for path, provider in check.items(data, "providers"):
        names.append(check.require(provider, "name", path))
        check.one_of(check.require(provider, "type", path), set(ProviderType.values),
                     f"{path}.type")
    check.unique(names, "providers", "provider name")
    # The cycle's `intentions` section, when the file has one, must hold the intentions the
    # contracts name (an intention already in the database is also found at load time).
    intentions = data.get("intentions")
    known_intentions = {i.get("reference") for i in intentions if isinstance(i, dict)} \
        if isinstance(intentions, list) else None
    refs = []
    for path, contract in check.items(data, "contracts"):
        refs.append(check.require(contract, "reference", path))
        check.require(contract, "title", path)
        if check.require(contract, "provider", path) not in set(names) | {None}:
            check.error(f"{path}.provider", f"unknown provider {contract['provider']!r}")
        named = contract.get("intention") if isinstance(contract, dict) else None
        if named and known_intentions is not None and named not in known_intentions:
            check.error(f"{path}.intention", f"unknown intention {named!r}")
        lead = check.require(contract, "lead", path)
        for key in [lead, *contract.get("agencies", [])]:
            if key is not None and key not in agency_keys:
                check.error(f"{path}.agencies", f"unknown agency {key!r}")
        for field in ("total_value", "annual_value"):
            _number(check, check.require(contract, field, path, kind=(int, float, str)),
                    f"{path}.{field}")
        for field in ("starts", "ends"):
            value = check.require(contract, field, path, kind=(str, date))
            try:
                value is not None and _date(value, today)
            except ValueError:
                check.error(f"{path}.{field}", f"{value!r} is not a date or '+N months'")
        check.one_of(contract.get("route", "open"), set(ProcurementRoute.values),
                     f"{path}.route")
        check.one_of(contract.get("status", "live"), set(ContractStatus.values), f"{path}.status")
        for kpath, kpi in check.items(contract, "kpis", path):
            check.require(kpi, "name", kpath)
            _number(check, check.require(kpi, "target", kpath, kind=(int, float, str)),
                    f"{kpath}.target")
            check.one_of(kpi.get("direction", "higher"), set(Direction.values),
                         f"{kpath}.direction")
            check.one_of(kpi.get("frequency", "quarterly"), set(Frequency.values),
                         f"{kpath}.frequency")
            for i, value in enumerate(kpi.get("returns", []) or []):
                if value is not None:
                    _number(check, value, f"{kpath}.returns[{i}]")
        for vpath, visit in check.items(contract, "visits", path):
            check.require(visit, "findings", vpath)
            check.one_of(check.require(visit, "rating", vpath), set(VisitRating.values),
                         f"{vpath}.rating")
        rating = contract.get("assessment", {}).get("rating") if isinstance(
            contract.get("assessment"), dict) else None
        if rating is not None:
            check.one_of(rating, set(AssessmentRating.values), f"{path}.assessment.rating")
    check.unique(refs, "contracts", "contract reference")


def load(data, ctx):
    area, agencies = ctx["area"], ctx["agencies"]
    today = timezone.localdate()
    providers = {}
    for spec in data.get("providers", []):
        fields = {k: str(spec.get(k, "") or "") for k in (
            "companies_house_number", "charity_number", "ods_code", "address", "postcode",
            "website")}
        provider = Provider.objects.filter(local_area=area, name=spec["name"]).first()
        if provider is None:
            provider = services.provider_create(actor=None, local_area=area, name=spec["name"],
                                                type=spec["type"], **fields)
        else:
            provider = services.provider_update(actor=None, provider=provider,
                                                type=spec["type"], **fields)
        providers[spec["name"]] = provider
    for spec in data.get("contracts", []):
        contract = _contract(spec, area, agencies, providers, today)
        for position, kpi_spec in enumerate(spec.get("kpis", []), start=1):
            _kpi(contract, kpi_spec, position, today)
        for visit in spec.get("visits", []):
            visited_on = _date(visit.get("on", "-2 months"), today)
            if not QualityVisit.objects.filter(contract=contract, visited_on=visited_on).exists():
                services.quality_visit_record(actor=None, contract=contract,
                                              visited_on=visited_on, findings=visit["findings"],
                                              rating=visit["rating"],
                                              actions=visit.get("actions", ""))
        assessment = spec.get("assessment")
        if assessment and not contract.assessments.exists():
            services.assessment_create(
                actor=None, contract=contract,
                assessed_on=_date(assessment.get("on", "-1 months"), today),
                rating=assessment.get("rating"), reason=assessment.get("reason", ""))
    ctx["contracts"] = True


def _contract(spec, area, agencies, providers, today):
    from commissioning.models import Intention

    intention = Intention.objects.filter(local_area=area, reference=spec.get("intention")
                                         ).first() if spec.get("intention") else None
    fields = {
        "title": spec["title"], "description": spec.get("description", ""),
        "provider": providers[spec["provider"]], "lead_agency": agencies[spec["lead"]],
        "intention": intention, "total_value": str(spec["total_value"]),
        "annual_value": str(spec["annual_value"]),
        "value_is_sensitive": bool(spec.get("sensitive", False)),
        "starts": _date(spec["starts"], today), "ends": _date(spec["ends"], today),
        "extension_options": spec.get("extension_options", ""),
        "procurement_route": spec.get("route", "open"),
        "is_light_touch": bool(spec.get("light_touch", False)),
        "status": spec.get("status", "live"),
        "published_on_contracts_finder": bool(spec.get("contracts_finder")),
        "contracts_finder_id": str(spec.get("contracts_finder") or ""),
    }
    fields["schedule"] = _schedule(area, spec)
    others = [agencies[k] for k in spec.get("agencies", [])]
    contract = Contract.objects.filter(local_area=area, reference=spec["reference"]).first()
    if contract is None:
        return services.contract_create(actor=None, local_area=area,
                                        reference=spec["reference"],
                                        commissioning_agencies=others, **fields)
    return services.contract_update(actor=None, contract=contract,
                                    commissioning_agencies=others, **fields)


def _schedule(area, spec):
    """The pooled budget schedule funding the contract: named by code (`schedule: S1`), or
    the schedule whose `contract_references` list the contract (the budgets section loads
    first); None when the area has no such schedule."""
    from commissioning.budgets.models import Schedule

    schedules = Schedule.objects.filter(agreement__local_area=area).order_by("id")
    if spec.get("schedule"):
        return schedules.filter(code=spec["schedule"]).first()
    reference = spec["reference"]
    for schedule in schedules.filter(contract_references__icontains=reference):
        if reference in re.split(r"[\s,;]+", schedule.contract_references):
            return schedule
    return None


def _kpi(contract, spec, position, today):
    fields = {"unit": spec.get("unit", "%"), "target": str(spec["target"]),
              "direction": spec.get("direction", "higher"),
              "amber_tolerance": str(spec.get("tolerance", 0)),
              "frequency": spec.get("frequency", "quarterly"), "position": position}
    kpi = KPI.objects.filter(contract=contract, name=spec["name"]).first()
    if kpi is None:
        kpi = services.kpi_create(actor=None, contract=contract, name=spec["name"], **fields)
    else:
        kpi = services.kpi_update(actor=None, kpi=kpi, **fields)
    values = spec.get("returns", []) or []
    periods = quarters.recent(*quarters.last_ended(today), len(values)) if values else []
    for (year, quarter), value in zip(periods, values, strict=True):
        first, last = quarters.quarter_dates(year, quarter)
        if value is None or not rules.is_expected(kpi, quarter) or \
                last < contract.starts or first > contract.ends:
            continue
        existing = KPIReturn.objects.filter(kpi=kpi, year=year, quarter=quarter).first()
        if existing is None:
            services.kpi_returns_submit(actor=None, contract=contract, year=year,
                                        quarter=quarter, values={kpi.pk: {"value": str(value)}},
                                        today=today)
        elif existing.value != Decimal(str(value)):
            services.kpi_return_correct(actor=None, kpi_return=existing, value=str(value))
