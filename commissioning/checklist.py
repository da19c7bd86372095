"""A stage's checklist as the portal sees it: items people tick, and items the data ticks.

Some items state a fact the portal holds, so nobody ticks them by hand:

- "Needs evidence linked…": done when a needs finding is linked to one of the intention's
  strategy priorities (needs.Finding.priorities);
- "Co-produc…" ("Co-production with parent carers", "Co-produced with … Parent Carer
  Voice"): done when a consultation on the intention has closed.

The page, the home panel and the stage-gate service (`services.gates.gate_submit`) all ask
`checklists()` / `unticked()`, so what the page shows as done is what the gate accepts.
A tick on an automatic item can only be recorded by set-up and import (actor None: work
done before the intention came into the portal); a person cannot tick one
(`services.intentions.checklist_tick`). Costs three queries for any number of intentions.
"""
from dataclasses import dataclass

from django.utils import timezone

NEEDS_EVIDENCE = "needs-evidence"
CO_PRODUCTION = "co-production"


def automatic_kind(item: str) -> str:
    """Which fact decides the item, or "" when people tick it."""
    text = item.strip().lower()
    if text.startswith("needs evidence"):
        return NEEDS_EVIDENCE
    if text.startswith("co-produc"):
        return CO_PRODUCTION
    return ""


def is_automatic(item: str) -> bool:
    return bool(automatic_kind(item))


@dataclass(frozen=True)
class Item:
    text: str
    done: bool
    automatic: bool = False
    how: str = ""  # automatic items: what the data shows, or what is missing

    @property
    def manual(self):
        return not self.automatic


def _facts(intention_ids, today):
    """{intention id: number of linked findings}, {intention id: closed consultations}."""
    findings: dict[int, int] = {}
    consultations: dict[int, int] = {}
    try:
        from needs.models import Finding
    except ImportError:  # pragma: no cover - the needs app is part of the portal
        Finding = None
    if Finding is not None:
        rows = Finding.objects.filter(priorities__intentions__in=intention_ids).values_list(
            "priorities__intentions", "pk").distinct()
        for intention_id, _ in rows:
            findings[intention_id] = findings.get(intention_id, 0) + 1
    try:
        from commissioning.coproduction.models import Consultation
    except ImportError:  # pragma: no cover
        Consultation = None
    if Consultation is not None:
        for intention_id in Consultation.objects.filter(
                intention_id__in=intention_ids, closes__lt=today).values_list(
                "intention_id", flat=True):
            consultations[intention_id] = consultations.get(intention_id, 0) + 1
    return findings, consultations


def _ticked(intentions) -> dict[int, set[str]]:
    """Ticks of each intention's current stage (from a `ticks` prefetch when there is one)."""
    from .models import ChecklistTick

    result: dict[int, set[str]] = {i.pk: set() for i in intentions}
    prefetched = [i for i in intentions if "ticks" in getattr(i, "_prefetched_objects_cache",
                                                               {})]
    for intention in prefetched:
        result[intention.pk] = {t.item for t in intention.ticks.all()
                                if t.stage_id == intention.current_stage_id}
    # by id: `i not in prefetched` compared model instances, n x n (issue 15: 39 s of the
    # home page at 4,000 active intentions)
    done = {i.pk for i in prefetched}
    rest = {i.pk: i.current_stage_id for i in intentions if i.pk not in done}
    if rest:
        for intention_id, stage_id, item in ChecklistTick.objects.filter(
                intention_id__in=rest).values_list("intention_id", "stage_id", "item"):
            if rest[intention_id] == stage_id:
                result[intention_id].add(item)
    return result


def checklists(intentions, *, today=None) -> dict[int, list[Item]]:
    """The current stage's checklist of each intention (its `current_stage` loaded)."""
    intentions = list(intentions)
    if not intentions:
        return {}
    today = today or timezone.localdate()
    ids = [i.pk for i in intentions]
    findings, consultations = _facts(ids, today)
    ticked = _ticked(intentions)
    result = {}
    for intention in intentions:
        items = []
        for text in intention.current_stage.checklist or []:
            kind = automatic_kind(text)
            if not kind:
                items.append(Item(text, text in ticked[intention.pk]))
                continue
            if kind == NEEDS_EVIDENCE:
                count = findings.get(intention.pk, 0)
                fact = bool(count)
                how = (f"{count} needs finding{'s' if count != 1 else ''} linked through its "
                       "priorities" if fact else
                       "Link it to a strategy priority that has needs findings "
                       "(change the details, then choose its priorities).")
            else:
                count = consultations.get(intention.pk, 0)
                fact = bool(count)
                how = (f"{count} consultation{'s' if count != 1 else ''} with parent carers "
                       "and young people closed" if fact else
                       "Consult parent carers and young people on it: this is done when a "
                       "consultation on it has closed.")
            if not fact and text in ticked[intention.pk]:
                fact, how = True, "Recorded as done when the intention was set up"
            items.append(Item(text, fact, automatic=True, how=how))
        result[intention.pk] = items
    return result


def checklist(intention, *, today=None) -> list[Item]:
    return checklists([intention], today=today)[intention.pk]


def unticked(intention) -> list[str]:
    return [item.text for item in checklist(intention) if not item.done]
