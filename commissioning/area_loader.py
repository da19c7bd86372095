"""Sections `strategy`, `intentions`, `action_plan` and `disagreements` of an area file.

Loaded through the cycle's services, updating by natural keys (strategy by title,
intentions by reference, actions by number, disagreements by subject), so loading twice
changes nothing. An intention's `gate` (the sign-off under way at its current stage) is
set up only when the intention is first created: sign-offs are history, not settings.
Boards a referral needs are created by name when the governance section has not run yet
(it loads later and updates them in place).
"""
import datetime
from decimal import Decimal, InvalidOperation

from agencies.models import Stage
from governance.models import Board
from portal.area_files import ANY, FLAG

from . import services
from .checklist import is_automatic
from .models import (
    Action,
    ActionPlan,
    Disagreement,
    Intention,
    IntentionStatus,
    Level,
    Rag,
    SignOff,
    Strategy,
)

ORDER = 20
# Every key an area file may use in these sections (anything else is refused).
KEYS = {
    "strategy": {"title": ANY, "period": ANY, "status": ANY, "published_on": ANY,
                 "summary": ANY, "vision": ANY, "principles": ANY, "outcomes": ANY,
                 "priorities": [{"number": ANY, "title": ANY, "description": ANY,
                                 "outcomes": ANY}]},
    "intentions": [{"reference": ANY, "title": ANY, "summary": ANY, "thematic_area": ANY,
                    "level": ANY, "status": ANY, "status_reason": ANY, "lead": ANY,
                    "joint_leads": ANY, "partners": ANY, "priorities": ANY, "stage": ANY,
                    "owner": ANY, "value": ANY, "sensitive": FLAG, "starts": ANY, "ends": ANY,
                    "published": FLAG, "notes": ANY,
                    "gate": {"note": ANY, "advance": FLAG,
                             "sign_offs": [{"agency": ANY, "person": ANY, "decision": ANY,
                                            "reason": ANY}]}}],
    "action_plan": {"title": ANY, "period": ANY,
                    "actions": [{"number": ANY, "title": ANY, "owner": ANY, "due": ANY,
                                 "rag": ANY, "progress": ANY, "priority": ANY}]},
    "disagreements": [{"subject": ANY, "details": ANY, "parties": ANY, "intention": ANY,
                       "raised_on": ANY, "raised_by": ANY, "escalations": ANY,
                       "resolution": ANY, "resolved_on": ANY}],
}


# --- validation ------------------------------------------------------------------------
def _known(data):
    agencies = {a.get("key") for a in data.get("agencies", []) if isinstance(a, dict)}
    people = {p.get("username") for p in data.get("people", []) if isinstance(p, dict)}
    slug = (data.get("area") or {}).get("slug", "")
    people |= {f"{slug}.{role}" for role in (data.get("demo_roles") or {})}
    stages = [s.get("name") for s in (data.get("area") or {}).get("stages", [])
              if isinstance(s, dict)]
    return agencies, people, stages


def _money(check, value, path):
    try:
        if Decimal(str(value)) < 0:
            check.error(path, "must not be negative")
    except InvalidOperation:
        check.error(path, f"{value!r} is not an amount of money")


def _date(check, value, path):
    if value is not None and not isinstance(value, datetime.date):
        check.error(path, "must be a date like 2025-04-01")


