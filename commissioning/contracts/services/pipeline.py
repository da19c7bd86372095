"""The expiry pipeline: a contract nearing its end gets a review-stage intention."""
from django.db import transaction
from django.utils import timezone

from agencies.models import LocalArea
from commissioning.services import intention_create
from portal.dates import long_date
from portal.errors import ApplicationError, ErrorCode

from .. import permissions
from ..models import Contract, ContractStatus
from ._common import require


def _intention_fields(contract, actor, stage):
    partners = [a for a in contract.commissioning_agencies.all() if a.pk != contract.lead_agency_id]
    return {
        "title": f"Review of {contract.title}"[:250],
        "summary": (f"Review of contract {contract.reference} with {contract.provider.name}, "
                    f"which ends on {long_date(contract.ends)}. Decide whether to extend, "
                    "re-commission or decommission, using its KPI returns and assessments."),
        "thematic_area": (contract.intention.thematic_area if contract.intention_id else ""),
        "level": "operational",
        "lead_agency": contract.lead_agency,
        "estimated_annual_value": contract.annual_value,
        "value_is_sensitive": contract.value_is_sensitive,
        "current_stage": stage,
        "status": "active",
        "starts": timezone.localdate(),
        "ends": contract.ends,
        "owner": actor,
    }, partners


@transaction.atomic
def contract_review_intention_create(*, actor, contract):
    """Open a review-stage intention for the contract and link it back (one action)."""
    area = LocalArea.objects.select_for_update().get(pk=contract.local_area_id)
    # Lock the contract row only: PostgreSQL cannot lock the nullable side of a join.
    contract = Contract.objects.select_for_update(of=("self",)).select_related(
        "provider", "lead_agency", "intention").get(pk=contract.pk)
    require(permissions.can_change_contract(actor, contract))
    if contract.review_intention_id:
        raise ApplicationError(
            f"{contract.reference} already has a review intention "
            f"({contract.review_intention.reference})", code=ErrorCode.CONFLICT)
    if contract.status in (ContractStatus.ENDED, ContractStatus.TERMINATED):
        raise ApplicationError(f"{contract.reference} has {contract.status}: there is nothing "
                               "left to review before it ends")
    stage = area.stages.order_by("-position").first()
    if stage is None:
        raise ApplicationError("The local area has no stages of its commissioning cycle")
    fields, partners = _intention_fields(contract, actor, stage)
    intention = intention_create(actor=actor, local_area=area, partner_agencies=partners,
                                 **fields)
    contract.review_intention = intention
    contract._history_user = actor
    contract.save(update_fields=["review_intention", "updated_at"])
    return intention
