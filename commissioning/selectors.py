"""Reads for the commissioning cycle, already filtered to what the actor may see.

Every list costs a constant number of queries: visibility is a filter on id sets read once
per request (agencies.permissions), related rows come by select_related/prefetch_related.
"""
from django.db import connection
from django.db.models import Count, F, OrderBy, Prefetch, Q, Window
from django.db.models.functions import RowNumber
from django.http import Http404

from agencies import permissions as ap
from agencies.models import Agency, Membership, Stage
from agencies.roles import AgencyPerm, AreaPerm, Role
from agencies.selectors import current_holders, formerly_ids
from portal import audit

from .models import (
    Action,
    ActionPlan,
    BoardReferral,
    Disagreement,
    GateStatus,
    Intention,
    IntentionStatus,
    Principle,
    Priority,
    ReferralStatus,
    SignOff,
    StageGate,
    Strategy,
    StrategyOutcome,
)
from .participants import lead_agencies, participants
from .permissions import holders as permissions_holders
from .permissions import public_area_ids

SORTS = {
    "reference": ("reference",), "-reference": ("-reference",),
    "title": ("title",), "-title": ("-title",),
    "stage": ("current_stage__position", "reference"),
    "-stage": ("-current_stage__position", "reference"),
    "status": ("status", "reference"), "-status": ("-status", "reference"),
    "value": ("estimated_annual_value", "reference"),
    "-value": ("-estimated_annual_value", "reference"),
    "updated": ("updated_at", "reference"), "-updated": ("-updated_at", "reference"),
}


def visible_intentions(actor):
    internal = ap.area_ids_for(actor, AreaPerm.VIEW_INTERNAL)
    public = public_area_ids(actor)
    return Intention.objects.filter(
        Q(local_area_id__in=internal)
        | Q(local_area_id__in=public, published_for_consultation=True))


def involving(agency_ids, holders=None) -> Q:
    """Intentions led, jointly led or partnered by one of the agencies (and by those the
    agencies replaced: a report or inbox for the ICB includes what the CCG held)."""
    holders = current_holders() if holders is None else holders
    ids = set(agency_ids) | formerly_ids(holders, agency_ids)
    through = Intention.partner_agencies.through.objects.filter(agency_id__in=ids)
    joint = Intention.joint_lead_agencies.through.objects.filter(agency_id__in=ids)
    return (Q(lead_agency_id__in=ids) | Q(id__in=through.values("intention_id"))
            | Q(id__in=joint.values("intention_id")))


def intention_list(*, actor, local_area=None, stage=None, status=None, level=None, agency=None,
                   priority=None, thematic_area=None, search="", sort="reference",
                   with_priorities=True):
    """Intentions the actor may see, filtered; `stage` is a Stage, its id or its name.
    `with_priorities=False` for a page that does not show them (one query fewer)."""
    qs = visible_intentions(actor)
    if local_area is not None:
        qs = qs.filter(local_area_id=getattr(local_area, "pk", local_area))
    if stage:
        if isinstance(stage, str) and not stage.isdigit():
            qs = qs.filter(current_stage__name__iexact=stage)
        else:
            qs = qs.filter(current_stage_id=getattr(stage, "pk", stage))
    if status:
        qs = qs.filter(status=status)
    if level:
        qs = qs.filter(level=level)
    if agency:
        qs = qs.filter(involving([getattr(agency, "pk", agency)]))
    if priority:
        qs = qs.filter(id__in=Intention.priorities.through.objects.filter(
            priority_id=getattr(priority, "pk", priority)).values("intention_id"))
    if thematic_area:
        qs = qs.filter(thematic_area__iexact=thematic_area)
    if search:
        qs = qs.filter(Q(title__icontains=search) | Q(reference__icontains=search)
                       | Q(summary__icontains=search) | Q(thematic_area__icontains=search))
    qs = (qs.select_related("local_area", "lead_agency", "current_stage", "owner")
          .prefetch_related(
              Prefetch("joint_lead_agencies", queryset=Agency.objects.order_by("name")),
              Prefetch("partner_agencies", queryset=Agency.objects.order_by("name")))
          .order_by(*SORTS.get(sort, SORTS["reference"])))
    if with_priorities:
        qs = qs.prefetch_related(Prefetch(
            "priorities", queryset=Priority.objects.select_related("strategy").order_by("number")))
    return qs


