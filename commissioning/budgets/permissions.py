"""Who may see and change pooled budgets and joint packages.

- Agreements: everyone with internal access to the agreement's local area reads them
  (not the co-production roles); finance officers, pooled fund managers and approvers of
  the agreement's parties write (spend, contributions, forecasts, closing quarters).
  Reopening a closed quarter is for approvers of a party or the pooled fund manager.
  A quarter is submitted by the pooled fund manager and confirmed (or returned) by a finance
  officer of each contributing partner; the submitter cannot confirm it too.
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


# --- quarter close by every partner (issue 16) --------------------------------------------
NOT_SUBMITTER = ("Only the agreement's pooled fund manager submits a quarter for the partners' "
                 "confirmation.")


def can_submit_quarter(user, agreement) -> Decision:
    """The named pooled fund manager submits; with none named, a pooled fund manager of the
    host partner."""
    if not can_view_agreement(user, agreement):
        return Decision.deny(agency_perms.NOT_IN_AREA)
    if agreement.pooled_fund_manager_id:
        if agreement.pooled_fund_manager_id == user.pk:
            return Decision.allow()
        return Decision.deny(NOT_SUBMITTER)
    if agency_perms.has_role(user, agreement.local_area_id, Role.POOLED_FUND_MANAGER) and \
            agreement.host_id in agency_perms.agency_ids_for(user, AgencyPerm.MANAGE_FINANCE):
        return Decision.allow()
    return Decision.deny(NOT_SUBMITTER + " This agreement names none: a pooled fund manager "
                                         "of the host partner may.")


def can_confirm_quarter(user, agreement, agency) -> Decision:
    """A finance officer (or pooled fund manager) of the partner confirms or returns it."""
    if not can_view_agreement(user, agreement):
        return Decision.deny(agency_perms.NOT_IN_AREA)
    agency_id = getattr(agency, "pk", agency)
    if agency_id not in _party_ids(agreement):
        return Decision.deny("That agency is not a partner to this agreement.")
    if not agency_perms.can_manage_finance_for(user, agency_id):
        return Decision.deny("Only a finance officer of the partner confirms the quarter "
                             "for it.")
    return Decision.allow()


def confirm_guard(user, snapshot, agency) -> Decision:
    """May the person answer (confirm or return) the submitted quarter for the agency now?
    Called by the service and by the pages, so a page offers only what will work."""
    decision = can_confirm_quarter(user, snapshot.agreement, agency)
    if not decision:
        return decision
    if snapshot.status != "submitted":
        return Decision.deny("The quarter is not waiting for the partners' confirmation.")
    agency_id = getattr(agency, "pk", agency)
    if agency_id not in snapshot.contributing_agency_ids:
        return Decision.deny("That partner contributes nothing this year, so it does not "
                             "confirm the quarter.")
    if snapshot.submitted_by_id == user.pk:
        return Decision.deny("The person who submitted the quarter cannot also confirm it: "
                             "another finance officer of the partner must.")
    answered = getattr(snapshot, "_answered", None)
    if answered is None:
        answered = {c.agency_id for c in snapshot.confirmations.all()
                    if c.round == snapshot.round}
    if agency_id in answered:
        return Decision.deny("This partner has already answered this submission.")
    return Decision.allow()


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


# --- virements between schedules (issue 16) -------------------------------------------------
def can_propose_virement(user, agreement) -> Decision:
    """Whoever may change the agreement proposes moving budget between its schedules."""
    return can_change_agreement(user, agreement)


def virement_approve_guard(user, virement, agency) -> Decision:
    """May the person approve (or reject) the virement for the partner now? An approver of
    the partner within their delegated limit, not the proposer, while it awaits approval and
    the partner has not answered. Called by the service and by the pages."""
    agreement = virement.agreement
    if not can_view_agreement(user, agreement):
        return Decision.deny(agency_perms.NOT_IN_AREA)
    agency_id = getattr(agency, "pk", agency)
    if agency_id not in _party_ids(agreement):
        return Decision.deny("That agency is not a partner to this agreement.")
    if virement.status == "referred":
        return Decision.deny("The amount is above every approver's delegated limit of a "
                             "partner: a board must decide.")
    if virement.status != "proposed":
        return Decision.deny("The virement is no longer awaiting approval.")
    answered = getattr(virement, "_answered", None)
    if answered is None:
        answered = {a.agency_id for a in virement.approvals.all()}
    if agency_id in answered:
        return Decision.deny("This partner has already answered.")
    decision = agency_perms.can_approve_for(user, agency_id, virement.amount)
    if not decision:
        return decision
    if virement.proposed_by_id == user.pk:
        return Decision.deny("The person who proposed the virement cannot also approve it: "
                             "another approver of the partner must.")
    return Decision.allow()
