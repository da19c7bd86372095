"""Intentions: create, edit, status transitions (workflow.py), checklist ticks, notes."""
import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from agencies.models import Agency, LocalArea, Stage
from portal import audit
from portal.errors import ApplicationError, ErrorCode
from portal.money import to_money

from .. import permissions
from ..checklist import is_automatic
from ..models import (
    BoardReferral,
    ChecklistTick,
    GateStatus,
    Intention,
    IntentionNote,
    IntentionStatus,
    Level,
    Priority,
    ReferralStatus,
)
from ..workflow import INTENTION_TRANSITIONS, LIVE_GATE_STATUSES
from ._common import require, save

EDITABLE = ("title", "summary", "thematic_area", "level", "lead_agency", "joint_lead_agencies",
            "partner_agencies", "priorities", "estimated_annual_value", "value_is_sensitive",
            "starts", "ends", "owner", "published_for_consultation")


M2M = ("joint_lead_agencies", "partner_agencies", "priorities")


def lock(intention) -> Intention:
    """The intention's row, locked for this transaction: every gate write takes it first,
    so concurrent sign-offs and advances on one intention happen one after another."""
    # Lock the bare row, then read it with its relations: a locking query with joins is
    # re-checked by PostgreSQL against the joined rows after a concurrent update (here the
    # new stage), which would wrongly find nothing.
    Intention.objects.select_for_update().filter(pk=intention.pk).values_list("pk").get()
    return Intention.objects.select_related(
        "local_area", "lead_agency", "current_stage", "owner").get(pk=intention.pk)


def _clean(area, fields, *, named=frozenset(), history=False) -> dict:
    """Check cross-field rules; returns the cleaned values or raises with every error.

    `named`: agencies the intention names already, kept although replaced since; any other
    agency must be active (a replaced one is not chosen for new work) unless `history`
    (set-up and import, actor None, recording work done before the succession)."""
    errors: dict[str, list[str]] = {}
    for key in () if history else ("lead_agency", "joint_lead_agencies", "partner_agencies"):
        value = fields.get(key)
        chosen = [value] if isinstance(value, Agency) else list(value or [])
        retired = [a for a in chosen if not a.active and a.pk not in named]
        if retired:
            errors[key] = [f"{retired[0]} is no longer active: choose the agency that "
                           "replaced it."]
    cleaned = dict(fields)
    if "title" in fields and not (fields["title"] or "").strip():
        errors["title"] = ["Enter a title."]
    if "level" in fields and fields["level"] not in Level.values:
        errors["level"] = ["Choose strategic, operational or individual."]
    if "estimated_annual_value" in fields:
        try:
            value = to_money(fields["estimated_annual_value"] if fields["estimated_annual_value"]
                             not in (None, "") else "0")
            if value < 0:
                errors["estimated_annual_value"] = ["The value must not be negative."]
            elif value >= Decimal("1e12"):
                errors["estimated_annual_value"] = ["The value is too large."]
            cleaned["estimated_annual_value"] = value
        except (ValueError, TypeError):
            errors["estimated_annual_value"] = ["Enter an amount in pounds, like 125000.00."]
    lead = fields.get("lead_agency")
    if lead is not None and lead.local_area_id != area.pk:
        errors["lead_agency"] = ["Choose an agency of this local area."]
    joint = list(fields.get("joint_lead_agencies") or [])
    if any(a.local_area_id != area.pk for a in joint):
        errors["joint_lead_agencies"] = ["Choose agencies of this local area."]
    joint = [a for a in joint if lead is None or a.pk != lead.pk]  # the lead leads already
    partners = list(fields.get("partner_agencies") or [])
    if any(a.local_area_id != area.pk for a in partners):
        errors["partner_agencies"] = ["Choose agencies of this local area."]
    if lead is not None and any(a.pk == lead.pk for a in partners):
        errors["partner_agencies"] = ["The lead agency is not also a partner."]
    elif {a.pk for a in joint} & {a.pk for a in partners}:
        errors["partner_agencies"] = ["An agency leading it jointly is not also a partner."]
    cleaned["joint_lead_agencies"] = joint
    cleaned["partner_agencies"] = partners
    priorities = list(fields.get("priorities") or [])
    if any(p.strategy.local_area_id != area.pk for p in priorities):
        errors["priorities"] = ["Choose priorities of this local area's strategies."]
    cleaned["priorities"] = priorities
    starts, ends = fields.get("starts"), fields.get("ends")
    if isinstance(starts, datetime.date) and isinstance(ends, datetime.date) and ends < starts:
        errors["ends"] = ["The end date must be on or after the start date."]
    if errors:
        raise ApplicationError(next(iter(errors.values()))[0], errors=errors)
    return cleaned