def count_by_stage(intentions) -> dict[int, int]:
    return dict(intentions.order_by().values("current_stage").annotate(n=Count("id"))
                .values_list("current_stage", "n"))


def first_per_stage(intentions, n, stage_ids=None):
    """The first `n` intentions of each stage in the list's order, in one query.

    With the stages' ids, on a database that takes LIMIT inside UNION (PostgreSQL): one
    `LIMIT n` part per stage, each an index range scan of (local_area, current_stage,
    reference) however many intentions there are (issue 15: the window over the whole area
    took 150-850 ms at 10,000). Otherwise a window over the list (SQLite)."""
    if stage_ids and connection.features.supports_slicing_ordering_in_compound:
        parts = [intentions.filter(current_stage_id=stage_id)[:n] for stage_id in stage_ids]
        return parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    order = [OrderBy(F(f.lstrip("-")), descending=f.startswith("-"))
             for f in intentions.query.order_by] or [F("reference").asc()]
    return intentions.annotate(row=Window(RowNumber(), partition_by=F("current_stage"),
                                          order_by=order)).filter(row__lte=n)


def intention_get(*, actor, pk):
    """One intention with what its page needs; missing and forbidden are the same 404."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404("No such intention.") from None
    qs = intention_list(actor=actor).prefetch_related(
        Prefetch("gates", queryset=StageGate.objects.select_related(
            "from_stage", "to_stage", "opened_by").order_by("-opened_at", "-id")),
        "ticks",
    )
    intention = qs.filter(pk=pk).first()
    if intention is None:
        raise Http404("No such intention.")
    return intention


def live_gate(intention):
    """The open or approved gate, from the prefetched gates when there are any."""
    for gate in intention.gates.all():
        if gate.status in (GateStatus.OPEN, GateStatus.APPROVED):
            return gate
    return None


def gate_list(*, intention):
    """The intention's stage gates, newest first (the caller has read the intention)."""
    return list(StageGate.objects.filter(intention=intention).select_related(
        "from_stage", "to_stage", "opened_by").order_by("-opened_at", "-pk"))


def gate_sign_offs(gate):
    return list(SignOff.objects.filter(gate=gate).select_related("agency", "person", "referral"))


def gate_referrals(gate):
    return list(BoardReferral.objects.filter(gate=gate).select_related("board", "agency"))


def approvers_by_agency(agency_ids, amount=None) -> dict[int, list]:
    """Active approvers of each agency (with their limits), highest limit first."""
    rows = (Membership.objects.active().filter(agency_id__in=agency_ids, role=Role.APPROVER,
                                               user__is_active=True)
            .select_related("user").order_by("-delegated_limit", "user__last_name"))
    result: dict[int, list] = {}
    for membership in rows:
        if amount is None or membership.delegated_limit >= amount:
            result.setdefault(membership.agency_id, []).append(membership)
    return result


def covering_approvers(intention, agency) -> list:
    """The agency's active approvers whose limit covers the intention's value (people)."""
    return [m.user for m in approvers_by_agency(
        [agency.pk], intention.estimated_annual_value).get(agency.pk, [])]


OPEN_REFERRAL_STATUSES = (ReferralStatus.AWAITING, ReferralStatus.NO_BOARD)


def sign_off_status(intention, gate) -> list[dict]:
    """Per participating agency: decided (who, when, why), with a board, or still waiting
    (since when, and who may sign). Three queries whatever the number of agencies."""
    holders = current_holders(intention.local_area_id)
    agencies = participants(intention, holders)
    leads = {a.pk for a in lead_agencies(intention, holders)}
    sign_offs = {s.agency_id: s for s in gate_sign_offs(gate)} if gate else {}
    referrals = {}
    if gate:
        for referral in gate_referrals(gate):
            if referral.status != ReferralStatus.WITHDRAWN:
                referrals[referral.agency_id] = referral
    eligible = approvers_by_agency([a.pk for a in agencies], intention.estimated_annual_value)
    rows = []
    for agency in agencies:
        rows.append({
            "agency": agency,
            "is_lead": agency.pk in leads,
            "sign_off": sign_offs.get(agency.pk),
            "referral": referrals.get(agency.pk),
            "waiting_since": gate.opened_at if gate and agency.pk not in sign_offs else None,
            "approvers": [m.user for m in eligible.get(agency.pk, [])],
        })
    return rows