def validate(data, check):
    agencies, people, stages = _known(data)
    strategy = data.get("strategy")
    numbers = set()
    if strategy is not None:
        if not isinstance(strategy, dict):
            check.error("strategy", "must be a mapping")
            strategy = {}
        check.require(strategy, "title", "strategy")
        check.require(strategy, "period", "strategy", kind=(str, int))
        if not isinstance(strategy.get("vision", ""), str):
            check.error("strategy.vision", "must be text")
        for key in ("principles", "outcomes"):
            for path, text in check.items(strategy, key, "strategy"):
                if not isinstance(text, str) or not text.strip():
                    check.error(path, "must be text (quote it if it has a colon)")
        for path, priority in check.items(strategy, "priorities", "strategy"):
            numbers.add(check.require(priority, "number", path, kind=int))
            check.require(priority, "title", path)
        check.unique([p.get("number") for p in strategy.get("priorities", [])
                      if isinstance(p, dict)], "strategy.priorities", "priority number")
    refs = []
    for path, spec in check.items(data, "intentions"):
        refs.append(check.require(spec, "reference", path))
        check.require(spec, "title", path)
        check.one_of(spec.get("level", Level.STRATEGIC), set(Level.values), f"{path}.level")
        check.one_of(spec.get("status", IntentionStatus.ACTIVE), set(IntentionStatus.values),
                     f"{path}.status")
        lead = check.require(spec, "lead", path)
        check.one_of(lead, agencies, f"{path}.lead")
        joint = [key for _, key in check.items(spec, "joint_leads", path)]
        for i, key in enumerate(joint):
            check.one_of(key, agencies, f"{path}.joint_leads[{i}]")
            if key == lead:
                check.error(f"{path}.joint_leads[{i}]", "is the lead already")
            elif key in spec.get("partners", []):
                check.error(f"{path}.joint_leads[{i}]", "is a partner too: name it once")
        check.unique(joint, f"{path}.joint_leads", "agency")
        for i, key in enumerate(spec.get("partners", [])):
            check.one_of(key, agencies, f"{path}.partners[{i}]")
        for i, number in enumerate(spec.get("priorities", [])):
            check.one_of(number, numbers, f"{path}.priorities[{i}]")
        check.one_of(spec.get("stage", stages[0] if stages else None), set(stages),
                     f"{path}.stage")
        check.one_of(check.require(spec, "owner", path), people, f"{path}.owner")
        _money(check, spec.get("value", 0), f"{path}.value")
        _date(check, spec.get("starts"), f"{path}.starts")
        _date(check, spec.get("ends"), f"{path}.ends")
        for i, note in enumerate(spec.get("notes", [])):
            if not isinstance(note, str):
                check.error(f"{path}.notes[{i}]", "must be text (quote it if it has a colon)")
        gate = spec.get("gate")
        if gate is not None:
            for gpath, sign in check.items(gate, "sign_offs", f"{path}.gate"):
                check.one_of(check.require(sign, "agency", gpath), agencies, f"{gpath}.agency")
                check.one_of(check.require(sign, "person", gpath), people, f"{gpath}.person")
                check.one_of(check.require(sign, "decision", gpath), {"approve", "reject"},
                             f"{gpath}.decision")
    check.unique(refs, "intentions", "reference")
    plan = data.get("action_plan")
    if plan is not None:
        check.require(plan, "title", "action_plan")
        for path, action in check.items(plan, "actions", "action_plan"):
            check.require(action, "number", path, kind=(str, int, float))
            check.require(action, "title", path)
            check.one_of(check.require(action, "owner", path), agencies, f"{path}.owner")
            check.one_of(action.get("rag", Rag.GREEN), set(Rag.values), f"{path}.rag")
            _date(check, action.get("due"), f"{path}.due")
    board_names = {b.get("name") for b in data.get("boards", []) if isinstance(b, dict)}
    for path, spec in check.items(data, "disagreements"):
        check.require(spec, "subject", path)
        for i, key in enumerate(spec.get("parties", [])):
            check.one_of(key, agencies, f"{path}.parties[{i}]")
        check.one_of(check.require(spec, "raised_by", path), people, f"{path}.raised_by")
        for i, name in enumerate(spec.get("escalations", [])):
            if board_names and name not in board_names:
                check.error(f"{path}.escalations[{i}]", f"unknown board {name!r}")
        if spec.get("intention") is not None and spec["intention"] not in refs:
            check.error(f"{path}.intention", f"unknown intention {spec['intention']!r}")


