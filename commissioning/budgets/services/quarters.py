"""Closing a quarter freezes its position (stored values and their sha256); reopening
needs a reason and is audited."""
from django.db import transaction
from django.utils import timezone

from portal import periods
from portal.errors import ApplicationError, ErrorCode

from .. import permissions
from ..models import QuarterSnapshot, SnapshotStatus
from ..position import digest, positions_of
from .common import check_quarter, check_year, invalid, lock_agreement, save


@transaction.atomic
def quarter_close(*, actor, agreement, year, quarter, today=None) -> QuarterSnapshot:
    agreement = lock_agreement(agreement, actor)
    check_year(year)
    check_quarter(quarter)
    today = today or timezone.localdate()
    if periods.quarter_dates(year, quarter)[1] >= today:
        raise invalid("quarter", f"{periods.label(year, quarter)} has not ended yet; close it "
                                 "after its last day.")
    snapshot = QuarterSnapshot.objects.select_for_update().filter(
        agreement=agreement, year=year, quarter=quarter).first()
    if snapshot is not None and snapshot.is_closed:
        raise ApplicationError(f"{periods.label(year, quarter)} is already closed.",
                               code=ErrorCode.CONFLICT,
                               errors={"quarter": ["This quarter is already closed."]})
    position = positions_of([agreement], year, quarter, live=True)[agreement.pk]
    position = {k: v for k, v in position.items() if k != "frozen"}
    snapshot = snapshot or QuarterSnapshot(agreement=agreement, year=year, quarter=quarter)
    snapshot.status = SnapshotStatus.CLOSED
    snapshot.position = position
    snapshot.sha256 = digest(position)
    snapshot.closed_by = actor
    snapshot.closed_at = timezone.now()
    return save(snapshot, actor)


@transaction.atomic
def quarter_reopen(*, actor, agreement, year, quarter, reason) -> QuarterSnapshot:
    agreement = lock_agreement(agreement, actor, check=permissions.can_reopen_quarter)
    reason = (reason or "").strip()
    if len(reason) < 10:
        raise invalid("reason", "Say why the quarter must be reopened (at least 10 characters).")
    snapshot = QuarterSnapshot.objects.select_for_update().filter(
        agreement=agreement, year=year, quarter=quarter, status=SnapshotStatus.CLOSED).first()
    if snapshot is None:
        raise invalid("quarter", f"{periods.label(year, quarter)} is not closed.")
    snapshot.status = SnapshotStatus.REOPENED
    snapshot.reopened_by = actor
    snapshot.reopened_at = timezone.now()
    snapshot.reopen_reason = reason
    return save(snapshot, actor)
