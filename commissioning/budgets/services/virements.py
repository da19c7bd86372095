"""Virements: moving budget from one schedule to another of the same agreement (issue 16).

Rules (see docs/budgets.md):
- an amount of money more than zero, to the penny; two different schedules of this agreement;
  a financial year and the first quarter whose position it changes; a reason;
- that quarter and every later quarter of the year must be open (not submitted or closed):
  a virement never changes figures partners have confirmed or are confirming, so a closed
  quarter's snapshot, its sha256 and the year-end settlement drawn from it stay as they are;
- no more than the from-schedule's remaining budget at that quarter: its revised budget
  less its spend to date and less what other virements awaiting approval would take out;
- each partner the agreement names approves through an approver within their delegated
  limit (`agencies.permissions.can_approve_for`); when a partner has no approver whose limit
  covers the amount the virement is `referred`: a board must decide;
- once every partner has approved it takes effect: each partner's part of the from-schedule's
  contributions moves to the to-schedule (`split`, largest remainder), so every partner's
  total and the pool's total are unchanged, penny-exact.
"""
import unicodedata
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from portal import periods
from portal.background import defer
from portal.errors import ApplicationError, ErrorCode
from portal.money import split_largest_remainder, to_money

from .. import permissions, selectors
from ..models import ApprovalDecision, Schedule, Virement, VirementApproval, VirementStatus
from ..position import positions_of
from . import spend
from .common import (
    check_quarter,
    check_year,
    closed_quarters,
    invalid,
    lock_agreement,
    require,
    save,
)

REASON_MIN = 10
PENDING = (VirementStatus.PROPOSED, VirementStatus.REFERRED)


def _conflict(message, field="quarter"):
    return ApplicationError(message, code=ErrorCode.CONFLICT, errors={field: [message]})


def check_amount(value) -> Decimal:
    """The spend entry's checks (`spend.parse_amount`, `spend.check_amount`): more than
    zero, pounds and pence, at most £999,999,999,999.99; no exponent notation."""
    text = str(value if value is not None else "")
    try:
        if "e" in text.lower():
            raise ValueError("exponent")
        amount = value if isinstance(value, Decimal) else spend.parse_amount(text)
    except ValueError:
        raise invalid("amount", "Enter the amount in pounds and pence, like 1250.00 (at most "
                                "two decimal places).") from None
    problem = spend.check_amount(amount)
    if problem:
        raise invalid("amount", problem)
    return to_money(amount)


def ensure_quarters_open(agreement, year, quarter, field="quarter"):
    """The virement's quarter and every later one of the year must be open."""
    frozen = sorted(q for y, q in closed_quarters(agreement) if y == year and q >= quarter)
    if frozen:
        raise _conflict(f"{periods.label(year, frozen[0])} is submitted or closed, so a "
                        f"virement from {periods.label(year, quarter)} would change figures "
                        "the partners have confirmed. Choose a later, open quarter (or "
                        "reopen it first).", field)


def remaining_budget(agreement, schedule, year, quarter, *, excluding=None):
    """The from-schedule's revised budget at the quarter, less its spend to date, less
    virements out of it still awaiting approval (or a board)."""
    position = positions_of([agreement], year, quarter, live=True)[agreement.pk]
    row = next((r for r in position["schedules"] if r["id"] == schedule.pk), None)
    if row is None:
        return Decimal("0.00"), None
    pending = Virement.objects.filter(agreement=agreement, year=year, from_schedule=schedule,
                                      status__in=PENDING)
    if excluding is not None:
        pending = pending.exclude(pk=excluding.pk)
    held = sum((v.amount for v in pending), Decimal("0.00"))
    return Decimal(row["budget"]) - Decimal(row["spend_to_date"]) - held, row


def _check_remaining(agreement, virement, *, excluding=None):
    remaining, row = remaining_budget(agreement, virement.from_schedule, virement.year,
                                      virement.quarter, excluding=excluding)
    if virement.amount > remaining:
        period = periods.label(virement.year, virement.quarter)
        raise invalid("amount", f"{virement.from_schedule.code} has £{max(remaining, 0):,.2f} "
                                f"of budget left at {period} (after its spend and other "
                                "virements awaiting approval): move no more than that.")
    return row


def _schedule(agreement, value, field):
    if isinstance(value, Schedule):
        schedule = value if value.agreement_id == agreement.pk else None
    else:
        schedule = (Schedule.objects.filter(agreement=agreement, code=str(value or "").strip())
                    .first() if value not in (None, "") else None)
        if schedule is None and str(value or "").isdigit():
            schedule = Schedule.objects.filter(agreement=agreement, pk=int(value)).first()
    if schedule is None:
        raise invalid(field, "Select a schedule of this agreement.")
    return schedule


