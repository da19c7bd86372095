"""Who may see, change and approve what — the one place every page, API and report asks.

Grants live in guardian's direct foreign-key tables (one group per agency x role, see
roles.py). A person's grants are read in one query per kind of object (areas, agencies)
and cached on the user object for the request, so list pages filter by id sets and cost a
constant number of queries whatever the data size. Nothing of a local area is visible
without a grant there.
"""
from decimal import Decimal

from django.db.models import Q

from portal.decisions import Decision

from .models import (
    Agency,
    AgencyGroupObjectPermission,
    AgencyUserObjectPermission,
    LocalArea,
    LocalAreaGroupObjectPermission,
    LocalAreaUserObjectPermission,
    Membership,
)
from .roles import AgencyPerm, AreaPerm, Role

_CACHE_ATTR = "_jcp_permission_cache"


def _cache(user):
    cache = getattr(user, _CACHE_ATTR, None)
    if cache is None:
        cache = {}
        setattr(user, _CACHE_ATTR, cache)
    return cache


def clear_cache(user):
    """Forget cached grants (after a role is granted or ended in the same request).

    Every app caches its per-request grants on the user under a `_jcp_` attribute, so one
    call clears them all.
    """
    for name in [n for n in vars(user) if n.startswith("_jcp_")]:
        delattr(user, name)


def read_grants(user, group_model, user_model) -> dict[str, set[int]]:
    """Every grant the person holds on one kind of object (guardian's direct tables for
    it), by permission codename, in one query: a page asks for several codenames (view,
    internal, administer) and the navigation asks on every page. Not cached: callers keep
    the answer for the request."""
    fields = ("permission__codename", "content_object_id")
    groups = group_model.objects.filter(group__user=user).values_list(*fields)
    direct = user_model.objects.filter(user=user).values_list(*fields)
    grants: dict[str, set[int]] = {}
    for codename, object_id in groups.union(direct):
        grants.setdefault(codename, set()).add(object_id)
    return grants


def _grants(user, kind, group_model, user_model) -> dict[str, set[int]]:
    cache = _cache(user)
    key = ("grants", kind)
    if key not in cache:
        cache[key] = read_grants(user, group_model, user_model)
    return cache[key]


def area_ids_for(user, perm=AreaPerm.VIEW) -> set[int]:
    if not user.is_authenticated:
        return set()
    key = ("area", str(perm))
    cache = _cache(user)
    if key not in cache:
        if user.is_superuser:
            cache[key] = set(LocalArea.objects.values_list("id", flat=True))
        else:
            grants = _grants(user, "area", LocalAreaGroupObjectPermission,
                             LocalAreaUserObjectPermission)
            cache[key] = set(grants.get(str(perm), ()))
    return cache[key]


def agency_ids_for(user, perm=AgencyPerm.VIEW) -> set[int]:
    """Agencies on which the person holds `perm` through one of their roles."""
    if not user.is_authenticated:
        return set()
    key = ("agency", str(perm))
    cache = _cache(user)
    if key not in cache:
        if user.is_superuser:
            cache[key] = set(Agency.objects.values_list("id", flat=True))
        else:
            grants = _grants(user, "agency", AgencyGroupObjectPermission,
                             AgencyUserObjectPermission)
            cache[key] = set(grants.get(str(perm), ()))
    return cache[key]


def roles_by_area(user) -> dict[int, set[str]]:
    """The roles a person holds in each area, from their active memberships (one query)."""
    if not user.is_authenticated:
        return {}
    cache = _cache(user)
    if "roles" not in cache:
        roles: dict[int, set[str]] = {}
        for area_id, role in Membership.objects.active().filter(user=user).values_list(
                "agency__local_area_id", "role"):
            roles.setdefault(area_id, set()).add(role)
        cache["roles"] = roles
    return cache["roles"]


def roles_in_area(user, area) -> set[str]:
    return roles_by_area(user).get(_id(area), set())


def has_role(user, area, *roles) -> bool:
    return bool(roles_in_area(user, area) & set(roles))


def _id(obj_or_id):
    return getattr(obj_or_id, "pk", obj_or_id)


# --- querysets: what a person may see -------------------------------------------------
def visible_areas(user):
    return LocalArea.objects.filter(id__in=area_ids_for(user))


def visible_agencies(user):
    return Agency.objects.filter(local_area_id__in=area_ids_for(user))


