"""The financial position of agreements at a quarter: computed in a constant number of
queries for any number of agreements, schedules and spend lines.

A position is plain JSON-ready data (money as strings with two places) so that the same
value is shown on the page, returned by the API, exported, and frozen in a snapshot.

- budget of a schedule = the partners' contributions for the year, plus variations dated
  on or before the quarter's end (the original budget), plus approved virements into it
  and minus those out of it from their quarter on (the revised budget);
- spend to date = spend dated from the year's start to the quarter's end;
- forecast outturn = the forecast made at the quarter, else the latest earlier one in the
  year, else (no forecast yet) the budget, or spend to date plus commitments if larger;
- variance = forecast outturn - budget (positive is an overspend), shared between the
  partners by the agreement's risk-share rules (`risk_share.py`).
"""
import hashlib
import json
from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db.models import Sum
from django.db.models.functions import TruncMonth

from portal import periods
from portal.money import split_largest_remainder, to_money

from .models import (
    FROZEN_STATUSES,
    BudgetType,
    Commitment,
    ContributionVariation,
    Forecast,
    PositionCommentary,
    QuarterSnapshot,
    RiskShareRule,
    Schedule,
    Section75Agreement,
    Spend,
    Virement,
    VirementStatus,
)
from .risk_share import Rule, ScheduleVariance, Term, share_variance

ZERO = Decimal("0.00")
COMMENTARY_FIELDS = ("variance_reasons", "mitigations", "forecast_risks")


def money(value) -> str:
    return f"{to_money(value):.2f}"


def canonical(position: dict) -> bytes:
    """The bytes a snapshot's sha256 is taken over (`frozen` is not part of it)."""
    body = {k: v for k, v in position.items() if k != "frozen"}
    return json.dumps(body, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=True).encode("ascii")


def digest(position: dict) -> str:
    return hashlib.sha256(canonical(position)).hexdigest()


def position_of(agreement, year: str, quarter: int) -> dict:
    return positions_of([agreement], year, quarter)[agreement.pk]


def positions_of(agreements, year: str, quarter: int, *, live=False) -> dict[int, dict]:
    """Positions of many agreements at once; closed (and submitted, awaiting confirmation)
    quarters come from their snapshot unless `live` (used when submitting a quarter)."""
    first, period_end = periods.year_dates(year)[0], periods.quarter_dates(year, quarter)[1]
    ids = [a.pk for a in agreements]
    result: dict[int, dict] = {}
    if not live:
        for snap in QuarterSnapshot.objects.filter(agreement_id__in=ids, year=year,
                                                   quarter=quarter,
                                                   status__in=FROZEN_STATUSES):
            result[snap.agreement_id] = {**snap.position, "frozen": True}
    todo = [i for i in ids if i not in result]
    if not todo:
        return result
    data = _load(todo, year, quarter, first, period_end)
    for agreement in data["agreements"]:
        result[agreement.pk] = _compute(agreement, year, quarter, period_end, data)
    return result


