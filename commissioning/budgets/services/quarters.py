"""Closing a quarter by every partner (issue 16).

The pooled fund manager submits the quarter: its live position is frozen (stored values and
their sha256) and a finance officer of each contributing partner confirms it or returns it
with a reason. It is final (`closed`) when every contributing partner has confirmed. A return
unfreezes it for the manager to correct and submit again; reopening a closed quarter needs a
reason, and closing it again needs every partner's confirmation again (a new round).
`quarter_close` closes at once, for the system only (area files, data migrations).
"""
from django.db import transaction
from django.utils import timezone

from portal import periods
from portal.background import defer
from portal.errors import ApplicationError, ErrorCode

from .. import permissions
from ..models import ConfirmationDecision, QuarterConfirmation, QuarterSnapshot, SnapshotStatus
from ..position import digest, positions_of
from .common import check_quarter, check_year, invalid, lock_agreement, require, save

REASON_MIN = 10


def _conflict(message, field="quarter"):
    return ApplicationError(message, code=ErrorCode.CONFLICT, errors={field: [message]})


def _freeze(agreement, snapshot, year, quarter, today):
    """Store the live position and its sha256 on `snapshot` (new or not yet frozen)."""
    check_year(year)
    check_quarter(quarter)
    if periods.quarter_dates(year, quarter)[1] >= today:
        raise invalid("quarter", f"{periods.label(year, quarter)} has not ended yet; close it "
                                 "after its last day.")
    if snapshot is not None and snapshot.is_closed:
        raise _conflict(f"{periods.label(year, quarter)} is already closed.")
    if snapshot is not None and snapshot.status == SnapshotStatus.SUBMITTED:
        raise _conflict(f"{periods.label(year, quarter)} is already submitted and waits for "
                        "the partners' confirmation.")
    position = positions_of([agreement], year, quarter, live=True)[agreement.pk]
    position = {k: v for k, v in position.items() if k != "frozen"}
    if snapshot is None:
        snapshot = QuarterSnapshot(agreement=agreement, year=year, quarter=quarter, round=0)
    snapshot.position = position
    snapshot.sha256 = digest(position)
    snapshot.round += 1
    return snapshot


def _locked(agreement, year, quarter):
    return QuarterSnapshot.objects.select_for_update().filter(
        agreement=agreement, year=year, quarter=quarter).first()


@transaction.atomic
def quarter_close(*, actor, agreement, year, quarter, today=None) -> QuarterSnapshot:
    """Close at once without the partners' confirmation: the system only (actor None)."""
    if actor is not None:
        raise ApplicationError("A quarter is closed when every partner confirms it: the "
                               "pooled fund manager submits it first.",
                               code=ErrorCode.FORBIDDEN)
    agreement = lock_agreement(agreement, None)
    today = today or timezone.localdate()
    snapshot = _freeze(agreement, _locked(agreement, year, quarter), year, quarter, today)
    snapshot.status = SnapshotStatus.CLOSED
    snapshot.closed_at = timezone.now()
    return save(snapshot, actor)


@transaction.atomic
def quarter_submit(*, actor, agreement, year, quarter, today=None) -> QuarterSnapshot:
    """The pooled fund manager freezes the quarter and asks each contributing partner to
    confirm it. With no contributing partner it closes at once."""
    agreement = lock_agreement(agreement, actor, check=permissions.can_submit_quarter)
    today = today or timezone.localdate()
    snapshot = _freeze(agreement, _locked(agreement, year, quarter), year, quarter, today)
    now = timezone.now()
    snapshot.submitted_by, snapshot.submitted_at = actor, now
    snapshot.closed_by = actor
    if snapshot.contributing_agency_ids:
        snapshot.status, snapshot.closed_at = SnapshotStatus.SUBMITTED, None
    else:
        snapshot.status, snapshot.closed_at = SnapshotStatus.CLOSED, now
    snapshot = save(snapshot, actor)
    from .. import tasks

    defer(tasks.quarter_submitted, snapshot.pk)
    return snapshot


def _answer(*, actor, agreement, year, quarter, agency, decision, reason=""):
    agreement = lock_agreement(agreement, actor, check=permissions.can_view_agreement)
    snapshot = _locked(agreement, year, quarter)
    if snapshot is None:
        raise invalid("quarter", f"{periods.label(year, quarter)} has not been submitted.")
    snapshot.agreement = agreement
    require(permissions.can_confirm_quarter(actor, agreement, agency))
    require(permissions.confirm_guard(actor, snapshot, agency), code=ErrorCode.CONFLICT)
    if digest(snapshot.position) != snapshot.sha256:
        raise _conflict("The stored figures no longer match their sha256, so they cannot be "
                        "confirmed. Return the quarter and ask the pooled fund manager to "
                        "submit it again.")
    confirmation = QuarterConfirmation(
        snapshot=snapshot, round=snapshot.round, agency=agency, person=actor,
        decision=decision, reason=reason, sha256=snapshot.sha256, at=timezone.now())
    save(confirmation, actor)
    if decision == ConfirmationDecision.RETURNED:
        snapshot.status = SnapshotStatus.RETURNED
        save(snapshot, actor)
    else:
        confirmed = set(snapshot.confirmations.filter(
            round=snapshot.round, decision=ConfirmationDecision.CONFIRMED)
            .values_list("agency_id", flat=True))
        if confirmed >= set(snapshot.contributing_agency_ids):
            snapshot.status = SnapshotStatus.CLOSED
            snapshot.closed_at = confirmation.at
            save(snapshot, actor)
    from .. import tasks

    defer(tasks.quarter_answered, confirmation.pk)
    return confirmation


@transaction.atomic
def quarter_confirm(*, actor, agreement, year, quarter, agency) -> QuarterConfirmation:
    """A finance officer of `agency` confirms the submitted figures for it."""
    return _answer(actor=actor, agreement=agreement, year=year, quarter=quarter,
                   agency=agency, decision=ConfirmationDecision.CONFIRMED)


@transaction.atomic
def quarter_return(*, actor, agreement, year, quarter, agency, reason) -> QuarterConfirmation:
    """A finance officer of `agency` sends the figures back, saying why; the quarter is live
    again until the pooled fund manager submits it anew."""
    reason = (reason or "").strip()
    if len(reason) < REASON_MIN:
        raise invalid("reason", "Say why the figures are returned (at least 10 characters).")
    return _answer(actor=actor, agreement=agreement, year=year, quarter=quarter,
                   agency=agency, decision=ConfirmationDecision.RETURNED, reason=reason)


@transaction.atomic
def quarter_reopen(*, actor, agreement, year, quarter, reason) -> QuarterSnapshot:
    agreement = lock_agreement(agreement, actor, check=permissions.can_reopen_quarter)
    reason = (reason or "").strip()
    if len(reason) < REASON_MIN:
        raise invalid("reason", "Say why the quarter must be reopened (at least 10 characters).")
    snapshot = QuarterSnapshot.objects.select_for_update().filter(
        agreement=agreement, year=year, quarter=quarter, status=SnapshotStatus.CLOSED).first()
    if snapshot is None:
        raise invalid("quarter", f"{periods.label(year, quarter)} is not closed.")
    snapshot.status = SnapshotStatus.REOPENED
    snapshot.reopened_by = actor
    snapshot.reopened_at = timezone.now()
    snapshot.reopen_reason = reason
    snapshot = save(snapshot, actor)
    from .. import tasks

    defer(tasks.quarter_reopened, snapshot.pk)
    return snapshot
