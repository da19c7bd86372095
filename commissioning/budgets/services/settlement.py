"""Signing the year-end settlement (issue 16): after Q4 closes, a finance lead of each
contributing partner signs the statement; it is signed off when all have signed the same
figures (its sha256)."""
from django.db import transaction
from django.utils import timezone

from portal.background import defer
from portal.errors import ApplicationError, ErrorCode

from .. import permissions
from ..models import SettlementSignOff, SettlementStatus, YearEndSettlement
from ..position import digest
from ..selectors import settlement_basis
from .common import check_year, lock_agreement, require, save


@transaction.atomic
def settlement_sign(*, actor, agreement, year, agency) -> YearEndSettlement:
    agreement = lock_agreement(agreement, actor, check=permissions.can_view_agreement)
    check_year(year)
    require(permissions.can_confirm_quarter(actor, agreement, agency))
    basis = settlement_basis(agreement=agreement, year=year)
    if basis is None:
        message = (f"Q4 {year} is not closed yet: the year-end settlement is drawn from the "
                   "closed Q4 position.")
        raise ApplicationError(message, code=ErrorCode.CONFLICT, errors={"year": [message]})
    statement, signers = basis
    if agency.pk not in signers:
        raise ApplicationError("That partner contributes nothing this year, so it does not "
                               "sign the settlement.", code=ErrorCode.CONFLICT)
    sha = digest(statement)
    settlement = YearEndSettlement.objects.select_for_update().filter(
        agreement=agreement, year=year).first()
    if settlement is None or settlement.sha256 != sha:
        # new, or Q4 was reopened and closed with other figures: earlier signatures lapse
        settlement = settlement or YearEndSettlement(agreement=agreement, year=year)
        settlement.statement, settlement.sha256 = statement, sha
        settlement.status, settlement.signed_at = SettlementStatus.AWAITING, None
        save(settlement, actor)
    signed = set(settlement.sign_offs.filter(sha256=sha).values_list("agency_id", flat=True))
    if agency.pk in signed:
        raise ApplicationError(f"{agency.display_name} has already signed this settlement.",
                               code=ErrorCode.CONFLICT)
    sign_off = save(SettlementSignOff(settlement=settlement, agency=agency, person=actor,
                                      sha256=sha, at=timezone.now()), actor)
    if signed | {agency.pk} >= set(signers):
        settlement.status, settlement.signed_at = SettlementStatus.SIGNED, timezone.now()
        save(settlement, actor)
    from .. import tasks

    defer(tasks.settlement_signed, sign_off.pk)
    return settlement