def _load(ids, year, quarter, first: date, period_end: date) -> dict:
    agreements = list(Section75Agreement.objects.filter(id__in=ids)
                      .select_related("host").prefetch_related("parties").order_by("id"))
    schedules = defaultdict(list)
    for schedule in (Schedule.objects.filter(agreement_id__in=ids)
                     .select_related("lead_partner").order_by("code", "id")):
        schedules[schedule.agreement_id].append(schedule)
    contributions = defaultdict(lambda: defaultdict(lambda: ZERO))
    for row in (Schedule.objects.filter(agreement_id__in=ids, contributions__year=year)
                .values("id", "contributions__agency_id", "contributions__amount")):
        contributions[row["id"]][row["contributions__agency_id"]] += \
            row["contributions__amount"]
    for row in (ContributionVariation.objects
                .filter(contribution__schedule__agreement_id__in=ids,
                        contribution__year=year, date__lte=period_end)
                .values("contribution__schedule_id", "contribution__agency_id")
                .annotate(total=Sum("amount")).order_by()):
        contributions[row["contribution__schedule_id"]][row["contribution__agency_id"]] += \
            row["total"]
    # Spend is added up in the database twice (issue 15): by schedule and payer for the
    # rows, by agreement and month for the trend. One query grouped by all three returned a
    # row per schedule, payer and month (12,000 at 1,000 schedules), most of the time.
    in_period = Spend.objects.filter(schedule__agreement_id__in=ids, date__gte=first,
                                     date__lte=period_end).order_by()
    spend = defaultdict(list)  # schedule id -> [(source agency id, amount)]
    for schedule_id, source_id, total in (in_period.values("schedule_id", "source_agency_id")
                                          .annotate(total=Sum("amount"))
                                          .values_list("schedule_id", "source_agency_id",
                                                       "total")):
        spend[schedule_id].append((source_id, total))
    monthly = defaultdict(dict)  # agreement id -> {first day of the month: amount}
    for agreement_id, month, total in (in_period.annotate(month=TruncMonth("date"))
                                       .values("schedule__agreement_id", "month")
                                       .annotate(total=Sum("amount"))
                                       .values_list("schedule__agreement_id", "month",
                                                    "total")):
        monthly[agreement_id][month.date() if hasattr(month, "date") else month] = total
    committed = dict(Commitment.objects.filter(
        schedule__agreement_id__in=ids, year=year, quarter=quarter)
        .values_list("schedule_id", "amount"))
    forecasts = {}
    for schedule_id, q, outturn in (Forecast.objects
                                    .filter(schedule__agreement_id__in=ids, year=year,
                                            quarter__lte=quarter)
                                    .order_by("quarter")
                                    .values_list("schedule_id", "quarter", "outturn")):
        forecasts[schedule_id] = (q, outturn)  # the latest quarter wins
    rules = defaultdict(dict)
    for rule in (RiskShareRule.objects.filter(agreement_id__in=ids)
                 .prefetch_related("terms")):
        rules[rule.agreement_id][(rule.schedule_id, rule.direction)] = Rule(
            basis=rule.basis, key=rule.pk,
            terms=tuple(Term(t.agency_id, t.percentage, t.cap) for t in rule.terms.all()))
    commentary = defaultdict(dict)  # agreement id -> schedule id (None: overall) -> text
    for note in (PositionCommentary.objects.filter(agreement_id__in=ids, year=year,
                                                   quarter=quarter)
                 .values("agreement_id", "schedule_id", *COMMENTARY_FIELDS)):
        commentary[note["agreement_id"]][note["schedule_id"]] = {
            k: note[k] for k in COMMENTARY_FIELDS}
    virements = defaultdict(list)  # schedule id -> [(sign, {agency id: amount})]
    for from_id, to_id, split in (Virement.objects
                                  .filter(agreement_id__in=ids, year=year,
                                          quarter__lte=quarter,
                                          status=VirementStatus.APPROVED)
                                  .values_list("from_schedule_id", "to_schedule_id", "split")):
        parts = {int(p["agency"]): Decimal(p["amount"]) for p in split}
        virements[from_id].append((-1, parts))
        virements[to_id].append((1, parts))
    return {"agreements": agreements, "schedules": schedules, "contributions": contributions,
            "virements": virements, "spend": spend, "monthly": monthly,
            "committed": committed, "forecasts": forecasts, "rules": rules,
            "commentary": commentary}


