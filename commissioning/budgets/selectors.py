"""Reads for pooled budgets, already filtered to what the actor may see.

Agreements are visible to people with internal access to their local area; anything of
another area is the same 404 as a missing one. Joint packages are visible only through an
explicit grant; aggregates are for everyone with internal access.
"""
import statistics
from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404

from agencies import permissions as agency_perms
from agencies.models import Membership
from agencies.roles import AreaPerm, Role
from portal import audit

from . import permissions
from .models import (
    Contribution,
    ContributionVariation,
    Direction,
    JointPackage,
    NeedsCategory,
    QuarterSnapshot,
    RiskShareRule,
    RiskShareTerm,
    Schedule,
    Section75Agreement,
    Spend,
    Virement,
    VirementApproval,
)
from .permissions import PackagePerm

ZERO = Decimal("0.00")


def _internal_area_ids(actor):
    return agency_perms.area_ids_for(actor, AreaPerm.VIEW_INTERNAL)


def agreement_list(*, actor, local_area=None, search=""):
    qs = (Section75Agreement.objects.filter(local_area_id__in=_internal_area_ids(actor))
          .select_related("local_area", "host", "pooled_fund_manager")
          .prefetch_related("parties")
          .annotate(schedule_count=Count("schedules", distinct=True),
                    pooled_count=Count("schedules", filter=Q(schedules__budget_type="pooled"),
                                       distinct=True)))
    if local_area is not None:
        qs = qs.filter(local_area=local_area)
    if search:
        qs = qs.filter(Q(title__icontains=search) | Q(reference__icontains=search))
    return qs.order_by("title", "id")


def agreement_get(*, actor, pk):
    qs = (Section75Agreement.objects.filter(local_area_id__in=_internal_area_ids(actor))
          .select_related("local_area", "host", "pooled_fund_manager")
          .prefetch_related("parties"))
    return get_object_or_404(qs, pk=pk)


def schedule_list(*, agreement):
    return (Schedule.objects.filter(agreement=agreement).select_related("lead_partner")
            .prefetch_related("intentions").order_by("code", "id"))


def contribution_years(*, agreement) -> list[str]:
    return sorted(set(Contribution.objects.filter(schedule__agreement=agreement)
                      .values_list("year", flat=True)))


def contribution_summary(*, agreement) -> dict:
    """Contributions per year per partner (base amounts plus all variations).

    Returns {"years": [...], "rows": [{"agency", "name", "amounts": {year: Decimal}}],
    "totals": {year: Decimal}} in two queries."""
    amounts = defaultdict(lambda: ZERO)
    for row in (Contribution.objects.filter(schedule__agreement=agreement)
                .values("year", "agency_id").annotate(total=Sum("amount")).order_by()):
        amounts[(row["year"], row["agency_id"])] += row["total"]
    for row in (ContributionVariation.objects.filter(contribution__schedule__agreement=agreement)
                .values("contribution__year", "contribution__agency_id")
                .annotate(total=Sum("amount")).order_by()):
        amounts[(row["contribution__year"], row["contribution__agency_id"])] += row["total"]
    years = sorted({year for year, _ in amounts})
    parties = sorted(agreement.parties.all(), key=lambda a: a.name)
    rows = [{"agency": p.pk, "name": p.name,
             "amounts": {y: amounts.get((y, p.pk), ZERO) for y in years}} for p in parties]
    totals = {y: sum((r["amounts"][y] for r in rows), ZERO) for y in years}
    return {"years": years, "rows": rows, "totals": totals}


def risk_rules(*, agreement):
    return (RiskShareRule.objects.filter(agreement=agreement)
            .select_related("schedule").prefetch_related("terms__agency")
            .order_by("schedule__code", "direction"))


def snapshot_list(*, agreement):
    return (QuarterSnapshot.objects.filter(agreement=agreement)
            .select_related("closed_by", "reopened_by", "submitted_by")
            .prefetch_related("confirmations__person").order_by("-year", "-quarter"))


def snapshot_get(*, agreement, year, quarter):
    """The quarter's snapshot (the agreement is already authorised), or None."""
    return (QuarterSnapshot.objects.filter(agreement=agreement, year=year, quarter=quarter)
            .select_related("closed_by", "reopened_by", "submitted_by")
            .prefetch_related("confirmations__person").first())


def spend_list(*, agreement, schedule_code="", year=None):
    from portal import periods

    qs = (Spend.objects.filter(schedule__agreement=agreement)
          .select_related("schedule", "source_agency").order_by("-date", "-id"))
    if schedule_code:
        qs = qs.filter(schedule__code__iexact=schedule_code)
    if year:
        first, last = periods.year_dates(year)
        qs = qs.filter(date__gte=first, date__lte=last)
    return qs


