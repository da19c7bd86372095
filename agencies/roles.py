"""Roles a person holds in an agency, and the object permissions each role carries.

Code grants roles, never raw permissions (onadata's rule): `services.membership_*`
puts people in one group per agency x role, and each group holds the permissions below
on its agency and its local area through guardian's direct foreign-key tables.
"""
from django.db import models


class Role(models.TextChoices):
    COMMISSIONER = "commissioner", "Commissioner"
    APPROVER = "approver", "Approver"
    FINANCE = "finance", "Finance officer"
    POOLED_FUND_MANAGER = "pooled-fund-manager", "Pooled fund manager"
    BOARD_SECRETARY = "board-secretary", "Board secretary"
    BOARD_MEMBER = "board-member", "Board member"
    PARENT_CARER = "parent-carer", "Parent-carer forum representative"
    YOUNG_PERSON = "young-person", "Young people's representative"
    ADMIN = "admin", "Local-area administrator"
    VIEWER = "viewer", "Viewer"


class AreaPerm(models.TextChoices):
    """Permission codenames on a LocalArea."""

    VIEW = "view_localarea", "See the area"
    ADMINISTER = "administer_localarea", "Administer the area"
    VIEW_INTERNAL = "view_internal_localarea", "See internal (non-published) work"


class AgencyPerm(models.TextChoices):
    """Permission codenames on an Agency."""

    VIEW = "view_agency", "See the agency"
    CHANGE = "change_agency", "Change the agency"
    COMMISSION = "commission_for_agency", "Commission for the agency"
    APPROVE = "approve_for_agency", "Approve for the agency"
    MANAGE_FINANCE = "manage_finance_for_agency", "Manage finance for the agency"


# Every role sees its area; the co-production roles see only what is published for them.
INTERNAL_ROLES = frozenset(Role) - {Role.PARENT_CARER, Role.YOUNG_PERSON}

ROLE_AREA_PERMS: dict[str, set[str]] = {
    role: {AreaPerm.VIEW} | ({AreaPerm.VIEW_INTERNAL} if role in INTERNAL_ROLES else set())
    for role in Role
}
ROLE_AREA_PERMS[Role.ADMIN] |= {AreaPerm.ADMINISTER}

ROLE_AGENCY_PERMS: dict[str, set[str]] = {role: {AgencyPerm.VIEW} for role in Role}
ROLE_AGENCY_PERMS[Role.COMMISSIONER] |= {AgencyPerm.COMMISSION}
ROLE_AGENCY_PERMS[Role.APPROVER] |= {AgencyPerm.APPROVE}
ROLE_AGENCY_PERMS[Role.FINANCE] |= {AgencyPerm.MANAGE_FINANCE}
ROLE_AGENCY_PERMS[Role.POOLED_FUND_MANAGER] |= {AgencyPerm.MANAGE_FINANCE}
ROLE_AGENCY_PERMS[Role.ADMIN] |= {AgencyPerm.CHANGE}


def group_name(agency_id: int, role: str) -> str:
    return f"agency:{agency_id}:{role}"
