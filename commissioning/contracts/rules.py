"""The rules of contract monitoring as plain functions, so pages, the API, reports and
tests share one answer: KPI RAG, missing returns, Procurement Act checks, assessments."""
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings

from . import quarters
from .models import (
    ACTIVE_STATUSES,
    FREQUENCY_QUARTERS,
    AssessmentRating,
    ContractStatus,
    Direction,
    Rag,
)

# Procurement Act 2023, s.52: above this total value a contract needs at least three KPIs.
KPI_THRESHOLD = Decimal("5000000.00")
MIN_KPIS_ABOVE_THRESHOLD = 3
ASSESSMENT_INTERVAL_DAYS = 365
# A quarter's return is due this many days after the quarter ends; after that it is missing.
RETURN_GRACE_DAYS = 30
MISSING = "missing"
NOT_DUE = "not-due"
RAG_LABELS = {Rag.GREEN: "Green", Rag.AMBER: "Amber", Rag.RED: "Red", MISSING: "Missing",
              NOT_DUE: "Not yet due"}
RAG_TAG_COLOURS = {Rag.GREEN: "green", Rag.AMBER: "yellow", Rag.RED: "red", MISSING: "red",
                   NOT_DUE: "grey"}


def expiry_window_months() -> int:
    return int(getattr(settings, "CONTRACTS_EXPIRY_PIPELINE_MONTHS", 18))


def rag_for(*, target: Decimal, direction: str, tolerance: Decimal, value: Decimal) -> str:
    """Green on or past the target; amber within `tolerance` on the wrong side; else red."""
    shortfall = target - value if direction == Direction.HIGHER else value - target
    if shortfall <= 0:
        return Rag.GREEN
    if shortfall <= tolerance:
        return Rag.AMBER
    return Rag.RED


def kpi_rag(kpi, value: Decimal) -> str:
    return rag_for(target=kpi.target, direction=kpi.direction, tolerance=kpi.amber_tolerance,
                   value=value)


def is_expected(kpi, quarter: int) -> bool:
    """Whether the KPI's frequency asks for a return in this quarter."""
    return quarter in FREQUENCY_QUARTERS[kpi.frequency]


def expected_frequencies(quarter: int) -> list[str]:
    """The KPI frequencies that ask for a return in this quarter (`is_expected` for a set)."""
    return [f for f, asked in FREQUENCY_QUARTERS.items() if quarter in asked]


def return_due(year: str, quarter: int) -> date:
    return quarters.quarter_dates(year, quarter)[1] + timedelta(days=RETURN_GRACE_DAYS)


def quarter_status(kpi, kpi_return, year: str, quarter: int, *, today: date) -> str | None:
    """The RAG of a KPI in a quarter: the return's, MISSING once overdue, NOT_DUE before;
    None when the KPI's frequency asks for nothing that quarter."""
    if kpi_return is not None:
        return kpi_return.rag
    if not is_expected(kpi, quarter):
        return None
    return MISSING if today > return_due(year, quarter) else NOT_DUE


def return_missing(kpi, kpi_return, year: str, quarter: int, *, today: date) -> bool:
    """Whether the dashboard lists the KPI's return as missing: the quarter's status is
    MISSING and the contract ran in the quarter without being only planned.
    `selectors.rag_summary` applies this rule to a whole area in SQL; the tests prove the
    two agree."""
    contract = kpi.contract
    first, last = quarters.quarter_dates(year, quarter)
    return (contract.status != ContractStatus.PLANNED and contract.starts <= last
            and contract.ends >= first
            and quarter_status(kpi, kpi_return, year, quarter, today=today) == MISSING)


def kpi_warnings(contract, kpi_count: int) -> list[str]:
    if (contract.total_value > KPI_THRESHOLD and kpi_count < MIN_KPIS_ABOVE_THRESHOLD
            and not contract.is_light_touch):
        return [f"This contract is worth more than £5,000,000 and has {kpi_count} "
                f"KPI{'s' if kpi_count != 1 else ''}: the Procurement Act 2023 asks for at "
                f"least {MIN_KPIS_ABOVE_THRESHOLD} (unless it is a light-touch contract)."]
    return []


@dataclass(frozen=True)
class Derivation:
    rating: str
    green: int
    amber: int
    red: int
    missing: int

    @property
    def total(self):
        return self.green + self.amber + self.red + self.missing


def derive_rating(statuses) -> Derivation:
    """Rate a year of KPI results. Missing returns count as red (a provider that does not
    report cannot show it met its targets). No results at all rates Other.

    Good: no red and at most a quarter amber. Approaching target: at most a quarter red.
    Requires improvement: at most half red. Inadequate: more than half red."""
    counts = {Rag.GREEN: 0, Rag.AMBER: 0, Rag.RED: 0, MISSING: 0}
    for status in statuses:
        if status in counts:
            counts[status] += 1
    d = Derivation(AssessmentRating.OTHER, counts[Rag.GREEN], counts[Rag.AMBER],
                   counts[Rag.RED], counts[MISSING])
    if d.total == 0:
        return d
    red = d.red + d.missing
    if red == 0 and d.amber * 4 <= d.total:
        rating = AssessmentRating.GOOD
    elif red * 4 <= d.total:
        rating = AssessmentRating.APPROACHING
    elif red * 2 <= d.total:
        rating = AssessmentRating.REQUIRES_IMPROVEMENT
    else:
        rating = AssessmentRating.INADEQUATE
    return Derivation(rating, d.green, d.amber, d.red, d.missing)


def assessment_due(contract, last_assessed: date | None) -> date | None:
    """When the next performance assessment is due (12 months after the last, or after the
    start); None for contracts not running."""
    if contract.status not in ACTIVE_STATUSES:
        return None
    since = last_assessed or contract.starts
    return since + timedelta(days=ASSESSMENT_INTERVAL_DAYS)


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)