def next_reference(area: LocalArea, year: int) -> str:
    """`WOR-2025-014`: the next number for the area and year (the area row is locked)."""
    LocalArea.objects.select_for_update().filter(pk=area.pk).first()
    prefix = f"{area.reference_prefix}-{year}-"
    numbers = [int(ref.rsplit("-", 1)[1]) for ref in Intention.objects.filter(
        local_area=area, reference__startswith=prefix).values_list("reference", flat=True)
        if ref.rsplit("-", 1)[1].isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1:03d}"


@transaction.atomic
def intention_create(*, actor, local_area, title, lead_agency, owner=None, summary="",
                     thematic_area="", level=Level.STRATEGIC, partner_agencies=(),
                     joint_lead_agencies=(),
                     priorities=(), estimated_annual_value=Decimal("0"),
                     value_is_sensitive=False, starts=None, ends=None,
                     published_for_consultation=False, status=IntentionStatus.DRAFT,
                     current_stage=None, reference=None) -> Intention:
    """A new intention at the area's first stage (or `current_stage` when importing work
    already under way); the reference is generated unless given."""
    if actor is not None:
        require(permissions.can_create_intention(actor, lead_agency))
    fields = _clean(local_area, {
        "title": title, "lead_agency": lead_agency, "partner_agencies": partner_agencies,
        "joint_lead_agencies": joint_lead_agencies,
        "priorities": priorities, "estimated_annual_value": estimated_annual_value,
        "level": level, "starts": starts, "ends": ends}, history=actor is None)
    owner = owner or actor
    if owner is None:
        raise ApplicationError("Name the intention's owner.",
                               errors={"owner": ["Choose an owner."]})
    stage = current_stage or Stage.objects.filter(local_area=local_area).order_by(
        "position").first()
    if stage is None or stage.local_area_id != local_area.pk:
        raise ApplicationError("The local area has no commissioning stages set up.",
                               errors={"current_stage": ["Choose a stage of this area."]})
    today = timezone.localdate()
    intention = Intention(
        local_area=local_area, reference=reference or next_reference(local_area, today.year),
        title=title.strip(), summary=summary, thematic_area=thematic_area, level=level,
        lead_agency=lead_agency, estimated_annual_value=fields["estimated_annual_value"],
        value_is_sensitive=value_is_sensitive, current_stage=stage, status=status,
        starts=starts, ends=ends, owner=owner,
        published_for_consultation=published_for_consultation)
    if Intention.objects.filter(local_area=local_area, reference=intention.reference).exists():
        raise ApplicationError("That reference is already used in this area.",
                               errors={"reference": ["Choose a reference not yet used."]})
    with audit.creating(intention):  # leads, partners and priorities belong to the creation
        save(intention, actor)
        intention.joint_lead_agencies.set(fields["joint_lead_agencies"])
        intention.partner_agencies.set(fields["partner_agencies"])
        intention.priorities.set(fields["priorities"])
    return intention


@transaction.atomic
def intention_update(*, actor, intention, **changes) -> Intention:
    intention = lock(intention)
    if actor is not None:
        require(permissions.can_edit_intention(actor, intention))
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ApplicationError("These fields cannot be changed here: "
                               f"{', '.join(sorted(unknown))}.",
                               errors={k: ["This field cannot be changed."] for k in unknown})
    current = {"title": intention.title, "lead_agency": intention.lead_agency,
               "joint_lead_agencies": list(intention.joint_lead_agencies.all()),
               "partner_agencies": list(intention.partner_agencies.all()),
               "priorities": list(intention.priorities.select_related("strategy")),
               "estimated_annual_value": intention.estimated_annual_value,
               "level": intention.level, "starts": intention.starts, "ends": intention.ends}
    named = {current["lead_agency"].pk} | {
        a.pk for a in current["joint_lead_agencies"] + current["partner_agencies"]}
    fields = _clean(intention.local_area, {**current, **changes}, named=named,
                    history=actor is None)
    for key in EDITABLE:
        if key in changes and key not in M2M:
            setattr(intention, key, fields.get(key, changes[key]))
    if {"lead_agency", "joint_lead_agencies", "partner_agencies"} & set(changes):
        _require_no_live_gate_for_participant_change(intention, fields)
    save(intention, actor)
    if "joint_lead_agencies" in changes or "lead_agency" in changes:
        # a joint lead chosen as the lead leads once (cleaned out of the joint leads)
        intention.joint_lead_agencies.set(fields["joint_lead_agencies"])
    if "partner_agencies" in changes:
        intention.partner_agencies.set(fields["partner_agencies"])
    if "priorities" in changes:
        intention.priorities.set(fields["priorities"])
    return intention


