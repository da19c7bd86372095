"""KPI returns: one value per KPI per quarter, rated against the target when it is saved."""
from django.db import transaction
from django.utils import timezone

from portal.errors import ApplicationError, ErrorCode

from .. import permissions, quarters
from ..models import KPI, Contract, KPIReturn
from ..rules import is_expected, kpi_rag
from ._common import require, save, to_decimal


def _check_quarter(contract, year, quarter, *, today):
    """(year, quarter) as validated values; ApplicationError naming the bad field."""
    errors = {}
    try:
        quarters.parse_year(year)
    except ValueError:
        errors["year"] = ["Enter the financial year like 2025-26"]
    try:
        quarter = int(quarter)
    except (TypeError, ValueError):
        quarter = None
    if quarter not in (1, 2, 3, 4):
        errors["quarter"] = ["Choose a quarter from 1 to 4"]
    if errors:
        raise ApplicationError(next(iter(errors.values()))[0], errors=errors)
    first, last = quarters.quarter_dates(year, quarter)
    if last >= today:
        message = f"{year} Q{quarter} has not ended yet: returns are entered after the quarter"
        raise ApplicationError(message, errors={"quarter": [message]})
    if last < contract.starts or first > contract.ends:
        message = f"The contract did not run in {year} Q{quarter}"
        raise ApplicationError(message, errors={"quarter": [message]})
    return year, quarter


def _check_value(kpi, raw, field):
    value = to_decimal(raw, field, f"the value for {kpi.name}")
    if kpi.unit.strip() == "%" and not 0 <= value <= 100:
        raise ApplicationError(f"{kpi.name}: a percentage is between 0 and 100",
                               errors={field: ["Enter a percentage between 0 and 100"]})
    if abs(value) >= 10 ** 10:
        raise ApplicationError(f"{kpi.name}: the value is too large",
                               errors={field: ["Enter a value below 10,000,000,000"]})
    return value


@transaction.atomic
def kpi_returns_submit(*, actor, contract, year, quarter, values, today=None) -> list[KPIReturn]:
    """Enter a quarter's returns for some of a contract's KPIs, all or nothing.

    `values` maps KPI id to {"value": ..., "comment": ...}. Errors are keyed `kpi-<id>`.
    A KPI that already has a return for the quarter is refused (change it instead)."""
    today = today or timezone.localdate()
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    if actor is not None:
        require(permissions.can_submit_returns(actor, contract))
    year, quarter = _check_quarter(contract, str(year).strip(), quarter, today=today)
    kpis = {k.pk: k for k in KPI.objects.filter(contract=contract)}
    existing = set(KPIReturn.objects.filter(kpi__contract=contract, year=year, quarter=quarter)
                   .values_list("kpi_id", flat=True))
    errors, rows = {}, []
    if not values:
        raise ApplicationError("Enter at least one KPI value", errors={
            "non_field_errors": ["Enter at least one KPI value"]})
    for kpi_id, item in values.items():
        field = f"kpi-{kpi_id}"
        kpi = kpis.get(_int(kpi_id))
        if kpi is None:
            errors[field] = ["That KPI is not one of this contract's"]
            continue
        if kpi.pk in existing:
            errors[field] = [f"{kpi.name} already has a return for {year} Q{quarter}"]
            continue
        if not is_expected(kpi, quarter):
            errors[field] = [f"{kpi.name} is reported {kpi.get_frequency_display().lower()}, "
                             f"not in Q{quarter}"]
            continue
        try:
            value = _check_value(kpi, item.get("value"), field)
        except ApplicationError as exc:
            errors.update(exc.errors)
            continue
        rows.append(KPIReturn(kpi=kpi, year=year, quarter=quarter, value=value,
                              rag=kpi_rag(kpi, value), comment=(item.get("comment") or "").strip(),
                              submitted_by=actor if getattr(actor, "pk", None) else None))
    if errors:
        duplicate = all("already has a return" in e[0] for e in errors.values())
        raise ApplicationError(next(iter(errors.values()))[0], errors=errors,
                               code=ErrorCode.CONFLICT if duplicate else ErrorCode.INVALID)
    return [save(row, actor) for row in rows]


@transaction.atomic
def kpi_return_correct(*, actor, kpi_return, value, comment=None) -> KPIReturn:
    """Correct a return's value (history keeps the old one); the RAG is worked out again."""
    kpi_return = KPIReturn.objects.select_for_update().select_related("kpi__contract").get(
        pk=kpi_return.pk)
    if actor is not None:
        require(permissions.can_submit_returns(actor, kpi_return.kpi.contract))
    kpi_return.value = _check_value(kpi_return.kpi, value, "value")
    kpi_return.rag = kpi_rag(kpi_return.kpi, kpi_return.value)
    if comment is not None:
        kpi_return.comment = comment.strip()
    return save(kpi_return, actor)


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