# --- joint packages ---------------------------------------------------------------------
def joint_package_list(*, actor, local_area=None):
    """Only the packages explicitly granted to the actor."""
    qs = (JointPackage.objects.filter(id__in=permissions.package_ids_for(actor, PackagePerm.VIEW))
          .select_related("local_area", "agreement"))
    if local_area is not None:
        qs = qs.filter(local_area=local_area)
    return qs.order_by("reference", "id")


def joint_package_get(*, actor, pk):
    return get_object_or_404(joint_package_list(actor=actor), pk=pk)


def joint_package_people(*, package):
    """Who has been granted the package (to show on its page, for those who may see it)."""
    from .models import JointPackageUserObjectPermission

    rows = (JointPackageUserObjectPermission.objects.filter(content_object=package)
            .select_related("user", "permission").order_by("user__last_name"))
    people = {}
    for row in rows:
        entry = people.setdefault(row.user_id, {"user": row.user, "can_change": False})
        if row.permission.codename == PackagePerm.CHANGE:
            entry["can_change"] = True
    return list(people.values())


AGGREGATE_MONEY = ("cost", "social_care", "health", "education")


def joint_package_aggregates(*, area_ids) -> dict:
    """Counts, costs, the funding split and days to agree, by area of need — never one
    package's details. Two queries whatever the number of packages.

    Small numbers are suppressed here, once, for every reader (pages, API, board reports
    and their PDFs): see `portal.disclosure`. A suppressed count or money figure is None;
    rows and the total carry `suppressed` and `display` ("fewer than 5" / "suppressed");
    `suppressed_fields` lists the summary figures withheld and `display` their words."""
    from portal import disclosure

    packages = JointPackage.objects.filter(local_area_id__in=area_ids)
    by_category = {
        row["needs_category"]: row for row in packages.values("needs_category").annotate(
            count=Count("id"), cost=Sum("annual_cost"), social_care=Sum("social_care_amount"),
            health=Sum("health_amount"), education=Sum("education_amount")).order_by()}
    days = [
        (agreed - requested).days for requested, agreed in packages.filter(
            agreement_date__isnull=False).values_list("request_date", "agreement_date")]
    rows = []
    for value, label in NeedsCategory.choices:
        row = by_category.get(value)
        if row:
            rows.append({"category": label, "count": row["count"], "cost": row["cost"],
                         "social_care": row["social_care"], "health": row["health"],
                         "education": row["education"]})
    total = {key: sum((r[key] for r in rows), ZERO) for key in AGGREGATE_MONEY}
    total["count"] = sum(r["count"] for r in rows)
    limit = disclosure.threshold()
    rows, shown_total = disclosure.suppress_table(rows, total, value_keys=AGGREGATE_MONEY,
                                                  limit=limit)
    agreed, within = len(days), sum(1 for d in days if d <= 7)
    hidden_agreed = disclosure.suppress_part(agreed, total["count"],
                                             whole_suppressed=shown_total["suppressed"],
                                             limit=limit)
    hidden_within = hidden_agreed or disclosure.suppress_part(within, agreed, limit=limit)
    hidden_median = hidden_agreed or agreed < limit
    display = {}
    if hidden_agreed:
        display["agreed"] = disclosure.fewer_than(limit) if disclosure.is_small(
            agreed, limit) else "suppressed"
    if hidden_within:
        display["within_week"] = disclosure.fewer_than(limit) if disclosure.is_small(
            within, limit) and not hidden_agreed else "suppressed"
    if hidden_median and days:
        display["median_days"] = "suppressed"
    return {
        "rows": rows, "total": shown_total, "threshold": limit,
        "agreed": None if hidden_agreed else agreed,
        "median_days": None if hidden_median or not days else statistics.median(days),
        "within_week": None if hidden_within else within,
        "suppressed_fields": sorted(display), "display": display,
        "any_suppressed": bool(display) or shown_total["suppressed"]
        or any(r["suppressed"] for r in rows),
    }


def agreements_with_parties(*, agency_ids, area_ids=None):
    """Agreements any of `agency_ids` is a party to (for board reports)."""
    qs = Section75Agreement.objects.filter(parties__in=list(agency_ids)).distinct()
    if area_ids is not None:
        qs = qs.filter(local_area_id__in=area_ids)
    return qs.select_related("host").prefetch_related(
        Prefetch("parties")).order_by("title", "id")


def snapshots_tampered() -> list[int]:
    """Ids of closed (or submitted) snapshots whose stored position no longer matches their
    sha256."""
    from .models import FROZEN_STATUSES
    from .position import digest

    closed = QuarterSnapshot.objects.filter(status__in=FROZEN_STATUSES).only(
        "id", "position", "sha256")
    return [snap.pk for snap in closed.iterator(chunk_size=200)
            if digest(snap.position) != snap.sha256]


