"""Who may read needs evidence, import published data and record findings.

Needs evidence is for every member of the area, parent-carer and young people's
representatives included: it is published statistics and the findings drawn from them.
Importing data and recording findings is for the area's commissioners and administrators.
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


def can_add_finding(user, area) -> Decision:
    if not core.can_view_area(user, area):
        return Decision.deny(core.NOT_IN_AREA)
    if user.is_superuser or core.can_administer_area(user, area) or _commissions_in(user, area):
        return Decision.allow()
    return Decision.deny(CAN_ADD)


def can_view_finding(user, finding) -> Decision:
    return can_view_needs(user, finding.local_area_id)


def can_view_import(user, run) -> Decision:
    return can_import_observations(user, run.local_area_id)


def can_view_intention_in_finding(user, intention) -> bool:
    """Internal roles see every intention a finding supports; co-production roles see only
    those published for consultation (the cycle's own rule)."""
    if core.can_view_internal(user, intention.local_area_id):
        return True
    return bool(intention.published_for_consultation)