def timeline(intention, show_value=True) -> list[dict]:
    """What happened to the intention, newest first, from the simple-history audit
    (amounts of a sensitive value only when `show_value`)."""
    from .timeline import build

    return build(intention, show_value=show_value)


def approvals_inbox(*, actor, local_area=None):
    """Open gates waiting for a decision from an agency the actor approves for.

    Returns (gate, agency, within_limit) tuples; two queries plus the grants.
    """
    my_agencies = ap.agency_ids_for(actor, AgencyPerm.APPROVE)
    if not my_agencies:
        return []
    limits: dict[int, object] = {}
    for agency_id, limit in Membership.objects.active().filter(
            user=actor, role=Role.APPROVER, agency_id__in=my_agencies).values_list(
            "agency_id", "delegated_limit"):
        limits[agency_id] = max(limit, limits.get(agency_id, limit))
    holders = permissions_holders(actor)
    gates = (StageGate.objects.filter(status=GateStatus.OPEN,
                                      intention__status=IntentionStatus.ACTIVE)
             .filter(intention__in=Intention.objects.filter(involving(my_agencies, holders)))
             .filter(intention__in=visible_intentions(actor))
             .select_related("intention__lead_agency", "intention__current_stage",
                             "intention__owner", "from_stage", "to_stage")
             .prefetch_related("intention__joint_lead_agencies",
                               "intention__partner_agencies", "sign_offs",
                               Prefetch("referrals", queryset=BoardReferral.objects.filter(
                                   status__in=OPEN_REFERRAL_STATUSES)))
             .order_by("opened_at", "id"))
    if local_area is not None:
        gates = gates.filter(intention__local_area_id=getattr(local_area, "pk", local_area))
    items = []
    for gate in gates:
        intention = gate.intention
        decided = {s.agency_id for s in gate.sign_offs.all()}
        referred = {r.agency_id for r in gate.referrals.all()
                    if r.status == ReferralStatus.AWAITING}
        no_board = {r.agency_id: r for r in gate.referrals.all()
                    if r.status == ReferralStatus.NO_BOARD}
        for agency in participants(intention, holders):
            if agency.pk in my_agencies and agency.pk not in decided | referred:
                items.append({"gate": gate, "intention": intention, "agency": agency,
                              "within_limit": intention.estimated_annual_value
                              <= limits.get(agency.pk, 0),
                              # no board can take it (why, and who can fix it)
                              "no_board": no_board.get(agency.pk)})
    return items


def referrals_open(*, actor, local_area=None):
    """Referrals with a board or that no board can take (status no-board), visible to the
    actor, oldest first: the inbox's "Decisions referred to boards" (one query)."""
    qs = BoardReferral.objects.filter(status__in=OPEN_REFERRAL_STATUSES,
                                      gate__status=GateStatus.OPEN,
                                      gate__intention__in=visible_intentions(actor))
    if local_area is not None:
        qs = qs.filter(gate__intention__local_area_id=getattr(local_area, "pk", local_area))
    return qs.select_related("board", "agency", "gate__intention").order_by("referred_at", "pk")


def referrals_of(intention) -> list:
    """Every referral of the intention's gates, newest first, with board and agency."""
    return list(BoardReferral.objects.filter(gate__intention=intention).select_related(
        "board", "agency", "gate__from_stage", "gate__to_stage").order_by("-referred_at", "-pk"))


def referrals_awaiting(*, actor, board_ids=None):
    qs = BoardReferral.objects.filter(status=ReferralStatus.AWAITING,
                                      gate__intention__in=visible_intentions(actor))
    if board_ids is not None:
        qs = qs.filter(board_id__in=board_ids)
    return qs.select_related("board", "agency", "gate__intention", "gate__to_stage")


def stages_of(area):
    return list(Stage.objects.filter(local_area_id=getattr(area, "pk", area)).order_by("position"))


# --- strategies, action plans, disagreements -------------------------------------------
def strategy_list(*, actor, local_area=None):
    qs = Strategy.objects.filter(local_area_id__in=ap.area_ids_for(actor))
    if local_area is not None:
        qs = qs.filter(local_area_id=getattr(local_area, "pk", local_area))
    return qs.select_related("local_area").prefetch_related(
        Prefetch("priorities", queryset=Priority.objects.order_by("number")),
        Prefetch("principles", queryset=Principle.objects.order_by("position")),
        Prefetch("outcomes", queryset=StrategyOutcome.objects.order_by("position")),
    ).order_by("local_area__name", "-period", "title")


