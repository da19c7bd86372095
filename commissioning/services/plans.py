"""Strategies (principles, priorities), action plans and actions, disagreements."""
from django.db import transaction
from django.utils import timezone

from portal import audit
from portal.errors import ApplicationError, ErrorCode

from .. import permissions
from ..models import (
    Action,
    ActionPlan,
    Disagreement,
    DisagreementStatus,
    Principle,
    Priority,
    Rag,
    Strategy,
    StrategyOutcome,
)
from ._common import require, save


# --- strategies ------------------------------------------------------------------------
@transaction.atomic
def strategy_create(*, actor, local_area, title, period, status="draft", published_on=None,
                    summary="", vision="", principles=(), outcomes=(),
                    priorities=()) -> Strategy:
    """A strategy with its vision, principles and the outcomes children, young people and
    families said they want (ordered texts), and numbered priorities (dicts with number,
    title, description, outcomes)."""
    if actor is not None:
        require(permissions.can_manage_strategy(actor, local_area))
    strategy = save(Strategy(local_area=local_area, title=title, period=period, status=status,
                             published_on=published_on, summary=summary,
                             vision=(vision or "").strip()), actor)
    _set_parts(strategy, actor, principles, priorities, outcomes)
    return strategy


@transaction.atomic
def strategy_update(*, actor, strategy, principles=None, outcomes=None, priorities=None,
                    **fields) -> Strategy:
    """Update fields; principles and outcomes replace the lists in order; priorities are
    matched by number (kept, updated, added, removed)."""
    strategy = Strategy.objects.select_for_update().get(pk=strategy.pk)
    if actor is not None:
        require(permissions.can_manage_strategy(actor, strategy.local_area_id))
    for key in ("title", "period", "status", "published_on", "summary", "vision"):
        if key in fields:
            setattr(strategy, key, fields[key].strip() if key == "vision" else fields[key])
    save(strategy, actor)
    _set_parts(strategy, actor, principles, priorities, outcomes)
    return strategy


def _ordered_texts(field, texts) -> list[str]:
    """An ordered list of statements: each text, without blanks."""
    if isinstance(texts, str) or not all(isinstance(t, str) for t in texts):
        raise ApplicationError(f"List the {field} as texts, in order.",
                               errors={field: [f"List the {field} as texts, in order."]})
    return [t.strip() for t in texts if t.strip()]


def _set_ordered(strategy, actor, model, related, field, texts):
    """Set the strategy's ordered statements in place by position, so the audit shows
    "Principle 3: Edited" rather than every row removed and added again."""
    texts = _ordered_texts(field, texts)
    existing = {row.position: row for row in getattr(strategy, related).all()}
    for position, text in enumerate(texts, 1):
        row = existing.pop(position, None) or model(strategy=strategy, position=position)
        if row.pk is None or row.text != text:
            row.text = text
            save(row, actor)
    for leftover in existing.values():
        leftover._history_user = actor
        leftover.delete()


def _set_parts(strategy, actor, principles, priorities, outcomes=None):
    if principles is not None:
        _set_ordered(strategy, actor, Principle, "principles", "principles", principles)
    if outcomes is not None:
        _set_ordered(strategy, actor, StrategyOutcome, "outcomes", "outcomes", outcomes)
    if priorities is None:
        return
    numbers = [p["number"] for p in priorities]
    if len(set(numbers)) != len(numbers):
        raise ApplicationError("Each priority needs a different number.",
                               errors={"priorities": ["Each priority needs a different number."]})
    existing = {p.number: p for p in strategy.priorities.all()}
    for spec in priorities:
        priority = existing.pop(spec["number"], None) or Priority(strategy=strategy,
                                                                  number=spec["number"])
        priority.title = spec.get("title", "")
        priority.description = spec.get("description", "")
        priority.outcomes = spec.get("outcomes", "")
        save(priority, actor)
    for leftover in existing.values():
        if leftover.intentions.exists():
            raise ApplicationError(f"Priority {leftover.number} is answered by intentions "
                                   "and cannot be removed.", code=ErrorCode.CONFLICT)
        leftover._history_user = actor
        leftover.delete()


# --- action plans ----------------------------------------------------------------------
@transaction.atomic
def action_plan_create(*, actor, local_area, title, period="", strategy=None) -> ActionPlan:
    if actor is not None:
        require(permissions.can_manage_actions(actor, local_area))
    if strategy is not None and strategy.local_area_id != local_area.pk:
        raise ApplicationError("Choose a strategy of this local area.",
                               errors={"strategy": ["Choose a strategy of this local area."]})
    return save(ActionPlan(local_area=local_area, title=title, period=period,
                           strategy=strategy), actor)


@transaction.atomic
def action_plan_update(*, actor, plan, **fields) -> ActionPlan:
    plan = ActionPlan.objects.select_for_update().get(pk=plan.pk)
    if actor is not None:
        require(permissions.can_manage_actions(actor, plan.local_area_id))
    for key in ("title", "period", "strategy"):
        if key in fields:
            setattr(plan, key, fields[key])
    return save(plan, actor)


