"""Who may see and change providers, contracts, KPIs and assessments.

- The co-production roles (parent-carer, young-person) never see contracts or providers.
- Any internal role in the area sees the register; a contract's money (values) is shown only
  to people holding a role in one of its commissioning agencies, and to members of boards
  whose scope includes one of them (governance's `Board.scope_agencies`).
- Commissioners of a contract's commissioning agencies change it and enter its returns.
Every check reads the person's grants once per request (agencies.permissions caches them).
"""
from agencies import permissions as base
from agencies.models import Agency
from agencies.roles import AgencyPerm
from portal.decisions import Decision

NOT_COMMISSIONER = "Only a commissioner for one of the contract's commissioning agencies may."


def can_view_contracts(user, area) -> Decision:
    decision = base.can_view_internal(user, area)
    if not decision and base.can_view_area(user, area):
        return Decision.deny("Contracts are not shown to your role.")
    return decision


def _agency_ids(contract) -> set[int]:
    """The contract's commissioning agencies (prefetched on lists) plus the lead."""
    ids = {a.pk for a in contract.commissioning_agencies.all()}
    ids.add(contract.lead_agency_id)
    return ids


def can_view_contract(user, contract) -> Decision:
    return can_view_contracts(user, contract.local_area_id)


_BOARD_CACHE = "_jcp_contracts_board_scope"


def board_scope_agency_ids(user) -> set[int]:
    """Agencies in the scope of the boards the person sits on now (one query, cached on the
    user for the request; empty while governance has no board seats)."""
    if not user.is_authenticated:
        return set()
    cached = getattr(user, _BOARD_CACHE, None)
    if cached is None:
        from django.db.models import Q
        from django.utils import timezone

        from governance import models as governance

        cached = set()
        if hasattr(governance, "BoardMember") and hasattr(governance.Board, "scope_agencies"):
            today = timezone.localdate()
            # One filter() call, so the dates are those of the person's own seat.
            cached = set(governance.Board.scope_agencies.through.objects.filter(
                Q(board__members__starts__isnull=True) | Q(board__members__starts__lte=today),
                Q(board__members__ends__isnull=True) | Q(board__members__ends__gte=today),
                board__members__user=user,
            ).values_list("agency_id", flat=True))
        setattr(user, _BOARD_CACHE, cached)
    return cached


def can_view_values(user, contract) -> Decision:
    return can_view_values_of(user, contract.local_area_id, _agency_ids(contract))


def can_view_values_of(user, local_area_id, agency_ids) -> Decision:
    """`can_view_values` from a contract's area and its agencies' ids (lead included), for
    rows read as plain values (the register's export)."""
    if user.is_superuser:
        return Decision.allow()
    if not base.can_view_internal(user, local_area_id):
        return Decision.deny("Contracts are not shown to your role.")
    agencies = agency_ids
    if agencies & base.agency_ids_for(user, AgencyPerm.VIEW) or \
            agencies & board_scope_agency_ids(user):
        return Decision.allow()
    return Decision.deny("The contract's values are shown only to its commissioning agencies.")


def can_change_contract(user, contract) -> Decision:
    if user.is_superuser or _agency_ids(contract) & base.agency_ids_for(
            user, AgencyPerm.COMMISSION):
        return Decision.allow()
    return Decision.deny(NOT_COMMISSIONER)


can_submit_returns = can_change_contract
can_assess_contract = can_change_contract


def commissioning_agency_ids(user, area) -> set[int]:
    """The area's agencies the person commissions for (one query, for forms and checks)."""
    ids = base.agency_ids_for(user, AgencyPerm.COMMISSION)
    if user.is_superuser:
        return set(Agency.objects.filter(local_area=area).values_list("id", flat=True))
    return set(Agency.objects.filter(local_area=area, id__in=ids).values_list("id", flat=True))


def can_create_contract(user, area, lead_agency=None) -> Decision:
    ids = commissioning_agency_ids(user, area)
    if lead_agency is not None and getattr(lead_agency, "pk", lead_agency) not in ids:
        return Decision.deny("You are not a commissioner for the lead agency.")
    if not ids:
        return Decision.deny("Only commissioners add contracts.")
    return Decision.allow()


def can_view_provider(user, provider) -> Decision:
    return can_view_contracts(user, provider.local_area_id)


def can_manage_providers(user, area) -> Decision:
    if commissioning_agency_ids(user, area):
        return Decision.allow()
    return Decision.deny("Only commissioners add or change providers.")
