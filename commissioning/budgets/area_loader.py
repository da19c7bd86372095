"""Section `budgets` of an area file: section 75 agreements (schedules, contributions,
spend, forecasts, commitments, risk share, closed quarters) and joint packages.

    budgets:
      agreements:
        - title: Complex cases pooled fund
          reference: DCC-S75-2013
          host: dcc                     # agency keys of the same file
          parties: [dcc, icb]
          pooled_fund_manager: derbyshire.pooled-fund-manager   # a username
          starts: 2013-04-01
          share_separately: false
          carry_forward_underspend: false   # a year's underspend stays in the pool
          risk_share:
            - {basis: proportional, terms: [{agency: icb, cap: 150000}]}
          schedules:
            - code: S1
              name: Residential placements
              type: pooled              # or aligned
              lead: dcc
              intentions: [DER-2022-001]
              contracts: DCC-CC-2023
              contributions: {2025-26: {dcc: 2700000, icb: 2100000}}
              monthly_spend: {2025-26: [395000, 402000]}   # April onwards, one line a month
              spend: [{date: 2025-04-30, amount: 1200, description: ..., source: icb}]
              forecasts: {2025-26: {1: 4850000, 2: 5050000}}
              commitments: {2025-26: {3: 120000}}
          closed_quarters: [{year: 2025-26, quarter: 1}]
      joint_packages:
        - {reference: JP-DER-0001, needs_category: semh, annual_cost: 182000,
           percentages: {social_care: 50, health: 50, education: 0},   # or amounts: {...}
           request_date: 2025-05-12, agreement_date: 2025-05-19, review_date: 2025-11-19,
           agreement: Complex cases pooled fund, granted: {derbyshire.finance: view}}

Loading again updates in place: agreements by title, schedules by code, contributions by
partner and year, spend by (schedule, date, amount, description), packages by reference.
Items dated in a quarter already closed are left as they are (they are frozen).
"""
from datetime import date
from decimal import Decimal, InvalidOperation

from commissioning.models import Intention
from portal import periods
from portal.area_files import ANY, FLAG, MapOf

from . import services
from .models import (
    BudgetType,
    Direction,
    JointPackage,
    NeedsCategory,
    QuarterSnapshot,
    RiskBasis,
    Section75Agreement,
    SnapshotStatus,
    Spend,
)
from .services.packages import reference_problem

ORDER = 30
PART_KEYS = {"social_care": "social_care_amount", "health": "health_amount",
             "education": "education_amount"}
# Every key an area file may use in this section (anything else is refused).
SCHEDULE = {"code": ANY, "name": ANY, "type": ANY, "lead": ANY, "description": ANY,
            "intentions": ANY, "contracts": ANY,
            "contributions": MapOf(MapOf(ANY)),   # year: {agency key: amount}
            "monthly_spend": MapOf(ANY),          # year: [amounts]
            "spend": [{"date": ANY, "amount": ANY, "description": ANY, "source": ANY,
                       "contract": ANY}],
            "forecasts": MapOf(MapOf(ANY)),       # year: {quarter: amount}
            "commitments": MapOf(MapOf(ANY))}
KEYS = {
    "budgets": {
        "agreements": [{
            "title": ANY, "reference": ANY, "host": ANY, "parties": ANY,
            "pooled_fund_manager": ANY, "starts": ANY, "ends": ANY, "status": ANY,
            "share_separately": FLAG,
            "carry_forward_underspend": FLAG,
            "risk_share": [{"basis": ANY, "direction": ANY, "schedule": ANY,
                            "terms": [{"agency": ANY, "percentage": ANY, "cap": ANY}]}],
            "schedules": [SCHEDULE],
            "closed_quarters": [{"year": ANY, "quarter": ANY}]}],
        "joint_packages": [{
            "reference": ANY, "needs_category": ANY, "annual_cost": ANY,
            "percentages": {k: ANY for k in PART_KEYS}, "amounts": {k: ANY for k in PART_KEYS},
            "request_date": ANY, "agreement_date": ANY, "review_date": ANY,
            "agreement": ANY, "granted": MapOf(ANY)}],
    },
}


