"""Reads for areas, agencies and people, already filtered to what the actor may see."""
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404

from portal import audit

from . import permissions
from .models import LocalArea, Membership, User
from .roles import Role

SORTS_AGENCIES = {"name": "name", "-name": "-name", "kind": "kind", "-kind": "-kind",
                  "members": "member_count", "-members": "-member_count"}


def local_area_list(*, actor):
    return permissions.visible_areas(actor).prefetch_related("stages").order_by("name")


def local_area_get(*, actor, slug):
    return get_object_or_404(local_area_list(actor=actor), slug=slug)


def agency_list(*, actor, local_area=None, search="", kind="", sort="name"):
    qs = permissions.visible_agencies(actor).select_related("local_area").annotate(
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
    qs = permissions.visible_agencies(actor).select_related("local_area").prefetch_related(
        Prefetch("memberships", queryset=Membership.objects.active().select_related("user")
                 .order_by("role", "user__last_name")))
    return get_object_or_404(qs, pk=pk)


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
