"""What to do next with an intention: the GOV.UK task list on its page, and the home panel
of intentions ready to submit or advance.

Every step's link is offered only when the permission and guard the service applies allow
it now (`commissioning.permissions`); otherwise the step says why not, as text.
"""
from django.db.models import Count, F, Prefetch
from django.urls import reverse

from portal.dates import long_date

from . import checklist as checklists
from . import permissions
from .models import GateStatus, IntentionStatus, StageGate
from .workflow import INTENTION_TRANSITIONS

COMPLETED, INCOMPLETE, IN_PROGRESS, CANNOT_START = (
    "completed", "incomplete", "in-progress", "cannot-start-yet")


def _step(name, status, *, href="", hint=""):
    return {"name": name, "status": status, "href": href, "hint": hint}


def _transition_step(user, intention, name, label):
    transition = INTENTION_TRANSITIONS[name]
    decision = permissions.can_transition(user, intention, transition)
    href = reverse("commissioning:intention-transition", args=[intention.pk, name]) \
        if decision else ""
    return _step(label, INCOMPLETE if decision else CANNOT_START, href=href,
                 hint="" if decision else decision.reason)


def task_list(user, intention, *, items, gate, next_stage, sign_offs=()) -> list[dict]:
    """The steps from where the intention is to its next stage (or to completion).

    `items`: the current stage's checklist (checklist.Item); `gate`: the live gate or None;
    `next_stage`: the stage after the current one, or None at the last stage;
    `sign_offs`: rows of selectors.sign_off_status for the live gate.
    """
    status = intention.status
    if status in (IntentionStatus.COMPLETED, IntentionStatus.WITHDRAWN):
        return []
    steps = []
    if status == IntentionStatus.DRAFT:
        steps.append(_transition_step(user, intention, "activate", "Make the intention active"))
    elif status == IntentionStatus.ON_HOLD:
        steps.append(_transition_step(user, intention, "resume", "Resume the intention"))
    else:
        steps.append(_step("Make the intention active", COMPLETED))
    active = status == IntentionStatus.ACTIVE
    done = sum(1 for i in items if i.done)
    stage = intention.current_stage
    can_edit = permissions.can_edit_intention(user, intention)
    if not items:
        steps.append(_step(f"Complete the {stage.name} checklist", COMPLETED,
                           hint="This stage has no checklist."))
    elif done == len(items):
        steps.append(_step(f"Complete the {stage.name} checklist", COMPLETED,
                           hint=f"All {len(items)} items done."))
    else:
        steps.append(_step(f"Complete the {stage.name} checklist",
                           IN_PROGRESS if done else INCOMPLETE,
                           href="#checklist",
                           hint=f"{done} of {len(items)} done."
                           + ("" if can_edit else f" {can_edit.reason}")))
    if next_stage is None:
        complete = _transition_step(user, intention, "complete", "Mark the intention completed")
        if not active:
            complete.update(status=CANNOT_START, href="")
        steps.append(complete)
        return steps
    submit = f"Submit for sign-off to move to {next_stage.name}"
    if gate is not None:
        steps.append(_step(submit, COMPLETED, hint=f"Submitted on {long_date(gate.opened_at)}."))
    else:
        decision = permissions.can_submit_gate(user, intention)
        if decision:
            decision = permissions.gate_submit_guard(
                intention, live_gate=None, next_stage=next_stage,
                unticked=[i.text for i in items if not i.done])
        steps.append(_step(submit, INCOMPLETE if decision else CANNOT_START,
                           href="#submit" if decision else "",
                           hint="" if decision else decision.reason))
    agencies = "Sign-off by every agency taking part"
    if gate is None:
        steps.append(_step(agencies, CANNOT_START, hint="Submit it for sign-off first."))
    elif gate.status == GateStatus.APPROVED:
        steps.append(_step(agencies, COMPLETED, hint="Every agency approved."))
    else:
        waiting = [r["agency"].display_name for r in sign_offs if not r["sign_off"]]
        steps.append(_step(agencies, IN_PROGRESS, href="#sign-off",
                           hint=f"Waiting for {', '.join(waiting)}." if waiting else ""))
    move = f"Move to {next_stage.name}"
    decision = permissions.advance_guard(gate)
    if decision:
        decision = permissions.can_advance_intention(user, intention)
    steps.append(_step(move, INCOMPLETE if decision else CANNOT_START,
                       href="#advance" if decision else "",
                       hint="" if decision else decision.reason))
    return steps