# --- validation --------------------------------------------------------------------------
def _money(check, value, path, allow_negative=False):
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        check.error(path, f"{value!r} is not an amount of money")
        return None
    if not amount.is_finite() or amount != amount.quantize(Decimal("0.01")):
        check.error(path, "use pounds and pence (two decimal places at most)")
        return None
    if amount < 0 and not allow_negative:
        check.error(path, "must not be negative")
    return amount


def _year(check, year, path):
    if not periods.is_year(str(year)):
        check.error(path, f"{year!r} is not a financial year like 2025-26")
        return False
    return True


def validate(data, check):
    section = data.get("budgets")
    if section is None:
        return
    if not isinstance(section, dict):
        check.error("budgets", "must be a mapping with agreements and joint_packages")
        return
    agencies = {a.get("key") for a in data.get("agencies", []) if isinstance(a, dict)}
    titles = []
    for path, spec in check.items(section, "agreements", "budgets"):
        titles.append(check.require(spec, "title", path))
        host = check.require(spec, "host", path)
        parties = check.require(spec, "parties", path, kind=list) or []
        for i, key in enumerate(parties):
            if key not in agencies:
                check.error(f"{path}.parties[{i}]", f"unknown agency {key!r}")
        if host and host not in parties:
            check.error(f"{path}.host", "the host must be one of the parties")
        if not isinstance(spec.get("starts"), date):
            check.error(f"{path}.starts", "is required, as a date like 2013-04-01")
        for rpath, rule in check.items(spec, "risk_share", path):
            check.one_of(check.require(rule, "basis", rpath), set(RiskBasis.values),
                         f"{rpath}.basis")
            check.one_of(rule.get("direction", Direction.BOTH), set(Direction.values),
                         f"{rpath}.direction")
            for tpath, term in check.items(rule, "terms", rpath):
                if check.require(term, "agency", tpath) not in parties:
                    check.error(f"{tpath}.agency", "must be a party")
        codes = []
        for spath, schedule in check.items(spec, "schedules", path):
            codes.append(check.require(schedule, "code", spath))
            check.require(schedule, "name", spath)
            check.one_of(schedule.get("type", BudgetType.POOLED), set(BudgetType.values),
                         f"{spath}.type")
            if check.require(schedule, "lead", spath) not in parties:
                check.error(f"{spath}.lead", "the lead partner must be a party")
            _validate_money_maps(check, schedule, spath, parties)
        check.unique(codes, f"{path}.schedules", "schedule code")
        for qpath, closed in check.items(spec, "closed_quarters", path):
            _year(check, check.require(closed, "year", qpath), f"{qpath}.year")
            check.one_of(check.require(closed, "quarter", qpath, kind=int), {1, 2, 3, 4},
                         f"{qpath}.quarter")
    check.unique(titles, "budgets.agreements", "agreement title")
    usernames = _usernames(data)
    for path, spec in check.items(section, "agreements", "budgets"):
        manager = spec.get("pooled_fund_manager")
        if manager and manager not in usernames:
            check.error(f"{path}.pooled_fund_manager", f"unknown person {manager!r}")
    references = []
    for path, package in check.items(section, "joint_packages", "budgets"):
        reference = check.require(package, "reference", path)
        references.append(reference)
        problem = reference_problem(reference) if reference else None
        if problem:
            check.error(f"{path}.reference", problem)
        check.one_of(check.require(package, "needs_category", path),
                     set(NeedsCategory.values), f"{path}.needs_category")
        _money(check, check.require(package, "annual_cost", path, kind=(int, float, str)),
               f"{path}.annual_cost")
        if not isinstance(package.get("request_date"), date):
            check.error(f"{path}.request_date", "is required, as a date")
        if ("percentages" in package) == ("amounts" in package):
            check.error(path, "give the split as percentages or as amounts")
        for username, access in (package.get("granted") or {}).items():
            if username not in usernames:
                check.error(f"{path}.granted.{username}", "unknown person")
            check.one_of(access, {"view", "change"}, f"{path}.granted.{username}")
        if package.get("agreement") and package["agreement"] not in titles:
            check.error(f"{path}.agreement", f"unknown agreement {package['agreement']!r}")
    check.unique(references, "budgets.joint_packages", "reference")


def _usernames(data):
    slug = (data.get("area") or {}).get("slug", "")
    names = {p.get("username") for p in data.get("people", []) if isinstance(p, dict)}
    return names | {f"{slug}.{role}" for role in (data.get("demo_roles") or {})}


