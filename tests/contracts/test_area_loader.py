"""The demo areas' contracts sections load (through the services), twice, idempotently.

Only the sections this app needs are loaded (agencies, then contracts): the other apps'
sections are theirs to test, and their loaders change while this is written."""
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction

from agencies import area_loader as agencies_loader
from commissioning.contracts import area_loader
from commissioning.contracts.models import KPI, Contract, KPIReturn, Provider
from portal import area_files

AREAS = Path(settings.BASE_DIR) / "demo" / "areas"


def load(path):
    data = area_files.read(path)
    check = area_files.Check()
    for module in (agencies_loader, area_loader):
        module.validate(data, check)
    assert check.problems == []
    ctx = {"source": str(path), "password": "x"}
    with transaction.atomic():
        for module in (agencies_loader, area_loader):
            module.load(data, ctx)
    return ctx


@pytest.mark.django_db
@pytest.mark.parametrize("slug", ["worcestershire", "derbyshire", "llr"])
def test_demo_area_loads_twice(slug):
    load(AREAS / f"{slug}.yaml")
    counts = (Provider.objects.count(), Contract.objects.count(), KPI.objects.count(),
              KPIReturn.objects.count())
    load(AREAS / f"{slug}.yaml")
    assert counts == (Provider.objects.count(), Contract.objects.count(), KPI.objects.count(),
                      KPIReturn.objects.count())
    assert counts[1] >= 4
    rags = set(KPIReturn.objects.values_list("rag", flat=True))
    assert rags == {"green", "amber", "red"}
    # Every contract has the lead among its commissioning agencies.
    for contract in Contract.objects.prefetch_related("commissioning_agencies"):
        assert contract.lead_agency in contract.commissioning_agencies.all()


def test_validation_names_the_problem():
    check = area_files.Check()
    data = {"agencies": [{"key": "wcc"}], "providers": [{"name": "A", "type": "bogus"}],
            "intentions": [{"reference": "TST-2025-001"}],
            "contracts": [{"reference": "X", "title": "T", "provider": "B", "lead": "nope",
                           "intention": "TST-2025-999",
                           "total_value": "lots", "annual_value": 1, "starts": "2025-04-01",
                           "ends": "someday",
                           "kpis": [{"name": "K", "target": 5, "returns": ["ten"]}]}]}
    area_loader.validate(data, check)
    paths = {path for path, _ in check.problems}
    assert {"providers[0].type", "contracts[0].provider", "contracts[0].agencies",
            "contracts[0].total_value", "contracts[0].ends",
            "contracts[0].kpis[0].returns[0]", "contracts[0].intention"} <= paths
