"""Agreements, schedules, contributions (with in-year variations) and risk-share rules."""
from decimal import Decimal

from django.db import transaction

from agencies.models import Agency
from portal import audit, periods
from portal.errors import ApplicationError, ErrorCode
from portal.money import to_money

from .. import permissions
from ..models import (
    AgreementStatus,
    BudgetType,
    Contribution,
    ContributionVariation,
    Direction,
    RiskBasis,
    RiskShareRule,
    RiskShareTerm,
    Schedule,
    Section75Agreement,
)
from ..risk_share import check_percentages
from .common import (
    check_year,
    ensure_open,
    ensure_year_open,
    invalid,
    lock_agreement,
    require,
    save,
)

AGREEMENT_FIELDS = ("title", "reference", "starts", "ends", "status", "share_separately",
                    "carry_forward_underspend")


def _check_parties(local_area, parties, host, manager):
    parties = list(parties)
    if len(parties) < 2:
        raise invalid("parties", "An agreement needs at least two parties.")
    if any(p.local_area_id != local_area.pk for p in parties):
        raise invalid("parties", "Every party must be an agency of this local area.")
    if host not in parties:
        raise invalid("host", "The host must be one of the parties.")
    if manager is not None and not manager.memberships.filter(agency=host).exists():
        raise invalid("pooled_fund_manager", "The pooled fund manager must be an officer of "
                                             "the host partner.")
    return parties


@transaction.atomic
def agreement_create(*, actor, local_area, title, parties, host, starts, ends=None,
                     reference="", pooled_fund_manager=None, status=AgreementStatus.ACTIVE,
                     share_separately=False,
                     carry_forward_underspend=False) -> Section75Agreement:
    if actor is not None:
        require(permissions.can_create_agreement(actor, local_area))
    parties = _check_parties(local_area, parties, host, pooled_fund_manager)
    if Section75Agreement.objects.filter(local_area=local_area, title=title).exists():
        raise invalid("title", "An agreement with that title already exists in this area.")
    if ends is not None and ends < starts:
        raise invalid("ends", "The end date must be after the start date.")
    agreement = Section75Agreement(
        local_area=local_area, title=title, reference=reference, host=host, starts=starts,
        ends=ends, status=status, share_separately=share_separately,
        carry_forward_underspend=carry_forward_underspend,
        pooled_fund_manager=pooled_fund_manager)
    with audit.creating(agreement):  # the parties belong to the creation in the audit
        save(agreement, actor)
        agreement.parties.set(parties)
    return agreement


@transaction.atomic
def agreement_update(*, actor, agreement, parties=None, host=None, pooled_fund_manager=None,
                     **fields) -> Section75Agreement:
    agreement = lock_agreement(agreement, actor)
    for key, value in fields.items():
        if key in AGREEMENT_FIELDS:
            setattr(agreement, key, value)
    new_parties = list(parties) if parties is not None else list(agreement.parties.all())
    agreement.host = host or agreement.host
    if pooled_fund_manager is not None:
        agreement.pooled_fund_manager = pooled_fund_manager
    _check_parties(agreement.local_area, new_parties, agreement.host,
                   agreement.pooled_fund_manager)
    if agreement.ends is not None and agreement.ends < agreement.starts:
        raise invalid("ends", "The end date must be after the start date.")
    removed = set(agreement.parties.values_list("id", flat=True)) - {p.pk for p in new_parties}
    if removed and (Contribution.objects.filter(schedule__agreement=agreement,
                                                agency_id__in=removed).exists()
                    or agreement.schedules.filter(lead_partner_id__in=removed).exists()):
        raise invalid("parties", "A partner that contributes to or leads a schedule cannot "
                                 "leave the agreement.")
    save(agreement, actor)
    if parties is not None:
        agreement.parties.set(new_parties)
    return agreement


def _check_lead(agreement, lead_partner):
    if not agreement.parties.filter(pk=lead_partner.pk).exists():
        raise invalid("lead_partner", "The lead partner must be a party to the agreement.")