# --- what changed (portal.audit) --------------------------------------------------------
AGREEMENT_WATCH = audit.Watch(
    fields={"title": "title", "reference": "document reference", "host_id": "host partner",
            "pooled_fund_manager_id": "pooled fund manager", "starts": "start date",
            "ends": "end date", "status": "status",
            "share_separately": "sharing of over- and underspends"},
    m2m={"parties": "parties"})
CONTRIBUTION_WATCH = audit.Watch(fields={"amount": "amount"}, money=frozenset({"amount"}))
VARIATION_WATCH = audit.Watch(fields={"amount": "amount", "date": "date", "reason": "reason"},
                              money=frozenset({"amount"}))


RULE_WATCH = audit.Watch(fields={"basis": "how the risk is shared"})
TERM_WATCH = audit.Watch(fields={"percentage": "percentage", "cap": "cap"},
                         money=frozenset({"cap"}))


def _risk_rule_changes(agreement, schedules, agencies):
    """Risk-share rules (the agreement's and each schedule's own) set, changed or removed,
    and each partner's percentage and cap under them."""
    rules = list(RiskShareRule.history.filter(agreement_id=agreement.pk)
                 .select_related("history_user").order_by("history_date", "history_id"))
    by_rule = {r.id: r for r in rules}
    terms = RiskShareTerm.history.filter(rule_id__in=list(by_rule)).select_related(
        "history_user").order_by("history_date", "history_id")
    directions = dict(Direction.choices)

    def name(record):
        whose = (f"schedule {schedules.get(record.schedule_id, 'removed')}'s own"
                 if record.schedule_id else "the agreement's")
        return f"{whose} risk-share rule ({directions.get(record.direction, '').lower()})"

    def rule(record):
        return name(record)[:1].upper() + name(record)[1:]

    def term(record):
        base = by_rule.get(record.rule_id)
        return (f"{agencies.get(record.agency_id, 'A partner')}'s share under "
                f"{name(base) if base else 'a risk-share rule'}")

    return (audit.row_changes(RiskShareRule, rules, RULE_WATCH, rule),
            audit.row_changes(RiskShareTerm, terms, TERM_WATCH, term))


def agreement_changes(agreement) -> list[dict]:
    """Who changed what on the agreement, newest first: parties added or removed, every
    contribution set, changed or removed, every in-year variation, with the amounts, and
    every risk-share rule and partner's term."""
    schedules = dict(Schedule.history.filter(agreement_id=agreement.pk).values_list(
        "id", "code"))
    agencies = dict(agreement.local_area.agencies.values_list("pk", "name"))
    contributions = list(Contribution.history.filter(schedule_id__in=list(schedules))
                         .select_related("history_user").order_by("history_date", "history_id"))
    by_contribution = {r.id: r for r in contributions}

    def contribution(record):
        return (f"{agencies.get(record.agency_id, 'A partner')}'s contribution to "
                f"{schedules.get(record.schedule_id, 'a schedule')}, {record.year}")

    def variation(record):
        base = by_contribution.get(record.contribution_id)
        return f"Variation of {contribution(base) if base else 'a contribution'}"

    variations = ContributionVariation.history.filter(
        contribution_id__in=list(by_contribution)).select_related("history_user").order_by(
        "history_date", "history_id")
    return audit.newest_first(
        ((when, kind, who, what or "Agreement set up", detail)
         for when, kind, who, what, detail in audit.changes(agreement, AGREEMENT_WATCH)),
        audit.row_changes(Contribution, contributions, CONTRIBUTION_WATCH, contribution),
        audit.row_changes(ContributionVariation, variations, VARIATION_WATCH, variation),
        *_risk_rule_changes(agreement, schedules, agencies))


# --- quarter close by every partner (issue 16) ------------------------------------------
def finance_officers_by_agency(agency_ids) -> dict[int, list]:
    """Active finance officers and pooled fund managers of each agency (people), one query."""
    result: dict[int, list] = {}
    for membership in (Membership.objects.active()
                       .filter(agency_id__in=list(agency_ids), user__is_active=True,
                               role__in=[Role.FINANCE, Role.POOLED_FUND_MANAGER])
                       .select_related("user").order_by("user__last_name", "user_id")):
        people = result.setdefault(membership.agency_id, [])
        if membership.user not in people:
            people.append(membership.user)
    return result


def quarter_confirmations(*, snapshot) -> list[dict]:
    """Who has confirmed the current submission for each contributing partner, who returned
    it, and who is awaited: one row per contributing partner (one query)."""
    names = {c["agency"]: c["name"] for c in snapshot.position.get("contributions", [])}
    answers = {c.agency_id: c for c in snapshot.confirmations.all()
               if c.round == snapshot.round}  # prefetched by snapshot_list / snapshot_get
    snapshot._answered = set(answers)
    return [{"agency": agency_id, "name": names.get(agency_id, ""),
             "answer": answers.get(agency_id)}
            for agency_id in snapshot.contributing_agency_ids]


