"""Helpers shared by the budget services: saving with audit, permission, frozen quarters."""

from portal import periods
from portal.errors import ApplicationError, ErrorCode
from portal.services import require, save  # noqa: F401 - the shared kernel's, used here

from .. import permissions
from ..models import FROZEN_STATUSES, QuarterSnapshot, Section75Agreement


def lock_agreement(agreement, actor, check=permissions.can_change_agreement):
    """Re-read the agreement under a row lock (closing a quarter races with spend entry)
    and check the actor may change it."""
    locked = Section75Agreement.objects.select_for_update().get(pk=agreement.pk)
    if actor is not None:
        require(check(actor, locked))
    return locked


def closed_quarters(agreement) -> set[tuple[str, int]]:
    """Quarters whose figures are frozen: closed, or submitted and awaiting confirmation."""
    return set(QuarterSnapshot.objects.filter(agreement=agreement, status__in=FROZEN_STATUSES)
               .values_list("year", "quarter"))


def closed_message(year, quarter) -> str:
    return (f"{periods.label(year, quarter)} is closed (or submitted for the partners' "
            "confirmation), so it cannot change. A partner can return a submitted quarter; "
            "an approver or the pooled fund manager can reopen a closed one with a reason.")


def ensure_open(agreement, *, year, quarter, field="date"):
    if (year, quarter) in closed_quarters(agreement):
        message = closed_message(year, quarter)
        raise ApplicationError(message, code=ErrorCode.CONFLICT, errors={field: [message]})


def ensure_year_open(agreement, year, field="amount"):
    """A contribution's base amount is fixed once any quarter of its year is closed; later
    changes are dated variations in an open quarter."""
    closed = sorted(q for y, q in closed_quarters(agreement) if y == year)
    if closed:
        message = (f"Q{closed[0]} {year} is closed, so the year's contributions are fixed. "
                   "Record an in-year variation dated in an open quarter instead.")
        raise ApplicationError(message, code=ErrorCode.CONFLICT, errors={field: [message]})


def check_year(year, field="year"):
    try:
        periods.parse_year(year)
    except ValueError as exc:
        raise ApplicationError(str(exc), errors={field: [str(exc)]}) from exc
    return year


def check_quarter(quarter, field="quarter"):
    if quarter not in periods.QUARTERS:
        message = "Choose a quarter from 1 to 4."
        raise ApplicationError(message, errors={field: [message]})
    return quarter


def invalid(field, message):
    return ApplicationError(message, errors={field: [message]})