# --- loading ---------------------------------------------------------------------------
def load(data, ctx):
    area = ctx["area"]
    _boards(area, data)
    priorities = _strategy(area, data.get("strategy"), ctx)
    stages = {s.name: s for s in Stage.objects.filter(local_area=area)}
    ctx["intentions"] = {}
    for spec in data.get("intentions", []):
        ctx["intentions"][spec["reference"]] = _intention(area, spec, ctx, priorities, stages)
    if data.get("action_plan"):
        _action_plan(area, data["action_plan"], ctx, priorities)
    for spec in data.get("disagreements", []):
        _disagreement(area, spec, ctx)


def _boards(area, data):
    """Boards named in the file, so referrals find their board before governance loads."""
    for spec in data.get("boards", []):
        Board.objects.get_or_create(local_area=area, name=spec["name"], defaults={
            "short_name": spec.get("short_name", ""),
            "delegated_limit": Decimal(str(spec.get("delegated_limit", 0)))})


def _strategy(area, spec, ctx):
    if not spec:
        return {}
    fields = {"period": str(spec["period"]), "status": spec.get("status", "published"),
              "published_on": spec.get("published_on"), "summary": spec.get("summary", ""),
              "vision": spec.get("vision", "").strip(),
              "principles": [p.strip() for p in spec.get("principles", [])],
              "outcomes": [o.strip() for o in spec.get("outcomes", [])],
              "priorities": [{"number": p["number"], "title": p["title"],
                              "description": p.get("description", ""),
                              "outcomes": p.get("outcomes", "")}
                             for p in spec.get("priorities", [])]}
    strategy = Strategy.objects.filter(local_area=area, title=spec["title"]).first()
    if strategy is None:
        strategy = services.strategy_create(actor=None, local_area=area, title=spec["title"],
                                            **fields)
    elif _strategy_changed(strategy, fields):
        strategy = services.strategy_update(actor=None, strategy=strategy, **fields)
    ctx["strategy"] = strategy
    return {p.number: p for p in strategy.priorities.all()}


def _intention(area, spec, ctx, priorities, stages):
    agencies, people = ctx["agencies"], ctx["people"]
    fields = {
        "title": spec["title"], "summary": spec.get("summary", ""),
        "thematic_area": spec.get("thematic_area", ""), "level": spec.get("level", "strategic"),
        "lead_agency": agencies[spec["lead"]],
        "joint_lead_agencies": [agencies[k] for k in spec.get("joint_leads", [])],
        "partner_agencies": [agencies[k] for k in spec.get("partners", [])],
        "priorities": [priorities[n] for n in spec.get("priorities", [])],
        "estimated_annual_value": Decimal(str(spec.get("value", 0))),
        "value_is_sensitive": bool(spec.get("sensitive", False)),
        "starts": spec.get("starts"), "ends": spec.get("ends"),
        "owner": people[spec["owner"]],
        "published_for_consultation": bool(spec.get("published", False)),
    }
    status = spec.get("status", IntentionStatus.ACTIVE)
    intention = Intention.objects.filter(local_area=area, reference=spec["reference"]).first()
    if intention is not None:
        if intention.status != status or intention.partner_agencies.count() != len(
                fields["partner_agencies"]):
            return intention  # its workflow has moved on since: leave it to the workflow
        # who takes part is set when it is created; the gates' workflow owns it since
        fields.pop("partner_agencies")
        fields.pop("joint_lead_agencies")
        changes = _changes(intention, fields)
        if changes:
            services.intention_update(actor=None, intention=intention, **changes)
        return intention
    stage = stages[spec.get("stage")] if spec.get("stage") else None
    gate = spec.get("gate")
    intention = services.intention_create(
        actor=None, local_area=area, reference=spec["reference"], current_stage=stage,
        status=IntentionStatus.ACTIVE if gate is not None else status, **fields)
    for note in spec.get("notes", []):
        services.intention_note_add(actor=fields["owner"], intention=intention, text=note)
    if gate is not None:
        _gate(intention, gate, ctx)
        if status != IntentionStatus.ACTIVE:
            services.intention_transition(actor=None, intention=intention,
                                          name=_transition(status),
                                          reason=spec.get("status_reason", "Demo data."))
    return intention


