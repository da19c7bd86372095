"""Reads for areas, agencies and people, already filtered to what the actor may see."""
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from portal import audit, dates

from . import permissions
from .models import Agency, AgencySuccession, LocalArea, Membership, User
from .roles import Role

SORTS_AGENCIES = {"name": "name", "-name": "-name", "kind": "kind", "-kind": "-kind",
                  "members": "member_count", "-members": "-member_count"}


def local_area_list(*, actor):
    return permissions.visible_areas(actor).prefetch_related("stages").order_by("name")


def local_area_get(*, actor, slug):
    return get_object_or_404(local_area_list(actor=actor), slug=slug)


def agency_list(*, actor, local_area=None, search="", kind="", sort="name"):
    qs = permissions.visible_agencies(actor).select_related(
        "local_area", "succession__successor").prefetch_related(PREDECESSORS).annotate(
        member_count=Count("memberships", filter=Q(memberships__in=Membership.objects.active()),
                           distinct=True))
    if local_area is not None:
        qs = qs.filter(local_area=local_area)
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(short_name__icontains=search)
                       | Q(code__iexact=search))
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by(SORTS_AGENCIES.get(sort, "name"), "id")


def agency_get(*, actor, pk):
    """Missing and forbidden are the same 404."""
    qs = permissions.visible_agencies(actor).select_related(
        "local_area", "succession__successor").prefetch_related(
        PREDECESSORS,
        Prefetch("memberships", queryset=Membership.objects.active().select_related("user")
                 .order_by("role", "user__last_name")))
    return get_object_or_404(qs, pk=pk)


def agency_choices(local_area, *, keep=()):
    """Agencies a form offers: the area's active ones, plus any in `keep` (those a record
    already names, so saving it unchanged keeps them although they have been replaced)."""
    keep_ids = [getattr(a, "pk", a) for a in keep]
    return Agency.objects.filter(Q(active=True) | Q(pk__in=keep_ids),
                                 local_area_id=getattr(local_area, "pk", local_area)
                                 ).order_by("name")


# --- successions: who holds an agency's records now -------------------------------------
PREDECESSORS = Prefetch("predecessor_links", queryset=AgencySuccession.objects.select_related(
    "predecessor").order_by("date", "predecessor__name"))


def current_holders(local_area=None, *, on=None) -> dict[int, Agency]:
    """{agency id: the agency that holds its records now} for every agency of the area
    (of every area when None) replaced by `on` (today), following chains (CCG → ICB → ...).
    One query: lists and reports build it once and look rows up in it."""
    on = on or timezone.localdate()
    successions = AgencySuccession.objects.filter(date__lte=on)
    if local_area is not None:
        successions = successions.filter(
            predecessor__local_area_id=getattr(local_area, "pk", local_area))
    links = {s.predecessor_id: s.successor for s in successions.select_related("successor")}
    holders = {}
    for predecessor_id, holder in links.items():
        seen = {predecessor_id}
        while holder.pk in links and holder.pk not in seen:
            seen.add(holder.pk)
            holder = links[holder.pk]
        holders[predecessor_id] = holder
    return holders


def current_holder(agency, *, holders=None) -> Agency:
    """The agency that holds `agency`'s records now (itself unless it was replaced)."""
    if holders is None:
        holders = current_holders(agency.local_area_id)
    return holders.get(agency.pk, agency)


def formerly_ids(holders, agency_ids) -> set[int]:
    """The agencies whose records `agency_ids` now hold (their predecessors), from a
    `current_holders` map: a report for the ICB counts what the CCG held."""
    wanted = {getattr(a, "pk", a) for a in agency_ids}
    return {pk for pk, holder in holders.items() if holder.pk in wanted}


def person_list(*, actor, local_area=None, search="", role=""):
    # The staff directory: only the areas where the actor holds an internal role
    # (`permissions.can_view_people`, the rule the page asks too).
    area_ids = permissions.people_area_ids(actor)
    if local_area is not None:
        area_ids = area_ids & {local_area.pk}
    memberships = Membership.objects.active().filter(agency__local_area_id__in=area_ids)
    if role:
        memberships = memberships.filter(role=role)
    qs = User.objects.filter(id__in=memberships.values("user_id"), is_active=True)
    if search:
        qs = qs.filter(Q(first_name__icontains=search) | Q(last_name__icontains=search)
                       | Q(username__icontains=search) | Q(email__icontains=search))
    return qs.prefetch_related(Prefetch(
        "memberships", to_attr="visible_memberships",
        queryset=Membership.objects.active().filter(agency__local_area_id__in=area_ids)
        .select_related("agency__local_area").order_by("agency__name", "role"),
    )).order_by("last_name", "first_name", "username")


def person_get(*, actor, pk):
    return get_object_or_404(person_list(actor=actor), pk=pk)


def memberships_of(*, user):
    return (Membership.objects.active().filter(user=user)
            .select_related("agency__local_area").order_by("agency__local_area__name"))


# --- what changed (portal.audit) --------------------------------------------------------
MEMBERSHIP_WATCH = audit.Watch(
    fields={"role": "role", "agency_id": "agency", "delegated_limit": "delegated limit",
            "starts": "start date", "ends": "end date"},
    money=frozenset({"delegated_limit"}))


AGENCY_WATCH = audit.Watch(
    fields={"name": "name", "short_name": "short name", "kind": "kind", "code": "official code",
            "is_host": "hosting of pooled funds", "website": "website", "active": "active"})
SUCCESSION_WATCH = audit.Watch(fields={"successor_id": "successor", "date": "date",
                                       "note": "note"})


def agency_changes(*, agency) -> list[dict]:
    """Who changed the agency's details, and who recorded its successor, newest first."""
    successions = AgencySuccession.history.filter(
        Q(predecessor_id=agency.pk) | Q(successor_id=agency.pk)).select_related(
        "history_user", "predecessor", "successor").order_by("history_date", "history_id")

    def subject(record):
        return f"{record.predecessor} replaced by {record.successor} from " \
               f"{dates.long_date(record.date)}"

    return audit.newest_first(
        ((when, kind, who, what or "Added to the portal", detail)
         for when, kind, who, what, detail in audit.changes(agency, AGENCY_WATCH)),
        audit.row_changes(AgencySuccession, successions, SUCCESSION_WATCH, subject))


def person_changes(*, person, local_area) -> list[dict]:
    """Who gave, changed or ended the person's roles in the area's agencies, newest first,
    delegated limits from £X to £Y."""
    agencies = dict(local_area.agencies.values_list("pk", "name"))
    roles = dict(Role.choices)
    records = Membership.history.filter(user_id=person.pk, agency_id__in=list(agencies)) \
        .select_related("history_user").order_by("history_date", "history_id")

    def role(record):
        return f"{roles.get(record.role, record.role)} at {agencies.get(record.agency_id)}"

    return audit.newest_first(audit.row_changes(Membership, records, MEMBERSHIP_WATCH, role))


AREA_WATCH = audit.Watch(fields={"name": "name", "slug": "short name for addresses",
                                 "description": "description",
                                 "reference_prefix": "prefix of intention references"})


def area_changes(*, local_area) -> list[dict]:
    """Who set the area up (a platform administrator, the area file) and each change since."""
    local_area = LocalArea.objects.get(pk=local_area.pk)  # request.area is a lazy object
    return audit.newest_first(
        (when, kind, who, what or "Local area set up", detail)
        for when, kind, who, what, detail in audit.changes(local_area, AREA_WATCH))
