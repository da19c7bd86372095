"""Procurement Act 2023 performance assessments: derived from a year of KPI returns,
changeable with a reason (simple-history keeps every version)."""
from django.db import transaction
from django.utils import timezone

from portal.errors import ApplicationError

from .. import permissions, quarters
from ..models import AssessmentRating, Contract, KPIReturn, PerformanceAssessment
from ..rules import Derivation, derive_rating, quarter_status
from ._common import require, save


def assessment_quarters(contract, on) -> list[tuple[str, int]]:
    """The (up to) four ended quarters before `on` in which the contract ran."""
    result = []
    for year, quarter in quarters.recent(*quarters.last_ended(on), 4):
        first, last = quarters.quarter_dates(year, quarter)
        if last >= contract.starts and first <= contract.ends:
            result.append((year, quarter))
    return result


def derive(contract, on) -> tuple[Derivation, list[tuple[str, int]]]:
    """The rating a year of KPI returns gives (two queries)."""
    periods = assessment_quarters(contract, on)
    kpis = list(contract.kpis.all())
    returns = {(r.kpi_id, r.year, r.quarter): r for r in KPIReturn.objects.filter(
        kpi__contract=contract, year__in={y for y, _ in periods})}
    statuses = [quarter_status(kpi, returns.get((kpi.pk, y, q)), y, q, today=on)
                for kpi in kpis for y, q in periods]
    return derive_rating(statuses), periods


@transaction.atomic
def assessment_create(*, actor, contract, assessed_on=None, rating=None, reason="",
                      summary="") -> PerformanceAssessment:
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    if actor is not None:
        require(permissions.can_assess_contract(actor, contract))
    on = assessed_on or timezone.localdate()
    derivation, periods = derive(contract, on)
    if periods:
        start = max(quarters.quarter_dates(*periods[0])[0], contract.starts)
        end = min(quarters.quarter_dates(*periods[-1])[1], contract.ends)
    else:
        start = end = min(on, contract.ends)
    rating = rating or derivation.rating
    _check_rating(rating, derivation.rating, reason)
    text = summary or (f"{derivation.green} green, {derivation.amber} amber, {derivation.red} "
                       f"red and {derivation.missing} missing KPI results in the period.")
    assessment = PerformanceAssessment(
        contract=contract, period_start=start, period_end=end, assessed_on=on,
        derived_rating=derivation.rating, rating=rating, reason=(reason or "").strip(),
        summary=text, assessed_by=actor if getattr(actor, "pk", None) else None)
    return save(assessment, actor)


@transaction.atomic
def assessment_update(*, actor, assessment, rating, reason) -> PerformanceAssessment:
    """Change the rating; a reason is always required (it is kept in the history)."""
    assessment = PerformanceAssessment.objects.select_for_update().select_related(
        "contract").get(pk=assessment.pk)
    if actor is not None:
        require(permissions.can_assess_contract(actor, assessment.contract))
    if not (reason or "").strip():
        raise ApplicationError("Give a reason for changing the rating",
                               errors={"reason": ["Give a reason for changing the rating"]})
    _check_rating(rating, assessment.derived_rating, reason)
    assessment.rating, assessment.reason = rating, reason.strip()
    return save(assessment, actor)


def _check_rating(rating, derived, reason):
    if rating not in AssessmentRating.values:
        raise ApplicationError("Choose a rating", errors={"rating": ["Choose a rating"]})
    if rating != derived and not (reason or "").strip():
        message = ("Give a reason for a rating different from the one the KPI returns give "
                   f"({AssessmentRating(derived).label})")
        raise ApplicationError(message, errors={"reason": [message]})