def _could_be_ready(intentions, stages):
    """A necessary condition for "ready", in SQL (issue 15: the home page read and checked
    every active intention of the area): no open gate, and either an approved gate, or a
    following stage and at least as many ticks on the current stage as its checklist has
    manual items. The exact checks then run in Python on the few that pass."""
    from django.db.models import Case, Exists, IntegerField, OuterRef, Q, Subquery, Value, When
    from django.db.models.functions import Coalesce

    from .models import ChecklistTick

    manual = {s.pk: [t for t in (s.checklist or []) if not checklists.is_automatic(t)]
              for s in stages}
    items = sorted({t for texts in manual.values() for t in texts})
    gates = StageGate.objects.filter(intention=OuterRef("pk"))
    ticked = (ChecklistTick.objects.filter(intention=OuterRef("pk"),
                                           stage=OuterRef("current_stage"), item__in=items)
              .order_by().values("intention").annotate(n=Count("id")).values("n"))
    needed = Case(*[When(current_stage_id=pk, then=Value(len(texts)))
                    for pk, texts in manual.items()], default=Value(0),
                  output_field=IntegerField())
    last = stages[-1].pk if stages else None
    return (intentions
            .annotate(ticked=Coalesce(Subquery(ticked, output_field=IntegerField()), 0),
                      needed=needed)
            .filter(~Exists(gates.filter(status=GateStatus.OPEN)))
            .filter(Q(Exists(gates.filter(status=GateStatus.APPROVED)))
                    | (~Q(current_stage_id=last) & Q(ticked__gte=F("needed")))))


def ready_for_next_step(user, area, *, limit=None) -> list[dict]:
    """Active intentions the person may move on: ready to submit for sign-off (checklist
    complete, no gate waiting) or to advance (every agency approved). The candidates are
    narrowed in SQL (`_could_be_ready`) and checked a chunk at a time until `limit` are
    found: a constant number of queries per chunk (the intentions with their gates, the
    checklist facts), and usually one chunk."""
    from agencies import permissions as ap
    from agencies.roles import AgencyPerm

    from . import selectors

    commissions = ap.agency_ids_for(user, AgencyPerm.COMMISSION)
    if not commissions and not user.is_superuser and \
            not ap.can_administer_area(user, area):
        return []
    stages = selectors.stages_of(area)
    following = {s.pk: (stages[n + 1] if n + 1 < len(stages) else None)
                 for n, s in enumerate(stages)}
    # Only what the checks read: the participants (permission), gates and ticks; not the
    # list's priorities (issue 15: the home page's largest panel).
    queryset = _could_be_ready(selectors.intention_list(actor=user, local_area=area).filter(
        status=IntentionStatus.ACTIVE), stages).prefetch_related(None).prefetch_related(
        "joint_lead_agencies", "partner_agencies",
        Prefetch("gates", queryset=StageGate.objects.select_related("to_stage")),
        "ticks").order_by("reference")
    chunk = max(4 * limit, 20) if limit else None
    ready, start = [], 0
    while True:
        batch = list(queryset[start:start + chunk] if chunk else queryset)
        candidates = [i for i in batch if permissions.can_submit_gate(user, i)]
        lists = checklists.checklists(candidates)
        for intention in candidates:
            gate = selectors.live_gate(intention)
            next_stage = following.get(intention.current_stage_id)
            href = reverse("commissioning:intention-detail", args=[intention.pk])
            if gate is not None and gate.status == GateStatus.APPROVED:
                ready.append({"intention": intention, "href": href + "#advance",
                              "step": f"Every agency approved: move it to {gate.to_stage.name}"})
            elif gate is None and next_stage is not None and all(
                    i.done for i in lists[intention.pk]):
                ready.append({"intention": intention, "href": href + "#submit",
                              "step": f"Ready to submit for sign-off to move to "
                                      f"{next_stage.name}"})
            if limit is not None and len(ready) >= limit:
                return ready
        if not chunk or len(batch) < chunk:
            return ready
        start += chunk