def strategy_get(*, actor, pk):
    strategy = strategy_list(actor=actor).filter(pk=pk).first()
    if strategy is None:
        raise Http404("No such strategy.")
    return strategy


def priority_intentions(*, actor, strategy):
    """Each priority of the strategy with the visible intentions answering it (3 queries)."""
    visible = visible_intentions(actor).select_related("current_stage", "lead_agency") \
        .prefetch_related(Prefetch("joint_lead_agencies", queryset=Agency.objects.order_by("name")))
    return strategy.priorities.prefetch_related(
        Prefetch("intentions", queryset=visible.order_by("reference"), to_attr="answering"),
    ).order_by("number")


def action_plan_list(*, actor, local_area=None):
    qs = ActionPlan.objects.filter(local_area_id__in=ap.area_ids_for(actor, AreaPerm.VIEW_INTERNAL))
    if local_area is not None:
        qs = qs.filter(local_area_id=getattr(local_area, "pk", local_area))
    return qs.select_related("strategy", "local_area").order_by("title")


def action_list(*, actor, local_area=None, plan=None, rag=None, agency=None):
    qs = Action.objects.filter(
        plan__local_area_id__in=ap.area_ids_for(actor, AreaPerm.VIEW_INTERNAL))
    if local_area is not None:
        qs = qs.filter(plan__local_area_id=getattr(local_area, "pk", local_area))
    if plan is not None:
        qs = qs.filter(plan_id=getattr(plan, "pk", plan))
    if rag:
        qs = qs.filter(rag=rag)
    if agency:
        qs = qs.filter(owner_agency_id=getattr(agency, "pk", agency))
    return qs.select_related("plan", "owner_agency", "priority").order_by("plan__title", "id")


def action_get(*, actor, pk):
    action = action_list(actor=actor).filter(pk=pk).first()
    if action is None:
        raise Http404("No such action.")
    return action


def disagreement_list(*, actor, local_area=None, status=None):
    qs = Disagreement.objects.filter(
        local_area_id__in=ap.area_ids_for(actor, AreaPerm.VIEW_INTERNAL))
    if local_area is not None:
        qs = qs.filter(local_area_id=getattr(local_area, "pk", local_area))
    if status:
        qs = qs.filter(status=status)
    return (qs.select_related("raised_by", "escalated_to", "intention")
            .prefetch_related(Prefetch("parties", queryset=Agency.objects.order_by("name")))
            .order_by("-raised_on", "-id"))


def disagreement_get(*, actor, pk):
    item = disagreement_list(actor=actor).filter(pk=pk).first()
    if item is None:
        raise Http404("No such disagreement.")
    return item


# --- what changed (portal.audit) --------------------------------------------------------
DISAGREEMENT_WATCH = audit.Watch(
    fields={"subject": "subject", "details": "details", "intention_id": "intention",
            "status": "status", "escalation_level": "escalation level",
            "escalated_to_id": "board it is escalated to", "resolution": "resolution"},
    m2m={"parties": "parties"})


STRATEGY_WATCH = audit.Watch(fields={
    "title": "title", "period": "period", "status": "status", "published_on": "publication date",
    "summary": "summary", "vision": "vision"})
STATEMENT_WATCH = audit.Watch(fields={"text": "wording"})


def strategy_changes(strategy) -> list[dict]:
    """Who changed the strategy's vision, words, principles and outcomes, newest first."""
    def statements(model, label):
        records = model.history.filter(strategy_id=strategy.pk).select_related(
            "history_user").order_by("history_date", "history_id")
        return audit.row_changes(model, records, STATEMENT_WATCH,
                                 lambda r: f"{label} {r.position} ({r.text[:60]})")

    return audit.newest_first(
        ((when, kind, who, what or "Recorded", detail)
         for when, kind, who, what, detail in audit.changes(strategy, STRATEGY_WATCH)),
        statements(Principle, "Principle"), statements(StrategyOutcome, "Outcome"))


def disagreement_changes(item) -> list[dict]:
    """Who changed what on the disagreement, newest first: parties added or removed,
    escalations, resolution."""
    return audit.newest_first(
        (when, kind, who, what or "Logged", detail)
        for when, kind, who, what, detail in audit.changes(item, DISAGREEMENT_WATCH))