def _require_no_live_gate_for_participant_change(intention, fields):
    """Who signs a gate is fixed while it waits: no lead or partner changes then."""
    before = Intention.objects.get(pk=intention.pk)
    was = ({before.lead_agency_id}, set(before.joint_lead_agencies.values_list("pk", flat=True)),
           set(before.partner_agencies.values_list("pk", flat=True)))
    now = ({fields["lead_agency"].pk}, {a.pk for a in fields["joint_lead_agencies"]},
           {a.pk for a in fields["partner_agencies"]})
    if was != now and intention.gates.filter(status__in=LIVE_GATE_STATUSES).exists():
        field = next(name for name, a, b in zip(
            ("lead_agency", "joint_lead_agencies", "partner_agencies"), was, now, strict=True)
            if a != b)
        raise ApplicationError(
            "The lead and partner agencies cannot change while a stage gate is waiting for "
            "sign-off.", code=ErrorCode.CONFLICT,
            errors={field: ["Wait until the stage gate is decided."]})


@transaction.atomic
def intention_transition(*, actor, intention, name, reason="") -> Intention:
    """Apply one of workflow.INTENTION_TRANSITIONS (the only way a status changes)."""
    transition = INTENTION_TRANSITIONS.get(name)
    if transition is None:
        raise ApplicationError(f"Unknown action {name!r}.", errors={"action": ["Unknown action."]})
    intention = lock(intention)
    if actor is not None:
        require(getattr(permissions, transition.permission)(actor, intention))
    # The same guard the intention's page asks before offering the transition.
    require(permissions.transition_guard(transition, intention), ErrorCode.CONFLICT)
    if transition.needs_reason and not reason.strip():
        raise ApplicationError("Give a reason.", errors={"reason": ["Give a reason."]})
    now = timezone.now()
    if transition.closes_live_gate:
        for gate in intention.gates.select_for_update().filter(status__in=LIVE_GATE_STATUSES):
            gate.status, gate.closed_at = GateStatus.WITHDRAWN, now
            save(gate, actor)
        for referral in BoardReferral.objects.select_for_update().filter(
                gate__intention=intention,
                status__in=[ReferralStatus.AWAITING, ReferralStatus.NO_BOARD]):
            referral.status = ReferralStatus.WITHDRAWN
            save(referral, actor)
    intention.status = transition.target
    save(intention, actor)
    if reason.strip():
        _note(intention, actor, f"{transition.label}: {reason.strip()}", now)
    return intention


@transaction.atomic
def checklist_tick(*, actor, intention, item, done=True) -> Intention:
    """Mark an item of the current stage's checklist done (or not done)."""
    intention = lock(intention)
    if actor is not None:
        require(permissions.can_edit_intention(actor, intention))
    stage = intention.current_stage
    if item not in (stage.checklist or []):
        raise ApplicationError(f"“{item}” is not on the {stage.name} checklist.",
                               errors={"item": ["Choose an item of the checklist."]})
    if actor is not None and is_automatic(item):
        # The portal ticks it from the data (commissioning/checklist.py); only set-up and
        # import (actor None) record one done before the intention came into the portal.
        raise ApplicationError(f"“{item}” is checked by the portal from the data, not by hand.",
                               errors={"item": ["The portal checks this item itself."]})
    existing = ChecklistTick.objects.filter(intention=intention, stage=stage, item=item).first()
    if done and existing is None:
        save(ChecklistTick(intention=intention, stage=stage, item=item,
                           done_by=actor or intention.owner, done_at=timezone.now()), actor)
    elif not done and existing is not None:
        existing._history_user = actor
        existing.delete()
    return intention


@transaction.atomic
def intention_note_add(*, actor, intention, text) -> IntentionNote:
    if actor is not None:
        require(permissions.can_change_intention(actor, intention))
    if not text.strip():
        raise ApplicationError("Enter a comment.", errors={"text": ["Enter a comment."]})
    return _note(intention, actor, text.strip(), timezone.now())


def _note(intention, actor, text, when):
    return save(IntentionNote(intention=intention, author=actor or intention.owner, text=text,
                              created_at=when), actor)


def agencies_of(area, ids) -> list[Agency]:
    return list(Agency.objects.filter(local_area=area, pk__in=ids))


def priorities_of(area, ids) -> list[Priority]:
    return list(Priority.objects.filter(strategy__local_area=area, pk__in=ids)
                .select_related("strategy"))