def _changes(obj, fields) -> dict:
    """The fields whose values differ from the object's (many-to-many compared as sets)."""
    changed = {}
    for key, value in fields.items():
        current = getattr(obj, key)
        if hasattr(current, "all"):
            if {o.pk for o in current.all()} != {o.pk for o in value}:
                changed[key] = value
        elif current != value:
            changed[key] = value
    return changed


def _strategy_changed(strategy, fields) -> bool:
    scalars = {k: fields[k] for k in ("period", "status", "published_on", "summary", "vision")}
    principles = list(strategy.principles.order_by("position").values_list("text", flat=True))
    outcomes = list(strategy.outcomes.order_by("position").values_list("text", flat=True))
    priorities = [{"number": p.number, "title": p.title, "description": p.description,
                   "outcomes": p.outcomes} for p in strategy.priorities.order_by("number")]
    return bool(_changes(strategy, scalars)) or principles != fields["principles"] or \
        outcomes != fields["outcomes"] or \
        priorities != sorted(fields["priorities"], key=lambda p: p["number"])


def _transition(status):
    return {IntentionStatus.ON_HOLD: "hold", IntentionStatus.WITHDRAWN: "withdraw"}[status]


def _gate(intention, spec, ctx):
    """Submit the current stage's gate, then record the sign-offs given so far."""
    owner = intention.owner
    for item in intention.current_stage.checklist or []:
        # Items the portal checks from the data are recorded as done before the portal
        # (actor None): the area file says the gate was submitted, so they were.
        services.checklist_tick(actor=None if is_automatic(item) else owner,
                                intention=intention, item=item)
    services.gate_submit(actor=owner, intention=intention, note=spec.get("note", ""))
    for sign in spec.get("sign_offs", []):
        agency = ctx["agencies"][sign["agency"]]
        if SignOff.objects.filter(gate__intention=intention, agency=agency).exists():
            continue
        services.intention_sign_off(actor=ctx["people"][sign["person"]], intention=intention,
                                    agency=agency, decision=sign["decision"],
                                    reason=sign.get("reason", ""))
    if spec.get("advance"):
        services.intention_advance(actor=owner, intention=intention)


def _action_plan(area, spec, ctx, priorities):
    plan = ActionPlan.objects.filter(local_area=area, title=spec["title"]).first()
    fields = {"period": str(spec.get("period", "")), "strategy": ctx.get("strategy")}
    if plan is None:
        plan = services.action_plan_create(actor=None, local_area=area, title=spec["title"],
                                           **fields)
    elif _changes(plan, fields):
        services.action_plan_update(actor=None, plan=plan, **fields)
    for item in spec.get("actions", []):
        number = str(item["number"])
        fields = {"title": item["title"], "owner_agency": ctx["agencies"][item["owner"]],
                  "due": item.get("due"), "rag": item.get("rag", Rag.GREEN),
                  "progress_note": item.get("progress", ""),
                  "priority": priorities.get(item.get("priority"))}
        action = Action.objects.filter(plan=plan, number=number).first()
        if action is None:
            services.action_create(actor=None, plan=plan, number=number, **fields)
        elif _changes(action, fields):
            services.action_update(actor=None, action=action, **_changes(action, fields))


def _disagreement(area, spec, ctx):
    if Disagreement.objects.filter(local_area=area, subject=spec["subject"]).exists():
        return
    intention = ctx["intentions"].get(spec.get("intention"))
    item = services.disagreement_create(
        actor=None, local_area=area, subject=spec["subject"], details=spec.get("details", ""),
        parties=[ctx["agencies"][k] for k in spec.get("parties", [])], intention=intention,
        raised_on=spec.get("raised_on"), raised_by=ctx["people"][spec["raised_by"]])
    for name in spec.get("escalations", []):
        board = Board.objects.get(local_area=area, name=name)
        item = services.disagreement_escalate(actor=None, disagreement=item, board=board)
    if spec.get("resolution"):
        services.disagreement_resolve(actor=None, disagreement=item,
                                      resolution=spec["resolution"],
                                      resolved_on=spec.get("resolved_on"))