def _validate_money_maps(check, schedule, path, parties):
    for year, by_agency in (schedule.get("contributions") or {}).items():
        if _year(check, year, f"{path}.contributions.{year}"):
            for key, amount in (by_agency or {}).items():
                if key not in parties:
                    check.error(f"{path}.contributions.{year}.{key}", "must be a party")
                _money(check, amount, f"{path}.contributions.{year}.{key}")
    for year, amounts in (schedule.get("monthly_spend") or {}).items():
        if _year(check, year, f"{path}.monthly_spend.{year}"):
            if not isinstance(amounts, list) or len(amounts) > 12:
                check.error(f"{path}.monthly_spend.{year}", "list up to 12 monthly amounts")
                continue
            for i, amount in enumerate(amounts):
                _money(check, amount, f"{path}.monthly_spend.{year}[{i}]")
    for key in ("forecasts", "commitments"):
        for year, by_quarter in (schedule.get(key) or {}).items():
            if _year(check, year, f"{path}.{key}.{year}"):
                for quarter, amount in (by_quarter or {}).items():
                    check.one_of(quarter, {1, 2, 3, 4}, f"{path}.{key}.{year}.{quarter}")
                    _money(check, amount, f"{path}.{key}.{year}.{quarter}")
    for spath, line in check.items(schedule, "spend", path):
        if not isinstance(line.get("date"), date):
            check.error(f"{spath}.date", "is required, as a date")
        _money(check, check.require(line, "amount", spath, kind=(int, float, str)),
               f"{spath}.amount")
        check.require(line, "description", spath)
        if line.get("source") and line["source"] not in parties:
            check.error(f"{spath}.source", "must be a party")


# --- loading ------------------------------------------------------------------------------
def load(data, ctx):
    section = data.get("budgets")
    if not section:
        return
    area, agencies, people = ctx["area"], ctx["agencies"], ctx.get("people", {})
    # Spend lines may name contracts that this file's contracts section (loaded next) adds.
    contracts_to_come = [c["reference"] for c in data.get("contracts") or [] if "reference" in c]
    by_title = {}
    for spec in section.get("agreements", []):
        by_title[spec["title"]] = _agreement(area, spec, agencies, people, contracts_to_come)
    for spec in section.get("joint_packages", []):
        _package(area, spec, by_title, people)
    ctx["budgets"] = by_title


def _agreement(area, spec, agencies, people, contracts_to_come):
    fields = {"reference": spec.get("reference", ""), "starts": spec["starts"],
              "ends": spec.get("ends"), "status": spec.get("status", "active"),
              "share_separately": bool(spec.get("share_separately", False)),
              "carry_forward_underspend": bool(spec.get("carry_forward_underspend", False))}
    parties = [agencies[k] for k in spec["parties"]]
    manager = people.get(spec.get("pooled_fund_manager", ""))
    agreement = Section75Agreement.objects.filter(local_area=area, title=spec["title"]).first()
    if agreement is None:
        agreement = services.agreement_create(
            actor=None, local_area=area, title=spec["title"], parties=parties,
            host=agencies[spec["host"]], pooled_fund_manager=manager, **fields)
    else:
        agreement = services.agreement_update(
            actor=None, agreement=agreement, parties=parties, host=agencies[spec["host"]],
            pooled_fund_manager=manager, **fields)
    closed = set(QuarterSnapshot.objects.filter(agreement=agreement, status=SnapshotStatus.CLOSED)
                 .values_list("year", "quarter"))
    schedules = {s.code: s for s in agreement.schedules.all()}
    for item in spec.get("schedules", []):
        schedules[item["code"]] = _schedule(agreement, item, agencies, closed,
                                            schedules.get(item["code"]), contracts_to_come)
    for rule in spec.get("risk_share", []):
        services.risk_rule_set(
            actor=None, agreement=agreement, basis=rule["basis"],
            direction=rule.get("direction", Direction.BOTH),
            schedule=schedules.get(rule["schedule"]) if rule.get("schedule") else None,
            terms=[{"agency": agencies[t["agency"]], "percentage": _decimal(t.get("percentage")),
                    "cap": _decimal(t.get("cap"))} for t in rule.get("terms", [])])
    for item in spec.get("closed_quarters", []):
        if (item["year"], item["quarter"]) not in closed:
            services.quarter_close(actor=None, agreement=agreement, year=item["year"],
                                   quarter=item["quarter"])
    return agreement


