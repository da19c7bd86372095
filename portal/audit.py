"""What changed on one record, read from its simple-history audit: the one place that turns
audit rows into the sentences a timeline shows.

Every app's timeline or "History" section asks `changes()` for a record. It reports, each
with when and by whom:

- the record's creation (with the many-to-many values it was created with);
- edits of watched fields, money shown as "from £X to £Y" (or only named when the viewer
  may not see the amount), foreign keys by name;
- every value added to or removed from a watched many-to-many field (partners, priorities,
  agencies...), which simple-history records when the model declares
  `HistoricalRecords(m2m_fields=[...])`: each `add`/`remove`/`set` writes a history row
  holding the full set, so consecutive rows are diffed here.

Queries: one for the history rows, one per many-to-many field (its targets joined), one
per foreign key whose value changed, whatever the length of the story.
"""
import datetime
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import models

from portal import dates
from portal.money import format_gbp

CREATION = "created"


@contextmanager
def creating(instance):
    """Mark the audit rows written inside as part of the record's creation: a create
    service saves the row, then sets its many-to-many fields, which writes more rows.

        with audit.creating(intention):
            save(intention, actor)
            intention.partner_agencies.set(partners)
    """
    instance._change_reason = CREATION
    try:
        yield instance
    finally:
        del instance._change_reason


@dataclass
class Watch:
    """What to report for one kind of record."""

    fields: dict[str, str] = field(default_factory=dict)  # attname -> label
    m2m: dict[str, str] = field(default_factory=dict)  # m2m field name -> label
    money: frozenset[str] = frozenset()  # attnames holding money
    # relations of a many-to-many target that its name needs (joined in the same query)
    m2m_related: dict[str, tuple[str, ...]] = field(default_factory=dict)


def who(record) -> str:
    user = record.history_user
    if user is None:
        return "The portal"
    return user.get_full_name() or user.username


def _m2m_sets(model, records, name, related=()):
    """({history_id: set of target pks}, {pk: name}) for one many-to-many field, in one
    query (the targets joined)."""
    history_model = model.history.model
    m2m_history = getattr(history_model, name).model
    target = model._meta.get_field(name).m2m_reverse_field_name()
    sets = {r.history_id: set() for r in records}
    names = {}
    joins = [target] + [f"{target}__{relation}" for relation in related]
    for row in m2m_history.objects.filter(history_id__in=list(sets)).select_related(*joins):
        pk = getattr(row, f"{target}_id")
        sets[row.history_id].add(pk)
        if pk not in names:
            names[pk] = str(getattr(row, target))
    return sets, names


def _fk_names(model, records, watch):
    """Names of the objects that watched foreign keys pointed to, one query per field
    whose value changed (none while nothing changed)."""
    names = {}
    for attname in watch.fields:
        if not attname.endswith("_id"):
            continue
        fk = model._meta.get_field(attname[:-3])
        values = [getattr(r, attname) for r in records]
        pairs = zip(values, values[1:], strict=False)
        changed = {v for before, after in pairs if before != after
                   for v in (before, after)} - {None}
        names[attname] = {obj.pk: str(obj) for obj in fk.related_model._default_manager
                          .filter(pk__in=changed)} if changed else {}
    return names


def _cap(label):
    return label[:1].upper() + label[1:]


def _listing(names, pks):
    return ", ".join(sorted(names.get(pk, f"#{pk}") for pk in pks))


def _show(value, labels):
    if value is None or value == "":
        return "none"
    if value in labels:
        return labels[value]
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime.date):
        return dates.long_date(value)
    return str(value)


def changes(instance, watch: Watch, *, show_money=True, records=None):
    """Yield (when, kind, who, what, detail) for one record's audit, oldest first.

    kind is "created", "edited", "money" or "m2m"; a "created" event's `what` is empty (the
    caller names it) and its detail lists the many-to-many values it was created with.
    `show_money=False` names a change of amount without the amounts (a viewer who may not
    see a commercially sensitive value). `records` lets a caller pass history rows it has
    already read (ordered oldest first, with history_user)."""
    if records is None:
        records = list(instance.history.select_related("history_user").order_by(
            "history_date", "history_id"))
    yield from _diff(type(instance), records, watch, show_money=show_money)