@transaction.atomic
def virement_propose(*, actor, agreement, year, quarter, from_schedule, to_schedule, amount,
                     reason) -> Virement:
    agreement = lock_agreement(agreement, actor, check=permissions.can_propose_virement)
    check_year(year)
    check_quarter(quarter)
    source = _schedule(agreement, from_schedule, "from_schedule")
    target = _schedule(agreement, to_schedule, "to_schedule")
    if source.pk == target.pk:
        raise invalid("to_schedule", "Select a different schedule to move the budget to.")
    amount = check_amount(amount)
    reason = (reason or "").replace("\r\n", "\n").strip()
    if any(unicodedata.category(c) == "Cc" and c not in "\n\t" for c in reason):
        raise invalid("reason", "The reason contains control characters; remove them.")
    if len(reason) > 2000:
        raise invalid("reason", "Keep the reason to 2,000 characters.")
    if len(reason) < REASON_MIN:
        raise invalid("reason", "Enter the reason for the virement (at least 10 characters).")
    ensure_quarters_open(agreement, year, quarter)
    virement = Virement(agreement=agreement, year=year, quarter=quarter, from_schedule=source,
                        to_schedule=target, amount=amount, reason=reason, proposed_by=actor,
                        proposed_at=timezone.now())
    _check_remaining(agreement, virement)
    parties = {p.pk for p in agreement.parties.all()}
    covered = set(selectors.approvers_by_agency(parties, amount))
    virement.status = (VirementStatus.PROPOSED if parties <= covered
                       else VirementStatus.REFERRED)
    save(virement, actor)
    from .. import tasks

    defer(tasks.virement_proposed, virement.pk)
    return virement


def _locked(agreement, virement):
    locked = (Virement.objects.select_for_update().select_related("from_schedule", "to_schedule")
              .filter(pk=virement.pk, agreement=agreement).first())
    if locked is None:
        raise ApplicationError("No such virement.", code=ErrorCode.NOT_FOUND)
    locked.agreement = agreement
    return locked


def _answer(*, actor, agreement, virement, agency, decision, reason=""):
    agreement = lock_agreement(agreement, actor, check=permissions.can_view_agreement)
    virement = _locked(agreement, virement)
    agency_id = getattr(agency, "pk", agency)
    answered = virement.approvals.filter(agency_id=agency_id).exists()
    # the wrong person is a 403; a virement no longer waiting for this partner a 409
    require(permissions.virement_approve_guard(actor, virement, agency_id),
            code=ErrorCode.FORBIDDEN if virement.status == VirementStatus.PROPOSED
            and not answered else ErrorCode.CONFLICT)
    now = timezone.now()
    answer = save(VirementApproval(virement=virement, agency_id=agency_id, person=actor,
                                   decision=decision, reason=reason, at=now), actor)
    if decision == ApprovalDecision.REJECTED:
        virement.status, virement.decided_at = VirementStatus.REJECTED, now
        save(virement, actor)
    else:
        approved = set(virement.approvals.filter(decision=ApprovalDecision.APPROVED)
                       .values_list("agency_id", flat=True))
        if approved >= {p.pk for p in agreement.parties.all()}:
            ensure_quarters_open(agreement, virement.year, virement.quarter, "agency")
            row = _check_remaining(agreement, virement, excluding=virement)
            virement.split = split_of(row, virement.amount)
            virement.status, virement.decided_at = VirementStatus.APPROVED, now
            save(virement, actor)
    return answer


def split_of(row, amount) -> list[dict]:
    """Each partner's part of the amount, in proportion to its (revised) contribution to
    the from-schedule (largest remainder, so the parts add to the amount exactly)."""
    funding = [(f["agency"], Decimal(f["planned"])) for f in row["funding"]
               if Decimal(f["planned"]) > 0]
    if not funding:
        raise invalid("amount", "The schedule has no contributions to move.")
    parts = split_largest_remainder(amount, [w for _, w in funding])
    return [{"agency": a, "amount": f"{p:.2f}"} for (a, _), p in zip(funding, parts, strict=True)
            if p]


@transaction.atomic
def virement_approve(*, actor, agreement, virement, agency) -> VirementApproval:
    """An approver of `agency` approves within their limit; the last partner's approval
    makes it take effect (checked again: quarters open, budget left)."""
    return _answer(actor=actor, agreement=agreement, virement=virement, agency=agency,
                   decision=ApprovalDecision.APPROVED)


@transaction.atomic
def virement_reject(*, actor, agreement, virement, agency, reason) -> VirementApproval:
    reason = (reason or "").strip()
    if len(reason) < REASON_MIN:
        raise invalid("reason", "Enter why the virement is rejected (at least 10 characters).")
    return _answer(actor=actor, agreement=agreement, virement=virement, agency=agency,
                   decision=ApprovalDecision.REJECTED, reason=reason)