def _check_action(plan, owner_agency, priority, rag):
    errors = {}
    if owner_agency is not None and owner_agency.local_area_id != plan.local_area_id:
        errors["owner_agency"] = ["Choose an agency of this local area."]
    if priority is not None and priority.strategy.local_area_id != plan.local_area_id:
        errors["priority"] = ["Choose a priority of this local area."]
    if rag is not None and rag not in Rag.values:
        errors["rag"] = ["Choose red, amber, green or complete."]
    if errors:
        raise ApplicationError(next(iter(errors.values()))[0], errors=errors)


@transaction.atomic
def action_create(*, actor, plan, number, title, owner_agency, due=None, rag=Rag.GREEN,
                  progress_note="", priority=None) -> Action:
    if actor is not None:
        require(permissions.can_manage_actions(actor, plan.local_area_id))
    _check_action(plan, owner_agency, priority, rag)
    if Action.objects.filter(plan=plan, number=number).exists():
        raise ApplicationError(f"Action {number} already exists in this plan.",
                               errors={"number": ["Choose a number not yet used."]})
    return save(Action(plan=plan, number=number, title=title, owner_agency=owner_agency,
                       due=due, rag=rag, progress_note=progress_note, priority=priority), actor)


@transaction.atomic
def action_update(*, actor, action, **fields) -> Action:
    action = Action.objects.select_for_update().select_related("plan").get(pk=action.pk)
    if actor is not None:
        require(permissions.can_change_action(actor, action))
    _check_action(action.plan, fields.get("owner_agency"), fields.get("priority"),
                  fields.get("rag"))
    for key in ("title", "owner_agency", "due", "rag", "progress_note", "priority"):
        if key in fields:
            setattr(action, key, fields[key])
    return save(action, actor)


# --- disagreements ---------------------------------------------------------------------
@transaction.atomic
def disagreement_create(*, actor, local_area, subject, parties, details="", intention=None,
                        raised_on=None, raised_by=None) -> Disagreement:
    if actor is not None:
        require(permissions.can_log_disagreement(actor, local_area))
    parties = list(parties)
    errors = {}
    if not subject.strip():
        errors["subject"] = ["Enter what the disagreement is about."]
    if len({p.pk for p in parties}) < 2:
        errors["parties"] = ["Choose at least two agencies."]
    elif any(p.local_area_id != local_area.pk for p in parties):
        errors["parties"] = ["Choose agencies of this local area."]
    if intention is not None and intention.local_area_id != local_area.pk:
        errors["intention"] = ["Choose an intention of this local area."]
    if errors:
        raise ApplicationError(next(iter(errors.values()))[0], errors=errors)
    item = Disagreement(local_area=local_area, subject=subject.strip(), details=details,
                        intention=intention, raised_by=raised_by or actor,
                        raised_on=raised_on or timezone.localdate())
    with audit.creating(item):  # the parties belong to the creation in the audit
        save(item, actor)
        item.parties.set(parties)
    return item


@transaction.atomic
def disagreement_escalate(*, actor, disagreement, board=None) -> Disagreement:
    """One level up: to the given board, else to the board above the one it is with (when
    that board reports to several, the caller chooses one)."""
    Disagreement.objects.select_for_update().filter(pk=disagreement.pk).values_list("pk").get()
    item = Disagreement.objects.select_related("escalated_to").get(pk=disagreement.pk)
    if actor is not None:
        require(permissions.can_log_disagreement(actor, item.local_area_id))
    if item.status == DisagreementStatus.RESOLVED:
        raise ApplicationError("A resolved disagreement is not escalated.",
                               code=ErrorCode.CONFLICT)
    above = list(item.escalated_to.reports_to.order_by("name")) if item.escalated_to else []
    target = board or (above[0] if len(above) == 1 else None)
    if target is None and len(above) > 1:
        message = (f"The {item.escalated_to.name} reports to "
                   f"{' and '.join(b.name for b in above)}: choose which board to escalate to.")
        raise ApplicationError(message, errors={"board": [message]})
    if target is None:
        raise ApplicationError("There is no board above this one to escalate to.",
                               code=ErrorCode.CONFLICT, errors={"board": ["Choose a board."]})
    if target.local_area_id != item.local_area_id:
        raise ApplicationError("Choose a board of this local area.",
                               errors={"board": ["Choose a board of this local area."]})
    item.escalated_to = target
    item.escalation_level += 1
    item.status = DisagreementStatus.ESCALATED
    return save(item, actor)


@transaction.atomic
def disagreement_resolve(*, actor, disagreement, resolution, resolved_on=None) -> Disagreement:
    item = Disagreement.objects.select_for_update().get(pk=disagreement.pk)
    if actor is not None:
        require(permissions.can_log_disagreement(actor, item.local_area_id))
    if not resolution.strip():
        raise ApplicationError("Say how it was resolved.",
                               errors={"resolution": ["Say how it was resolved."]})
    item.status = DisagreementStatus.RESOLVED
    item.resolution = resolution.strip()
    item.resolved_on = resolved_on or timezone.localdate()
    return save(item, actor)
