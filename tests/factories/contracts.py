"""Factories for providers, contracts, KPIs and returns. Contracts and returns are made
through the services so tests exercise the same rules the portal uses."""
from datetime import date
from decimal import Decimal

import factory

from commissioning.contracts import services
from commissioning.contracts.models import KPI, Contract, Provider, ProviderType


class ProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Provider

    name = factory.Sequence(lambda n: f"Provider {n} Ltd")
    type = ProviderType.INDEPENDENT


def make_contract(area, lead, *, provider=None, agencies=(), reference=None, actor=None,
                  **fields) -> Contract:
    defaults = {
        "title": "Short breaks for disabled children", "total_value": Decimal("900000.00"),
        "annual_value": Decimal("300000.00"), "starts": date(2024, 4, 1),
        "ends": date(2027, 3, 31), "procurement_route": "open", "status": "live",
    }
    defaults.update(fields)
    provider = provider or ProviderFactory(local_area=area)
    reference = reference or f"C-{Contract.objects.count() + 1:04d}"
    return services.contract_create(actor=actor, local_area=area, reference=reference,
                                    provider=provider, lead_agency=lead,
                                    commissioning_agencies=list(agencies), **defaults)


def make_kpi(contract, *, name=None, target="90", direction="higher", tolerance="5",
             unit="%", frequency="quarterly") -> KPI:
    name = name or f"KPI {KPI.objects.filter(contract=contract).count() + 1}"
    return services.kpi_create(actor=None, contract=contract, name=name, unit=unit,
                               target=target, direction=direction, amber_tolerance=tolerance,
                               frequency=frequency)


def add_return(kpi, year, quarter, value, *, today=None, comment=""):
    return services.kpi_returns_submit(
        actor=None, contract=kpi.contract, year=year, quarter=quarter,
        values={kpi.pk: {"value": value, "comment": comment}}, today=today)[0]