# --- year-end settlement (issue 16) -------------------------------------------------------
def settlement_basis(*, agreement, year):
    """(statement, ids of the partners who sign it) from the closed Q4, or None while Q4
    is not closed. Two queries."""
    from .settlement import statement

    snapshot = QuarterSnapshot.objects.filter(agreement=agreement, year=year, quarter=4,
                                              status="closed").first()
    if snapshot is None:
        return None
    return (statement(snapshot.position, host_id=agreement.host_id,
                      carry_forward=agreement.carry_forward_underspend,
                      q4_sha256=snapshot.sha256),
            snapshot.contributing_agency_ids)


def settlement_view(*, agreement, year) -> dict:
    """What the settlement page, PDF, xlsx and API show: the statement (or None), the stored
    settlement, and per signing partner who signed the current figures (or awaited)."""
    from .models import YearEndSettlement
    from .position import digest

    basis = settlement_basis(agreement=agreement, year=year)
    if basis is None:
        return {"statement": None, "settlement": None, "signers": []}
    statement, signer_ids = basis
    sha = digest(statement)
    settlement = (YearEndSettlement.objects.filter(agreement=agreement, year=year)
                  .prefetch_related("sign_offs__person").first())
    signed = {}
    if settlement is not None:
        signed = {s.agency_id: s for s in settlement.sign_offs.all() if s.sha256 == sha}
    names = {p["agency"]: p["name"] for p in statement["partners"]}
    current = settlement is not None and settlement.sha256 == sha
    return {"statement": statement, "sha256": sha,
            "settlement": settlement if current else None,
            "signed": current and settlement.status == "signed",
            "signers": [{"agency": a, "name": names.get(a, ""), "sign_off": signed.get(a)}
                        for a in signer_ids]}


# --- virements (issue 16) -------------------------------------------------------------------
def virement_list(*, agreement, year=None):
    """An agreement's virements (newest first) with their schedules and answers: three
    queries whatever the number."""
    qs = (Virement.objects.filter(agreement=agreement)
          .select_related("from_schedule", "to_schedule", "proposed_by")
          .prefetch_related(Prefetch("approvals", queryset=VirementApproval.objects
                                     .select_related("agency", "person"))))
    if year:
        qs = qs.filter(year=year)
    return qs


def virement_get(*, agreement, pk) -> Virement:
    """A virement of this (already authorised) agreement; another agreement's is a 404."""
    virement = virement_list(agreement=agreement).filter(pk=pk).first()
    if virement is None:
        raise Http404("No such virement.")
    virement.agreement = agreement
    return virement


def virement_answers(*, virement) -> list[dict]:
    """One row per partner the agreement names: its answer (or awaited)."""
    answers = {a.agency_id: a for a in virement.approvals.all()}
    virement._answered = set(answers)
    return [{"agency": p, "answer": answers.get(p.pk)}
            for p in sorted(virement.agreement.parties.all(), key=lambda a: a.pk)]


def approvers_by_agency(agency_ids, amount=None) -> dict[int, list]:
    """Active approvers of each agency (people), those whose limit covers `amount` when
    given: one query."""
    result: dict[int, list] = {}
    memberships = (Membership.objects.active()
                   .filter(agency_id__in=list(agency_ids), user__is_active=True,
                           role=Role.APPROVER).select_related("user")
                   .order_by("user__last_name", "user_id"))
    if amount is not None:
        memberships = memberships.filter(delegated_limit__gte=amount)
    for membership in memberships:
        people = result.setdefault(membership.agency_id, [])
        if membership.user not in people:
            people.append(membership.user)
    return result


VIREMENT_WATCH = audit.Watch(fields={"status": "status", "amount": "amount"},
                             money=frozenset({"amount"}))
VIREMENT_APPROVAL_WATCH = audit.Watch(fields={"decision": "decision", "reason": "reason"})


def virement_changes(virement) -> list[dict]:
    """Who proposed, approved, rejected the virement and how its status changed."""
    names = {p.pk: p.name for p in virement.agreement.parties.all()}
    approvals = (VirementApproval.history.filter(virement_id=virement.pk)
                 .select_related("history_user").order_by("history_date", "history_id"))
    return audit.newest_first(
        ((when, kind, who, what or "Virement proposed", detail)
         for when, kind, who, what, detail in audit.changes(virement, VIREMENT_WATCH)),
        audit.row_changes(VirementApproval, approvals, VIREMENT_APPROVAL_WATCH,
                          lambda r: f"{names.get(r.agency_id, 'A partner')}'s answer"))
