"""Writes for contracts, their KPIs and quality visits."""
from django.db import transaction

from agencies.models import Agency
from portal import audit
from portal.errors import ApplicationError
from portal.money import to_money

from .. import permissions
from ..models import KPI, Contract, Provider, QualityVisit
from ._common import invalid, require, save, to_decimal

CONTRACT_FIELDS = ("reference", "title", "description", "provider", "lead_agency", "intention",
                   "schedule",
                   "total_value", "annual_value", "value_is_sensitive", "starts", "ends",
                   "extension_options", "procurement_route", "is_light_touch", "status",
                   "published_on_contracts_finder", "contracts_finder_id")
MONEY_FIELDS = ("total_value", "annual_value")


def _money(fields):
    for name in MONEY_FIELDS:
        if name in fields and fields[name] is not None:
            try:
                fields[name] = to_money(fields[name])
            except (ValueError, TypeError):
                invalid(name, "Enter an amount of money, like 250000 or 250000.00")


def _check_same_area(contract, agencies):
    area_id = contract.local_area_id
    if contract.provider_id and Provider.objects.filter(
            pk=contract.provider_id).exclude(local_area_id=area_id).exists():
        invalid("provider", "Choose a provider from this local area")
    if contract.lead_agency_id and Agency.objects.filter(
            pk=contract.lead_agency_id).exclude(local_area_id=area_id).exists():
        invalid("lead_agency", "Choose a lead agency from this local area")
    if any(a.local_area_id != area_id for a in agencies):
        invalid("commissioning_agencies", "Choose commissioning agencies from this local area")
    if contract.intention_id and contract.intention.local_area_id != area_id:
        invalid("intention", "Choose an intention from this local area")
    if contract.schedule_id and contract.schedule.agreement.local_area_id != area_id:
        invalid("schedule", "Choose a pooled budget schedule from this local area")
    clash = Contract.objects.filter(local_area_id=area_id, reference__iexact=contract.reference)
    if clash.exclude(pk=contract.pk).exists():
        invalid("reference", "Another contract in this area has that reference")


def _set_agencies(contract, agencies, actor):
    agencies = {a.pk: a for a in agencies}
    agencies.setdefault(contract.lead_agency_id, contract.lead_agency)
    contract._history_user = actor
    contract.commissioning_agencies.set(list(agencies.values()))


@transaction.atomic
def contract_create(*, actor, local_area, commissioning_agencies=(), **fields) -> Contract:
    lead = fields.get("lead_agency")
    if actor is not None:
        require(permissions.can_create_contract(actor, local_area, lead))
    _money(fields)
    contract = Contract(local_area=local_area,
                        **{k: v for k, v in fields.items() if k in CONTRACT_FIELDS})
    agencies = list(commissioning_agencies)
    _check_same_area(contract, agencies)
    with audit.creating(contract):  # the agencies belong to the creation in the audit
        save(contract, actor)
        _set_agencies(contract, agencies, actor)
    return contract


@transaction.atomic
def contract_update(*, actor, contract, commissioning_agencies=None, **fields) -> Contract:
    contract = Contract.objects.select_for_update().select_related("lead_agency").get(
        pk=contract.pk)
    if actor is not None:
        require(permissions.can_change_contract(actor, contract))
    _money(fields)
    for key, value in fields.items():
        if key in CONTRACT_FIELDS:
            setattr(contract, key, value)
    agencies = list(commissioning_agencies) if commissioning_agencies is not None else list(
        contract.commissioning_agencies.all())
    if actor is not None and fields.get("lead_agency") is not None:
        require(permissions.can_create_contract(actor, contract.local_area, contract.lead_agency))
    _check_same_area(contract, agencies)
    save(contract, actor)
    _set_agencies(contract, agencies, actor)
    return contract


# --- KPIs ------------------------------------------------------------------------------
KPI_FIELDS = ("name", "unit", "target", "direction", "amber_tolerance", "frequency", "position")


def _kpi_numbers(fields):
    if "target" in fields:
        fields["target"] = to_decimal(fields["target"], "target", "the target")
    if fields.get("amber_tolerance") not in (None, ""):
        fields["amber_tolerance"] = to_decimal(fields["amber_tolerance"], "amber_tolerance",
                                               "the amber tolerance")
        if fields["amber_tolerance"] < 0:
            invalid("amber_tolerance", "The amber tolerance cannot be negative")
    else:
        fields.pop("amber_tolerance", None)


@transaction.atomic
def kpi_create(*, actor, contract, **fields) -> KPI:
    if actor is not None:
        require(permissions.can_change_contract(actor, contract))
    _kpi_numbers(fields)
    if KPI.objects.filter(contract=contract, name__iexact=fields.get("name", "")).exists():
        invalid("name", "This contract already has a KPI with that name")
    kpi = KPI(contract=contract, **{k: v for k, v in fields.items() if k in KPI_FIELDS})
    if "position" not in fields:
        kpi.position = KPI.objects.filter(contract=contract).count() + 1
    return save(kpi, actor)


@transaction.atomic
def kpi_update(*, actor, kpi, **fields) -> KPI:
    """Change a KPI; a new target or tolerance re-rates the returns already in."""
    from ..rules import kpi_rag

    kpi = KPI.objects.select_for_update().select_related("contract").get(pk=kpi.pk)
    if actor is not None:
        require(permissions.can_change_contract(actor, kpi.contract))
    _kpi_numbers(fields)
    for key, value in fields.items():
        if key in KPI_FIELDS:
            setattr(kpi, key, value)
    save(kpi, actor)
    for kpi_return in kpi.returns.all():
        rag = kpi_rag(kpi, kpi_return.value)
        if rag != kpi_return.rag:
            kpi_return.rag = rag
            kpi_return._history_user = actor
            kpi_return.save(update_fields=["rag"])
    return kpi


# --- quality visits --------------------------------------------------------------------
@transaction.atomic
def quality_visit_record(*, actor, contract, visited_on, findings, rating,
                         actions="") -> QualityVisit:
    if actor is not None:
        require(permissions.can_change_contract(actor, contract))
    if not (findings or "").strip():
        raise ApplicationError("Enter what the visit found", errors={
            "findings": ["Enter what the visit found"]})
    visit = QualityVisit(contract=contract, visited_on=visited_on, findings=findings,
                         rating=rating, actions=actions or "",
                         recorded_by=actor if getattr(actor, "pk", None) else None)
    return save(visit, actor)
