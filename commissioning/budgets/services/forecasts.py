"""Forecast outturns and commitments, per schedule per quarter."""
from django.db import transaction

from portal.money import to_money

from ..models import Commitment, Forecast
from .common import check_quarter, check_year, ensure_open, invalid, lock_agreement, save


def _amount(value, field):
    try:
        amount = to_money(value)
    except ValueError as exc:
        raise invalid(field, "Enter an amount in pounds, like 1250000.00.") from exc
    if amount < 0:
        raise invalid(field, "The amount cannot be negative.")
    return amount


def _upsert(model, *, actor, schedule, year, quarter, values):
    obj = model.objects.filter(schedule=schedule, year=year, quarter=quarter).first()
    obj = obj or model(schedule=schedule, year=year, quarter=quarter)
    if obj.pk and all(getattr(obj, k) == v for k, v in values.items()):
        return obj
    for key, value in values.items():
        setattr(obj, key, value)
    return save(obj, actor)


@transaction.atomic
def forecast_set(*, actor, schedule, year, quarter, outturn, note="") -> Forecast:
    agreement = lock_agreement(schedule.agreement, actor)
    check_year(year)
    check_quarter(quarter)
    ensure_open(agreement, year=year, quarter=quarter, field="outturn")
    return _upsert(Forecast, actor=actor, schedule=schedule, year=year, quarter=quarter,
                   values={"outturn": _amount(outturn, "outturn"), "note": note.strip()})


@transaction.atomic
def commitment_set(*, actor, schedule, year, quarter, amount, note="") -> Commitment:
    agreement = lock_agreement(schedule.agreement, actor)
    check_year(year)
    check_quarter(quarter)
    ensure_open(agreement, year=year, quarter=quarter, field="amount")
    return _upsert(Commitment, actor=actor, schedule=schedule, year=year, quarter=quarter,
                   values={"amount": _amount(amount, "amount"), "note": note.strip()})


@transaction.atomic
def forecasts_set(*, actor, agreement, year, quarter, entries) -> int:
    """Many schedules at once (the forecast page): `entries` is a list of dicts with
    `schedule`, `outturn`, optional `committed` and `note`. All or nothing."""
    changed = 0
    for entry in entries:
        if entry["schedule"].agreement_id != agreement.pk:
            raise invalid("schedule", "That schedule is not part of this agreement.")
        if entry.get("outturn") not in (None, ""):
            forecast_set(actor=actor, schedule=entry["schedule"], year=year, quarter=quarter,
                         outturn=entry["outturn"], note=entry.get("note", ""))
            changed += 1
        if entry.get("committed") not in (None, ""):
            commitment_set(actor=actor, schedule=entry["schedule"], year=year,
                           quarter=quarter, amount=entry["committed"])
    return changed