def _compute(agreement, year, quarter, period_end, data) -> dict:
    parties = sorted(agreement.parties.all(), key=lambda a: a.pk)
    party_ids = [p.pk for p in parties]
    names = {p.pk: p.display_name for p in parties}
    months = periods.month_starts(year, quarter)
    month_totals = {m: ZERO for m in months} | data["monthly"].get(agreement.pk, {})
    rows, variances = [], []
    pool_by_partner = {p: ZERO for p in party_ids}
    for schedule in data["schedules"][agreement.pk]:
        contributions = dict(data["contributions"].get(schedule.pk, {}))
        original = sum(contributions.values(), ZERO)
        moved_in = moved_out = ZERO
        for sign, parts in data["virements"].get(schedule.pk, ()):
            for agency_id, value in parts.items():
                contributions[agency_id] = contributions.get(agency_id, ZERO) + sign * value
            if sign > 0:
                moved_in += sum(parts.values(), ZERO)
            else:
                moved_out += sum(parts.values(), ZERO)
        budget = sum(contributions.values(), ZERO)
        for agency_id, value in contributions.items():
            pool_by_partner[agency_id] = pool_by_partner.get(agency_id, ZERO) + value
        by_source = defaultdict(lambda: ZERO)
        spent = ZERO
        for source_id, value in data["spend"].get(schedule.pk, ()):
            spent += value
            by_source[source_id or schedule.lead_partner_id] += value
        committed = data["committed"].get(schedule.pk, ZERO)
        made_at, outturn = data["forecasts"].get(schedule.pk, (None, None))
        if outturn is None:
            outturn = max(budget, spent + committed)
        variance = outturn - budget
        planned_to_date = split_largest_remainder(budget, [quarter, 4 - quarter])[0]
        variances.append(ScheduleVariance(schedule.pk, variance, schedule.lead_partner_id,
                                          dict(contributions)))
        rows.append({
            "id": schedule.pk, "code": schedule.code, "name": schedule.name,
            "budget_type": schedule.budget_type, "lead": schedule.lead_partner.display_name,
            "lead_id": schedule.lead_partner_id, "original_budget": money(original),
            "virements_in": money(moved_in), "virements_out": money(moved_out),
            "budget": money(budget),
            "planned_to_date": money(planned_to_date), "spend_to_date": money(spent),
            "committed": money(committed), "forecast_outturn": money(outturn),
            "forecast_made_at": made_at, "variance": money(variance),
            "funding": _funding(schedule, contributions, by_source, spent, party_ids, names),
        })
    shares = share_variance(variances, rules=data["rules"].get(agreement.pk, {}),
                            parties=party_ids, host_id=agreement.host_id,
                            separately=agreement.share_separately)
    total_pool = sum(pool_by_partner.values(), ZERO)
    spend_to_date = sum((Decimal(r["spend_to_date"]) for r in rows), ZERO)
    outturn = sum((Decimal(r["forecast_outturn"]) for r in rows), ZERO)
    quarter_plan = split_largest_remainder(total_pool, [1, 1, 1, 1])
    return {
        "agreement": agreement.pk, "title": agreement.title, "year": year, "quarter": quarter,
        "period_end": period_end.isoformat(), "frozen": False,
        "contributions": [{"agency": p, "name": names[p], "amount": money(pool_by_partner[p])}
                          for p in party_ids],
        "total_pool": money(total_pool), "spend_to_date": money(spend_to_date),
        "committed": money(sum((Decimal(r["committed"]) for r in rows), ZERO)),
        "forecast_outturn": money(outturn), "variance": money(outturn - total_pool),
        "risk_share": [{"agency": p, "name": names[p], "share": money(shares.total[p]),
                        "overspend": money(shares.overspend[p]),
                        "underspend": money(shares.underspend[p])} for p in party_ids],
        "schedules": rows,
        "commentary": _commentary(data["commentary"].get(agreement.pk, {}), rows),
        "trend": {
            "months": [{"month": m.strftime("%Y-%m"), "label": m.strftime("%B %Y"),
                        "spend": money(month_totals[m])} for m in months],
            "quarters": [{"quarter": q, "planned": money(quarter_plan[q - 1]),
                          "spend": money(sum((month_totals[m] for m in months[3 * q - 3:3 * q]),
                                             ZERO))}
                         for q in range(1, quarter + 1)],
        },
    }


def _commentary(notes, rows) -> dict:
    """The narrative, frozen with the figures: overall, then per schedule (code order);
    only what has been written."""
    def written(note):
        return note is not None and any(note.values())

    return {"overall": notes.get(None) if written(notes.get(None)) else None,
            "schedules": [{"schedule": r["id"], "code": r["code"], "name": r["name"],
                           **notes[r["id"]]}
                          for r in rows if written(notes.get(r["id"]))]}


def _funding(schedule, contributions, by_source, spent, party_ids, names) -> list[dict]:
    """Planned and actual by funding source (the Better Care Fund layout): a pooled
    schedule's spend is attributed to partners in proportion to their contributions; an
    aligned schedule's spend to whoever paid it."""
    sources = [p for p in party_ids if contributions.get(p) or by_source.get(p)]
    if not sources:
        return []
    if schedule.budget_type == BudgetType.POOLED:
        weights = [contributions.get(p, ZERO) for p in sources]
        actual = dict(zip(sources, split_largest_remainder(spent, weights), strict=True))
    else:
        actual = {p: by_source.get(p, ZERO) for p in sources}
    return [{"agency": p, "name": names[p], "planned": money(contributions.get(p, ZERO)),
             "actual": money(actual[p])} for p in sources]