def _schedule(agreement, spec, agencies, closed, existing, contracts_to_come):
    fields = {"name": spec["name"], "budget_type": spec.get("type", BudgetType.POOLED),
              "lead_partner": agencies[spec["lead"]], "description": spec.get("description", ""),
              "contract_references": spec.get("contracts", "")}
    intentions = list(Intention.objects.filter(local_area=agreement.local_area,
                                               reference__in=spec.get("intentions", [])))
    if existing is None:
        schedule = services.schedule_create(actor=None, agreement=agreement, code=spec["code"],
                                            intentions=intentions, **fields)
    else:
        schedule = services.schedule_update(actor=None, schedule=existing,
                                            intentions=intentions, **fields)
    for year, by_agency in (spec.get("contributions") or {}).items():
        for key, amount in by_agency.items():
            services.contribution_set(actor=None, schedule=schedule, agency=agencies[key],
                                      year=str(year), amount=Decimal(str(amount)))
    lines = list(spec.get("spend", []))
    for year, amounts in (spec.get("monthly_spend") or {}).items():
        for month_start, amount in zip(periods.month_starts(str(year)), amounts, strict=False):
            lines.append({"date": _month_end(month_start), "amount": amount,
                          "description": f"Payments, {month_start:%B %Y}"})
    existing_keys = set(Spend.objects.filter(schedule=schedule).values_list(
        "date", "amount", "description"))
    for line in lines:
        amount = Decimal(str(line["amount"])).quantize(Decimal("0.01"))
        period = (periods.year_of(line["date"]), periods.quarter_of(line["date"]))
        if (line["date"], amount, line["description"]) in existing_keys or period in closed:
            continue
        services.spend_create(actor=None, schedule=schedule, date=line["date"], amount=amount,
                              description=line["description"],
                              source_agency=agencies.get(line.get("source", "")),
                              contract_reference=line.get("contract", ""),
                              contracts_to_come=contracts_to_come)
    for year, by_quarter in (spec.get("forecasts") or {}).items():
        for quarter, amount in by_quarter.items():
            if (str(year), quarter) not in closed:
                services.forecast_set(actor=None, schedule=schedule, year=str(year),
                                      quarter=quarter, outturn=Decimal(str(amount)))
    for year, by_quarter in (spec.get("commitments") or {}).items():
        for quarter, amount in by_quarter.items():
            if (str(year), quarter) not in closed:
                services.commitment_set(actor=None, schedule=schedule, year=str(year),
                                        quarter=quarter, amount=Decimal(str(amount)))
    return schedule


def _decimal(value):
    """YAML reads 21070.17 as a float: go through its text, never through binary."""
    return None if value is None else Decimal(str(value))


def _month_end(month_start):
    following = date(month_start.year + month_start.month // 12, month_start.month % 12 + 1, 1)
    return date.fromordinal(following.toordinal() - 1)


def _package(area, spec, agreements, people):
    split = {"percentages": None, "amounts": None}
    key = "percentages" if "percentages" in spec else "amounts"
    split[key] = {PART_KEYS[k]: _decimal(v) for k, v in spec[key].items()}
    agreement = agreements.get(spec.get("agreement", ""))
    package = JointPackage.objects.filter(local_area=area, reference=spec["reference"]).first()
    if package is None:
        package = services.joint_package_create(
            actor=None, local_area=area, reference=spec["reference"],
            needs_category=spec["needs_category"], annual_cost=Decimal(str(spec["annual_cost"])),
            request_date=spec["request_date"], agreement_date=spec.get("agreement_date"),
            review_date=spec.get("review_date"), agreement=agreement, **split)
    else:
        services.joint_package_update(
            actor=None, package=package, needs_category=spec["needs_category"],
            request_date=spec["request_date"], agreement_date=spec.get("agreement_date"),
            review_date=spec.get("review_date"))
        services.joint_package_split_set(actor=None, package=package,
                                         annual_cost=Decimal(str(spec["annual_cost"])), **split)
    for username, access in (spec.get("granted") or {}).items():
        user = people.get(username)
        if user is not None:
            services.joint_package_grant(actor=None, package=package, user=user,
                                         can_change=access == "change")
    return package
