"""Writes of the contracts app (one transaction each, audited). Import from here."""
from .assessments import assessment_create, assessment_update
from .contracts import (
    contract_create,
    contract_update,
    kpi_create,
    kpi_update,
    quality_visit_record,
)
from .pipeline import contract_review_intention_create
from .providers import provider_create, provider_update
from .returns import kpi_return_correct, kpi_returns_submit

__all__ = [
    "assessment_create", "assessment_update", "contract_create", "contract_update",
    "kpi_create", "kpi_update", "quality_visit_record", "contract_review_intention_create",
    "provider_create", "provider_update", "kpi_return_correct", "kpi_returns_submit",
]