def row_changes(model, records, watch: Watch, subject, *, show_money=True):
    """Events for many rows of one model (a board's seats, an agreement's contributions):
    `records` are their history rows, oldest first; `subject(record)` names the row
    ("Seat of Ann Lee", "DCC's contribution to S1, 2026-27"). Rows added say "Added:",
    rows deleted "Removed:", and each change is prefixed by the row's subject."""
    records = list(records)
    context = _context(model, records, watch)
    pk = model._meta.pk.attname
    by_row = {}
    for record in records:
        by_row.setdefault(getattr(record, pk), []).append(record)
    for rows in by_row.values():
        yield from _diff(model, rows, watch, show_money=show_money, subject=subject,
                         context=context)


def _context(model, records, watch):
    sets, names = {}, {}
    for name in watch.m2m:
        sets[name], names[name] = _m2m_sets(model, records, name,
                                            watch.m2m_related.get(name, ()))
    return sets, names, _fk_names(model, records, watch)


def _amount(value, show_money):
    return format_gbp(value or 0) if show_money else "an amount not shown"


def _diff(model, records, watch, *, show_money, subject=None, context=None):
    if not records:
        return
    sets, names, fk_names = context or _context(model, records, watch)
    # Fields whose old and new values are worth saying (not free text): choices by label,
    # dates, yes/no, numbers; foreign keys by name (fk_names).
    choices = {}
    for attname in watch.fields:
        if attname in fk_names or attname in watch.money:
            continue
        model_field = model._meta.get_field(attname)
        if model_field.choices:
            choices[attname] = {k: str(v) for k, v in model_field.flatchoices}
        elif isinstance(model_field, (models.DateField, models.BooleanField,
                                      models.IntegerField)):
            choices[attname] = {}
    # Group the rows: a creation row and the rows its service wrote inside `creating()`
    # make one "created" event.
    groups = []
    for record in records:
        if groups and record.history_type != "+" and \
                record.history_change_reason == CREATION:
            groups[-1].append(record)
        else:
            groups.append([record])
    prefix = (lambda r: f"{subject(r)}: ") if subject else (lambda r: "")
    previous = None
    for group in groups:
        record = group[-1]
        when, by = record.history_date, who(record)
        if record.history_type == "-":
            yield when, "removed", by, f"Removed: {subject(record)}" if subject else "Deleted", ""
            previous = record
            continue
        if previous is None or group[0].history_type == "+":
            detail = [f"{_cap(label)}: {_listing(names[name], final)}"
                      for name, label in watch.m2m.items()
                      if (final := sets[name][record.history_id])]
            if subject:
                detail += [f"{_cap(watch.fields[a])}: "
                           f"{_amount(getattr(record, a), show_money)}" for a in watch.money]
            yield (group[0].history_date, "created", who(group[0]),
                   f"Added: {subject(record)}" if subject else "", "\n".join(detail))
            previous = record
            continue
        edited = []
        for attname, label in watch.fields.items():
            before, after = getattr(previous, attname), getattr(record, attname)
            if before == after:
                continue
            if attname in watch.money:
                what = (f"{_cap(label)} changed from {format_gbp(before or 0)} to "
                        f"{format_gbp(after or 0)}" if show_money
                        else f"{_cap(label)} changed")
                yield when, "money", by, prefix(record) + what, ""
            elif attname in fk_names or attname in choices:
                labels = fk_names[attname] if attname in fk_names else choices[attname]
                yield when, "edited", by, prefix(record) + (
                    f"{_cap(label)} changed from {_show(before, labels)} "
                    f"to {_show(after, labels)}"), ""
            else:
                edited.append(label)
        if edited:
            yield when, "edited", by, prefix(record) + "Edited: " + ", ".join(edited), ""
        for name, label in watch.m2m.items():
            before, after = sets[name][previous.history_id], sets[name][record.history_id]
            added, removed = after - before, before - after
            if added:
                yield when, "m2m", by, prefix(record) + \
                    f"{_cap(label)} added: {_listing(names[name], added)}", ""
            if removed:
                yield when, "m2m", by, prefix(record) + \
                    f"{_cap(label)} removed: {_listing(names[name], removed)}", ""
        previous = record


def newest_first(*event_streams) -> list[dict]:
    """Merge event streams into the list a template shows, newest first."""
    events = [event for stream in event_streams for event in stream]
    events.sort(key=lambda e: e[0], reverse=True)
    return [{"when": when, "kind": kind, "who": who_, "what": what, "detail": detail}
            for when, kind, who_, what, detail in events]