def people_area_ids(user) -> set[int]:
    """Areas whose staff directory the person may read: the internal roles' areas. Parent
    carers and young people's representatives do not see names, e-mails, job titles, roles
    or delegated limits. The page, the API and every list of people ask this (or
    `can_view_people`, the same rule for one area)."""
    return area_ids_for(user, AreaPerm.VIEW_INTERNAL)


def visible_people_filter(user) -> Q:
    """People are visible to internal roles who share an area with them."""
    return Q(memberships__agency__local_area_id__in=people_area_ids(user))


# --- decisions -------------------------------------------------------------------------
NOT_IN_AREA = "You have no role in this local area."


def can_view_area(user, area) -> Decision:
    if _id(area) in area_ids_for(user):
        return Decision.allow()
    return Decision.deny(NOT_IN_AREA)


def can_view_internal(user, area) -> Decision:
    """Internal work (drafts, values, budgets) — not the co-production roles' view."""
    if _id(area) in area_ids_for(user, AreaPerm.VIEW_INTERNAL):
        return Decision.allow()
    if _id(area) in area_ids_for(user):
        return Decision.deny("Your role sees only what is published for consultation.")
    return Decision.deny(NOT_IN_AREA)


def can_view_people(user, area) -> Decision:
    """The staff directory of one area (see `people_area_ids`)."""
    if _id(area) in people_area_ids(user):
        return Decision.allow()
    if _id(area) in area_ids_for(user):
        return Decision.deny("Your role does not see the area's staff directory.")
    return Decision.deny(NOT_IN_AREA)


def can_administer_area(user, area) -> Decision:
    if _id(area) in area_ids_for(user, AreaPerm.ADMINISTER):
        return Decision.allow()
    return Decision.deny("Only the local area's administrators may do this.")


def can_view_agency(user, agency) -> Decision:
    return can_view_area(user, agency.local_area_id)


def can_change_agency(user, agency) -> Decision:
    if agency.pk in agency_ids_for(user, AgencyPerm.CHANGE):
        return Decision.allow()
    return can_administer_area(user, agency.local_area_id)


def can_record_succession(user, agency, succession=None) -> Decision:
    """Administrators record the agency that replaces another (one successor each)."""
    decision = can_administer_area(user, agency.local_area_id)
    if decision and succession is not None:
        return Decision.deny(f"{agency} is already replaced by {succession.successor}.")
    return decision


def can_commission_for(user, agency) -> Decision:
    if _id(agency) in agency_ids_for(user, AgencyPerm.COMMISSION):
        return Decision.allow()
    return Decision.deny("You are not a commissioner for this agency.")


def can_manage_finance_for(user, agency) -> Decision:
    if _id(agency) in agency_ids_for(user, AgencyPerm.MANAGE_FINANCE):
        return Decision.allow()
    return Decision.deny("You are not a finance officer or pooled fund manager for this agency.")


def approver_limit(user, agency) -> Decimal | None:
    """The largest delegated limit the person holds as an approver for the agency."""
    if _id(agency) not in agency_ids_for(user, AgencyPerm.APPROVE):
        return None
    # Read once per request for every agency (cached like the grants), so pages that ask
    # per row (the approvals inbox, an intention's sign-off table) cost no extra queries.
    cache = _cache(user)
    if "approver_limits" not in cache:
        limits: dict[int, Decimal] = {}
        for agency_id, limit in Membership.objects.active().filter(
                user=user, role=Role.APPROVER).values_list("agency_id", "delegated_limit"):
            limits[agency_id] = max(limit, limits.get(agency_id, limit))
        cache["approver_limits"] = limits
    return cache["approver_limits"].get(_id(agency))


def can_approve_for(user, agency, amount=Decimal("0")) -> Decision:
    limit = approver_limit(user, agency)
    if limit is None:
        return Decision.deny("You are not an approver for this agency.")
    if amount is not None and amount > limit:
        return Decision.deny(
            f"The value £{amount:,.2f} exceeds your delegated limit of £{limit:,.2f}; "
            "the decision needs a board referral."
        )
    return Decision.allow()


PLATFORM_ONLY = "Only platform administrators set up new local areas."


def can_create_local_area(user) -> Decision:
    """Setting up a new local area (and inviting its first administrator) stays with the
    platform administrators: superusers."""
    if user.is_authenticated and user.is_superuser:
        return Decision.allow()
    return Decision.deny(PLATFORM_ONLY)
