"""Who may read needs evidence, import published data and record findings.

Needs evidence is for every member of the area, parent-carer and young people's
representatives included: it is published statistics and the findings drawn from them.
Importing the area's own figures and recording findings is for the area's commissioners and
administrators. Figures for England, regions, statistical neighbours and any other
geography come only from a platform import, by platform administrators (superusers, or
people given the `needs.import_published_statistics` permission).
"""
from agencies import permissions as core
from agencies.roles import Role
from portal.decisions import Decision

CAN_ADD = "Only the area's commissioners and administrators may do this."


def can_view_needs(user, area) -> Decision:
    return core.can_view_area(user, area)


def _commissions_in(user, area) -> bool:
    return core.has_role(user, area, Role.COMMISSIONER)


def can_import_observations(user, area) -> Decision:
    if not core.can_view_area(user, area):
        return Decision.deny(core.NOT_IN_AREA)
    if user.is_superuser or core.can_administer_area(user, area) or _commissions_in(user, area):
        return Decision.allow()
    return Decision.deny("Only the area's commissioners and administrators may import data.")


PLATFORM_ONLY = "Only platform administrators import published data for every geography."


def is_platform_admin(user) -> bool:
    return bool(user.is_authenticated and (
        user.is_superuser or user.has_perm("needs.import_published_statistics")))


def can_import_platform(user) -> Decision:
    """A platform import: published data (e.g. a Fingertips export) for any geography."""
    return Decision.allow() if is_platform_admin(user) else Decision.deny(PLATFORM_ONLY)


def can_add_finding(user, area) -> Decision:
    if not core.can_view_area(user, area):
        return Decision.deny(core.NOT_IN_AREA)
    if user.is_superuser or core.can_administer_area(user, area) or _commissions_in(user, area):
        return Decision.allow()
    return Decision.deny(CAN_ADD)


def can_view_finding(user, finding) -> Decision:
    return can_view_needs(user, finding.local_area_id)


def can_view_import(user, run, affected_area_ids=()) -> Decision:
    """An area's run: its importers. A platform run: platform administrators, and the
    importers of the areas whose figures it changed (`affected_area_ids`)."""
    if run.local_area_id is not None:
        return can_import_observations(user, run.local_area_id)
    if is_platform_admin(user):
        return Decision.allow()
    if any(can_import_observations(user, area_id) for area_id in affected_area_ids):
        return Decision.allow()
    return Decision.deny(PLATFORM_ONLY)


def can_confirm_import(user, run) -> Decision:
    if run.local_area_id is None:
        return can_import_platform(user)
    return can_import_observations(user, run.local_area_id)


def can_view_intention_in_finding(user, intention) -> bool:
    """Internal roles see every intention a finding supports; co-production roles see only
    those published for consultation (the cycle's own rule)."""
    if core.can_view_internal(user, intention.local_area_id):
        return True
    return bool(intention.published_for_consultation)


def can_change_finding(user, finding) -> Decision:
    """The area's commissioners and administrators change its findings (as they record
    them)."""
    return can_add_finding(user, finding.local_area_id)


def can_delete_finding(user, finding) -> Decision:
    """A finding may be removed while nothing depends on it: once it supports a strategy
    priority it is a link of the golden thread (take the priorities off first)."""
    decision = can_change_finding(user, finding)
    if not decision:
        return decision
    if finding.priorities.exists():
        return Decision.deny("This finding supports strategy priorities, so the golden thread "
                             "depends on it: take the priorities off it before removing it.")
    return Decision.allow()


def can_change_comparators(user, area) -> Decision:
    """What the area compares itself with is set up by its administrators."""
    if not core.can_view_area(user, area):
        return Decision.deny(core.NOT_IN_AREA)
    if user.is_superuser or core.can_administer_area(user, area):
        return Decision.allow()
    return Decision.deny("Only the area's administrators change what it is compared with.")
