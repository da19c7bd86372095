"""Who may see and change pooled budgets and joint packages.

- Agreements: everyone with internal access to the agreement's local area reads them
  (not the co-production roles); finance officers, pooled fund managers and approvers of
  the agreement's parties write (spend, contributions, forecasts, closing quarters).
  Reopening a closed quarter is for approvers of a party or the pooled fund manager.
- Joint packages are the strictest: a package is visible only to the people explicitly
  granted it (guardian's direct foreign-key tables, `JointPackageUser/GroupObjectPermission`),
  not even to superusers or the area's administrators. Everyone else with internal access
  sees aggregates only.

Grants are read once per request and cached on the user object (like agencies.permissions).
"""
from agencies import permissions as agency_perms
from agencies.roles import AgencyPerm, Role
from portal.decisions import Decision

from .models import JointPackageGroupObjectPermission, JointPackageUserObjectPermission

_CACHE_ATTR = "_jcp_budgets_cache"
NOT_WRITER = ("Only finance officers, pooled fund managers and approvers of the agreement's "
              "partners may change it.")


class PackagePerm:
    VIEW = "view_jointpackage"
    CHANGE = "change_jointpackage"


def writer_agency_ids(user) -> set[int]:
    """Agencies for which the person manages finance or approves."""
    return (agency_perms.agency_ids_for(user, AgencyPerm.MANAGE_FINANCE)
            | agency_perms.agency_ids_for(user, AgencyPerm.APPROVE))


def _party_ids(agreement) -> set[int]:
    cached = getattr(agreement, "_party_ids", None)
    if cached is None:
        cached = {p.pk for p in agreement.parties.all()}
        agreement._party_ids = cached
    return cached


def can_view_agreement(user, agreement) -> Decision:
    return agency_perms.can_view_internal(user, agreement.local_area_id)


def can_create_agreement(user, area) -> Decision:
    area_agencies = {a.pk for a in area.agencies.all()}
    if writer_agency_ids(user) & area_agencies:
        return Decision.allow()
    return Decision.deny("Only finance officers, pooled fund managers and approvers set up "
                         "agreements.")


def can_change_agreement(user, agreement) -> Decision:
    """Record spend, contributions, forecasts and commitments; close quarters."""
    if not can_view_agreement(user, agreement):
        return Decision.deny(agency_perms.NOT_IN_AREA)
    if agreement.pooled_fund_manager_id and agreement.pooled_fund_manager_id == user.pk:
        return Decision.allow()
    if writer_agency_ids(user) & _party_ids(agreement):
        return Decision.allow()
    return Decision.deny(NOT_WRITER)


def can_reopen_quarter(user, agreement) -> Decision:
    if not can_view_agreement(user, agreement):
        return Decision.deny(agency_perms.NOT_IN_AREA)
    if agreement.pooled_fund_manager_id and agreement.pooled_fund_manager_id == user.pk:
        return Decision.allow()
    if agency_perms.agency_ids_for(user, AgencyPerm.APPROVE) & _party_ids(agreement):
        return Decision.allow()
    if agency_perms.has_role(user, agreement.local_area_id, Role.POOLED_FUND_MANAGER) and \
            agreement.host_id in agency_perms.agency_ids_for(user, AgencyPerm.MANAGE_FINANCE):
        return Decision.allow()
    return Decision.deny("Only an approver of a partner or the pooled fund manager may reopen "
                         "a closed quarter.")


# --- joint packages ---------------------------------------------------------------------
def _cache(user):
    cache = getattr(user, _CACHE_ATTR, None)
    if cache is None:
        cache = {}
        setattr(user, _CACHE_ATTR, cache)
    return cache


def clear_cache(user):
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def package_ids_for(user, perm=PackagePerm.VIEW) -> set[int]:
    """Packages explicitly granted to the person, directly or through a group (one query).

    Superusers get no special treatment: only explicit grants count."""
    if not user.is_authenticated:
        return set()
    cache = _cache(user)
    if perm not in cache:
        groups = JointPackageGroupObjectPermission.objects.filter(
            group__user=user, permission__codename=perm)
        direct = JointPackageUserObjectPermission.objects.filter(
            user=user, permission__codename=perm)
        cache[perm] = set(groups.values_list("content_object_id", flat=True).union(
            direct.values_list("content_object_id", flat=True)))
    return cache[perm]


def can_view_package_aggregates(user, area) -> Decision:
    return agency_perms.can_view_internal(user, area)


def can_create_joint_package(user, area) -> Decision:
    if not agency_perms.can_view_internal(user, area):
        return Decision.deny(agency_perms.NOT_IN_AREA)
    area_id = getattr(area, "pk", area)
    agencies = agency_perms.visible_agencies(user).filter(local_area_id=area_id)
    if writer_agency_ids(user) & set(agencies.values_list("id", flat=True)):
        return Decision.allow()
    return Decision.deny("Only finance officers, pooled fund managers and approvers record "
                         "joint packages.")


def can_view_joint_package(user, package) -> Decision:
    if package.pk in package_ids_for(user, PackagePerm.VIEW):
        return Decision.allow()
    return Decision.deny("Joint packages are visible only to the people granted them.")


def can_change_joint_package(user, package) -> Decision:
    if package.pk in package_ids_for(user, PackagePerm.CHANGE) and \
            package.pk in package_ids_for(user, PackagePerm.VIEW):
        return Decision.allow()
    return Decision.deny("You may not change this joint package.")