@transaction.atomic
def schedule_create(*, actor, agreement, code, name, lead_partner,
                    budget_type=BudgetType.POOLED, description="", contract_references="",
                    intentions=()) -> Schedule:
    agreement = lock_agreement(agreement, actor)
    code = code.strip()
    if agreement.schedules.filter(code__iexact=code).exists():
        raise invalid("code", f"Schedule {code} already exists in this agreement.")
    _check_lead(agreement, lead_partner)
    schedule = save(Schedule(agreement=agreement, code=code, name=name,
                             lead_partner=lead_partner, budget_type=budget_type,
                             description=description, contract_references=contract_references),
                    actor)
    _set_intentions(schedule, agreement, intentions)
    return schedule


@transaction.atomic
def schedule_update(*, actor, schedule, intentions=None, **fields) -> Schedule:
    lock_agreement(schedule.agreement, actor)
    schedule = Schedule.objects.select_for_update().get(pk=schedule.pk)
    for key in ("name", "budget_type", "description", "contract_references", "lead_partner"):
        if key in fields:
            setattr(schedule, key, fields[key])
    _check_lead(schedule.agreement, schedule.lead_partner)
    save(schedule, actor)
    if intentions is not None:
        _set_intentions(schedule, schedule.agreement, intentions)
    return schedule


def _set_intentions(schedule, agreement, intentions):
    intentions = list(intentions)
    if any(i.local_area_id != agreement.local_area_id for i in intentions):
        raise invalid("intentions", "Linked intentions must belong to the same local area.")
    schedule.intentions.set(intentions)


def _party(agreement, agency, field="agency"):
    if not agreement.parties.filter(pk=agency.pk).exists():
        raise invalid(field, f"{agency} is not a party to this agreement.")


@transaction.atomic
def contribution_set(*, actor, schedule, agency, year, amount) -> Contribution:
    """Set a partner's planned contribution to a schedule for a financial year."""
    agreement = lock_agreement(schedule.agreement, actor)
    check_year(year)
    _party(agreement, agency)
    try:
        amount = to_money(amount)
    except ValueError as exc:
        raise invalid("amount", "Enter the amount in pounds, like 1250000.00.") from exc
    if amount < 0:
        raise invalid("amount", "A contribution cannot be negative; record a reduction as "
                                "an in-year variation.")
    contribution = Contribution.objects.filter(schedule=schedule, agency=agency,
                                               year=year).first()
    if contribution is not None and contribution.amount == amount:
        return contribution
    ensure_year_open(agreement, year)
    contribution = contribution or Contribution(schedule=schedule, agency=agency, year=year)
    contribution.amount = amount
    return save(contribution, actor)


@transaction.atomic
def contribution_vary(*, actor, contribution, amount, date, reason) -> ContributionVariation:
    """An in-year change (positive or negative), dated within the contribution's year."""
    agreement = lock_agreement(contribution.schedule.agreement, actor)
    try:
        amount = to_money(amount)
    except ValueError as exc:
        raise invalid("amount", "Enter the change in pounds, like -25000.00.") from exc
    if amount == 0:
        raise invalid("amount", "A variation must change the contribution.")
    if not reason or not reason.strip():
        raise invalid("reason", "Say why the contribution changes.")
    if periods.year_of(date) != contribution.year:
        raise invalid("date", f"The date must fall within {contribution.year}.")
    ensure_open(agreement, year=contribution.year, quarter=periods.quarter_of(date))
    effective = contribution.amount + sum(
        (v.amount for v in contribution.variations.all()), Decimal("0"))
    if effective + amount < 0:
        raise invalid("amount", "The variation would make the contribution negative.")
    return save(ContributionVariation(contribution=contribution, amount=amount, date=date,
                                      reason=reason.strip()), actor)


