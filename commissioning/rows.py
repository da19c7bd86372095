"""Intentions as plain rows, a chunk at a time, for what reads thousands of them: the CSV
and xlsx exports and the API list (issue 15: building each intention, its agencies and
priorities as model instances and asking the value rule per object took most of an
export's 7-10 s at 10,000 rows).

A row is the dict of `FIELDS` from `.values()` on the selector's queryset (so its filters,
visibility and order are kept), plus, read once per chunk (three queries):
`joint_leads` and `partners` as [(id, name)] by name, `priorities` as
[(id, number, title)] by number; and `show_value`, decided for the whole chunk by
`permissions.values_shown` (the same answer as `can_view_value`).
"""
from django.db import connection
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL

from portal.spreadsheets import chunked

from . import permissions
from .models import Intention

FIELDS = ("id", "reference", "local_area_id", "local_area__slug", "title", "summary",
          "thematic_area", "level", "status", "current_stage_id", "current_stage__name",
          "current_stage__position", "lead_agency_id", "lead_agency__name",
          "estimated_annual_value", "value_is_sensitive", "starts", "ends", "owner_id",
          "owner__username", "owner__first_name", "owner__last_name",
          "published_for_consultation", "updated_at")


def intention_rows(*, actor, intentions, chunk_size):
    """Each intention of `intentions` (a selector's queryset) as a row, streamed: memory
    holds one chunk whatever the number of rows."""
    for chunk in chunked(values_of(intentions).iterator(chunk_size=chunk_size), chunk_size):
        yield from with_relations(actor, chunk)


def values_of(intentions):
    """The selector's queryset as plain rows (`with_relations` completes them)."""
    return intentions.prefetch_related(None).values(*FIELDS)


def with_relations(actor, chunk) -> list[dict]:
    """Add the related names and `show_value` to a chunk of rows (three queries)."""
    ids = [row["id"] for row in chunk]
    joint = _agencies(Intention.joint_lead_agencies.through, ids)
    partners = _agencies(Intention.partner_agencies.through, ids)
    priorities = {}
    for intention_id, pk, number, title in (
            _of_intentions(Intention.priorities.through, ids)
            .order_by("priority__number", "priority_id")
            .values_list("intention_id", "priority_id", "priority__number", "priority__title")):
        priorities.setdefault(intention_id, []).append((pk, number, title))
    named = {}
    for row in chunk:
        pk = row["id"]
        row["joint_leads"] = joint.get(pk, [])
        row["partners"] = partners.get(pk, [])
        row["priorities"] = priorities.get(pk, [])
        named[pk] = {row["lead_agency_id"], *(a for a, _ in row["joint_leads"]),
                     *(a for a, _ in row["partners"])}
    shown = permissions.values_shown(actor, chunk, named)
    for row in chunk:
        row["show_value"] = row["id"] in shown
    return chunk


def _agencies(through, ids) -> dict[int, list]:
    result = {}
    for intention_id, agency_id, name in (
            _of_intentions(through, ids).order_by("agency__name", "agency_id")
            .values_list("intention_id", "agency_id", "agency__name")):
        result.setdefault(intention_id, []).append((agency_id, name))
    return result


def _of_intentions(through, ids):
    """The through table's rows of the intentions `ids`. On PostgreSQL the ids go as one
    array parameter (`= ANY(%s)`): a 2,000-placeholder IN list cost 4 times the query's
    own time to build and parse."""
    if connection.vendor != "postgresql":
        return through.objects.filter(intention_id__in=ids)
    column = f'"{through._meta.db_table}"."intention_id"'
    in_chunk = RawSQL(f"{column} = ANY(%s)", (list(ids),),  # noqa: S611 - our column name
                      output_field=BooleanField())
    return through.objects.alias(in_chunk=in_chunk).filter(in_chunk=True)


def owner_name(row) -> str:
    """As `str(user)`: the full name, else the username."""
    full = f"{row['owner__first_name']} {row['owner__last_name']}".strip()
    return full or row["owner__username"]
