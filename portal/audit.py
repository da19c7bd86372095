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

Queries: one for the history rows, one per many-to-many field, one per related model whose
names are needed, whatever the length of the story.
"""
from contextlib import contextmanager
from dataclasses import dataclass, field

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


def who(record) -> str:
    user = record.history_user
    if user is None:
        return "The portal"
    return user.get_full_name() or user.username


def _m2m_sets(model, records, name):
    """{history_id: set of target pks} for one many-to-many field, in one query."""
    history_model = model.history.model
    m2m_history = getattr(history_model, name).model
    target = model._meta.get_field(name).m2m_reverse_field_name()
    sets = {r.history_id: set() for r in records}
    rows = m2m_history.objects.filter(history_id__in=list(sets)).values_list(
        "history_id", f"{target}_id")
    for history_id, pk in rows:
        sets[history_id].add(pk)
    return sets


def _names(model, name, pks):
    related = model._meta.get_field(name).related_model
    return {obj.pk: str(obj) for obj in related._default_manager.filter(pk__in=pks)}


def _fk_names(model, records, watch):
    """Names of the objects that watched foreign keys pointed to, one query per field."""
    names = {}
    for attname in watch.fields:
        if not attname.endswith("_id"):
            continue
        fk = model._meta.get_field(attname[:-3])
        pks = {getattr(r, attname) for r in records} - {None}
        names[attname] = {obj.pk: str(obj)
                          for obj in fk.related_model._default_manager.filter(pk__in=pks)}
    return names


def _listing(names, pks):
    return ", ".join(sorted(names.get(pk, f"#{pk}") for pk in pks))


def _show(value, attname, fk_names):
    if value is None or value == "":
        return "none"
    return fk_names[attname].get(value, f"#{value}")


def changes(instance, watch: Watch, *, show_money=True, records=None):
    """Yield (when, kind, who, what, detail) for the record's audit, oldest first.

    kind is "created", "edited", "money" or "m2m". `show_money=False` names a change of
    amount without the amounts (a viewer who may not see a commercially sensitive value).
    `records` lets a caller pass history rows it has already read (ordered oldest first,
    with history_user)."""
    model = type(instance)
    if records is None:
        records = list(instance.history.select_related("history_user").order_by(
            "history_date", "history_id"))
    if not records:
        return
    sets = {name: _m2m_sets(model, records, name) for name in watch.m2m}
    names = {name: _names(model, name, set().union(*sets[name].values())) for name in watch.m2m}
    fk_names = _fk_names(model, records, watch)
    # Group the rows: a creation row and the rows its service wrote inside `creating()`
    # make one "created" event.
    groups = []
    for record in records:
        if groups and record.history_type != "+" and \
                record.history_change_reason == CREATION:
            groups[-1].append(record)
        else:
            groups.append([record])
    previous = None
    for group in groups:
        record = group[-1]
        if previous is None or group[0].history_type == "+":
            detail = [f"{label.capitalize()}: {_listing(names[name], final)}"
                      for name, label in watch.m2m.items()
                      if (final := sets[name][record.history_id])]
            yield group[0].history_date, "created", who(group[0]), "", "\n".join(detail)
            previous = record
            continue
        edited = []
        for attname, label in watch.fields.items():
            before, after = getattr(previous, attname), getattr(record, attname)
            if before == after:
                continue
            if attname in watch.money:
                what = (f"{label.capitalize()} changed from {format_gbp(before or 0)} to "
                        f"{format_gbp(after or 0)}" if show_money
                        else f"{label.capitalize()} changed")
                yield record.history_date, "money", who(record), what, ""
            elif attname in fk_names:
                yield record.history_date, "edited", who(record), (
                    f"{label.capitalize()} changed from {_show(before, attname, fk_names)} "
                    f"to {_show(after, attname, fk_names)}"), ""
            else:
                edited.append(label)
        if edited:
            yield record.history_date, "edited", who(record), "Edited: " + ", ".join(edited), ""
        for name, label in watch.m2m.items():
            before, after = sets[name][previous.history_id], sets[name][record.history_id]
            added, removed = after - before, before - after
            if added:
                yield record.history_date, "m2m", who(record), \
                    f"{label.capitalize()} added: {_listing(names[name], added)}", ""
            if removed:
                yield record.history_date, "m2m", who(record), \
                    f"{label.capitalize()} removed: {_listing(names[name], removed)}", ""
        previous = record
