"""Sharing a pool's variance between its partners — pure functions, no database.

Invariant: whatever the rules, bases, caps and signs, the shares add back to the variance
exactly, to the penny. Every proportional split goes through
`portal.money.split_largest_remainder`; caps move whole pennies to the host; lead-bears
rules move whole schedule variances. Nothing else rounds.

A variance is `forecast outturn - budget`: positive is an overspend, negative an underspend.
"""
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from portal.money import split_largest_remainder, to_money

from .models import Direction, RiskBasis

ZERO = Decimal("0.00")
HUNDRED = Decimal("100")


@dataclass(frozen=True)
class Term:
    agency_id: int
    percentage: Decimal | None = None
    cap: Decimal | None = None


@dataclass(frozen=True)
class Rule:
    """A rule as plain data; `key` tells rules apart (a database id, or "default")."""

    basis: str
    terms: tuple[Term, ...] = ()
    key: object = "default"

    def percentages(self) -> dict[int, Decimal]:
        return {t.agency_id: t.percentage for t in self.terms if t.percentage is not None}

    def caps(self) -> dict[int, Decimal]:
        return {t.agency_id: t.cap for t in self.terms if t.cap is not None}


DEFAULT_RULE = Rule(basis=RiskBasis.PROPORTIONAL)


@dataclass(frozen=True)
class ScheduleVariance:
    schedule_id: int
    variance: Decimal
    lead_id: int
    contributions: dict = field(default_factory=dict)  # agency id -> Decimal


@dataclass
class Shares:
    """The result: each partner's net share, and its over- and underspend parts."""

    total: dict[int, Decimal]
    overspend: dict[int, Decimal]
    underspend: dict[int, Decimal]


def check_percentages(percentages: dict[int, Decimal], parties) -> list[str]:
    """Problems with a fixed-percentage rule (empty when it is sound)."""
    problems = []
    unknown = set(percentages) - set(parties)
    if unknown:
        problems.append("Only parties to the agreement can carry a percentage.")
    if any(p < 0 for p in percentages.values()):
        problems.append("Percentages must not be negative.")
    if sum(percentages.values(), Decimal(0)) != HUNDRED:
        problems.append(f"The percentages add up to {sum(percentages.values(), Decimal(0))}%; "
                        "they must add up to exactly 100%.")
    return problems


def allocate(amount, *, basis, parties, host_id, contributions=None, percentages=None,
             lead_amounts=None, caps=None) -> dict[int, Decimal]:
    """Share one amount between `parties` (ordered ids) by one basis, then apply caps.

    - proportional: by `contributions` (agency id -> amount); with none, the host bears it;
    - fixed: by `percentages` (agency id -> percent, adding to 100);
    - lead-bears: `lead_amounts` (agency id -> that partner's own schemes' variance) as is.
    """
    amount = to_money(amount)
    parties = list(parties)
    if host_id not in parties:
        raise ValueError("the host must be one of the parties")
    if basis == RiskBasis.LEAD_BEARS:
        lead_amounts = {k: to_money(v) for k, v in (lead_amounts or {}).items()}
        if sum(lead_amounts.values(), ZERO) != amount:
            raise ValueError("the lead partners' variances must add up to the amount")
        shares = {p: ZERO for p in parties}
        for agency_id, value in lead_amounts.items():
            # a schedule led by a non-party (should not happen) falls to the host
            shares[agency_id if agency_id in shares else host_id] += value
    else:
        if basis == RiskBasis.FIXED:
            percentages = percentages or {}
            problems = check_percentages(percentages, parties)
            if problems:
                raise ValueError(problems[0])
            weights = [percentages.get(p, Decimal(0)) for p in parties]
        elif basis == RiskBasis.PROPORTIONAL:
            weights = [to_money((contributions or {}).get(p, ZERO)) for p in parties]
            if sum(weights) <= 0:
                weights = [Decimal(1) if p == host_id else Decimal(0) for p in parties]
        else:
            raise ValueError(f"unknown risk-share basis {basis!r}")
        shares = dict(zip(parties, split_largest_remainder(amount, weights), strict=True))
    return apply_caps(shares, caps or {}, host_id)


def apply_caps(shares: dict[int, Decimal], caps: dict[int, Decimal], host_id) -> dict:
    """A partner bears at most its cap (either way); the rest falls to the host."""
    result = dict(shares)
    for agency_id, cap in caps.items():
        if agency_id == host_id or agency_id not in result:
            continue
        cap = to_money(cap)
        share = result[agency_id]
        if abs(share) > cap:
            limited = cap if share > 0 else -cap
            result[host_id] += share - limited
            result[agency_id] = limited
    return result


def resolve_rule(rules: dict, schedule_id, direction) -> Rule:
    """The rule for one schedule and direction: the schedule's own rule for that direction,
    then its rule for both, then the agreement's for that direction, then for both.

    `rules` maps (schedule id or None, direction) -> Rule.
    """
    for key in ((schedule_id, direction), (schedule_id, Direction.BOTH),
                (None, direction), (None, Direction.BOTH)):
        if key in rules:
            return rules[key]
    return DEFAULT_RULE


def share_variance(schedules: list[ScheduleVariance], *, rules: dict, parties, host_id,
                   separately=False) -> Shares:
    """Share the variances of `schedules` between `parties`.

    Schedules governed by the same rule are netted and shared together. With `separately`,
    overspending and underspending schedules are shared apart, each by the rule for its
    direction, and never netted against each other.
    """
    parties = list(parties)
    groups: dict[tuple, list[ScheduleVariance]] = defaultdict(list)
    for item in schedules:
        if item.variance == 0:
            continue
        if separately:
            direction = Direction.OVERSPEND if item.variance > 0 else Direction.UNDERSPEND
        else:
            direction = Direction.BOTH
        rule = resolve_rule(rules, item.schedule_id, direction)
        groups[(rule.key, direction, rule)].append(item)

    total = {p: ZERO for p in parties}
    over = {p: ZERO for p in parties}
    under = {p: ZERO for p in parties}
    for (_, _direction, rule), items in groups.items():
        amount = sum((i.variance for i in items), ZERO)
        contributions: dict[int, Decimal] = defaultdict(lambda: ZERO)
        lead_amounts: dict[int, Decimal] = defaultdict(lambda: ZERO)
        for item in items:
            for agency_id, value in item.contributions.items():
                contributions[agency_id] += value
            lead_amounts[item.lead_id] += item.variance
        shares = allocate(amount, basis=rule.basis, parties=parties, host_id=host_id,
                          contributions=contributions, percentages=rule.percentages(),
                          lead_amounts=lead_amounts, caps=rule.caps())
        for agency_id, value in shares.items():
            total[agency_id] += value
            (over if amount > 0 else under)[agency_id] += value
    return Shares(total=total, overspend=over, underspend=under)