@transaction.atomic
def risk_rule_set(*, actor, agreement, basis, terms=(), schedule=None,
                  direction=Direction.BOTH) -> RiskShareRule:
    """Set the agreement's risk-share rule (or a schedule's override) for a direction.

    `terms` is a list of dicts `{"agency": Agency, "percentage": Decimal|None,
    "cap": Decimal|None}`. Fixed percentages must cover parties only and add up to 100.
    """
    agreement = lock_agreement(agreement, actor)
    if basis not in RiskBasis.values:
        raise invalid("basis", "Choose how the risk is shared.")
    if direction not in Direction.values:
        raise invalid("direction", "Choose over- and underspends, overspends or underspends.")
    if direction != Direction.BOTH and not agreement.share_separately:
        raise invalid("direction", "This agreement nets over- and underspends; set it to share "
                                   "them separately before giving each its own rule.")
    if schedule is not None and schedule.agreement_id != agreement.pk:
        raise ApplicationError("No such schedule.", code=ErrorCode.NOT_FOUND)
    party_ids = set(agreement.parties.values_list("id", flat=True))
    clean_terms = _clean_terms(terms, party_ids, agreement.host_id)
    if basis == RiskBasis.FIXED:
        percentages = {agency_id: t["percentage"] for agency_id, t in clean_terms.items()
                       if t["percentage"] is not None}
        problems = check_percentages(percentages, party_ids)
        if problems:
            raise invalid("terms", problems[0])
    elif any(t["percentage"] is not None for t in clean_terms.values()):
        raise invalid("terms", "Percentages apply only to fixed-percentage rules.")
    rule = RiskShareRule.objects.filter(agreement=agreement, schedule=schedule,
                                        direction=direction).first()
    rule = rule or RiskShareRule(agreement=agreement, schedule=schedule, direction=direction)
    if rule.pk is None or rule.basis != basis:
        rule.basis = basis
        save(rule, actor)
    # Terms change in place, so the audit says what changed (not "removed" and "added").
    current = {term.agency_id: term for term in rule.terms.all()}
    for agency_id, term in current.items():
        if agency_id not in clean_terms:
            term._history_user = actor
            term.delete()
    for agency_id, wanted in clean_terms.items():
        term = current.get(agency_id) or RiskShareTerm(rule=rule, agency_id=agency_id)
        if term.pk is None or (term.percentage, term.cap) != (wanted["percentage"],
                                                              wanted["cap"]):
            term.percentage, term.cap = wanted["percentage"], wanted["cap"]
            save(term, actor)
    return rule


@transaction.atomic
def risk_rule_clear(*, actor, agreement, schedule, direction=Direction.BOTH) -> None:
    """Remove a schedule's own rule: the schedule follows the agreement's rule again."""
    agreement = lock_agreement(agreement, actor)
    if schedule.agreement_id != agreement.pk:
        raise ApplicationError("No such schedule.", code=ErrorCode.NOT_FOUND)
    rule = RiskShareRule.objects.filter(agreement=agreement, schedule=schedule,
                                        direction=direction).first()
    if rule is None:
        raise ApplicationError("This schedule has no rule of its own.", code=ErrorCode.CONFLICT)
    for term in rule.terms.all():
        term._history_user = actor
        term.delete()
    rule._history_user = actor
    rule.delete()


def _clean_terms(terms, party_ids, host_id) -> dict[int, dict]:
    clean = {}
    for term in terms:
        agency = term["agency"]
        agency_id = agency.pk if isinstance(agency, Agency) else int(agency)
        if agency_id not in party_ids:
            raise invalid("terms", "Only parties to the agreement can share its risk.")
        if agency_id in clean:
            raise invalid("terms", "Give each partner once.")
        percentage, cap = term.get("percentage"), term.get("cap")
        try:
            percentage = None if percentage in (None, "") else Decimal(str(percentage))
            cap = None if cap in (None, "") else to_money(cap)
        except (ValueError, ArithmeticError) as exc:
            raise invalid("terms", "Percentages and caps must be numbers.") from exc
        if cap is not None and cap < 0:
            raise invalid("terms", "A cap cannot be negative.")
        if cap is not None and agency_id == host_id:
            raise invalid("terms", "The host bears what is beyond the other partners' caps, "
                                   "so it cannot have a cap itself.")
        clean[agency_id] = {"percentage": percentage, "cap": cap}
    return clean
