"""The budgets section of the real demo area files loads, twice (idempotent), and a bad
section is refused with paths."""
from pathlib import Path

import pytest
from django.conf import settings

from commissioning.budgets import area_loader
from commissioning.budgets.models import (
    JointPackage,
    QuarterSnapshot,
    Section75Agreement,
    Spend,
)
from commissioning.budgets.position import position_of
from portal import area_files
from portal.area_files import Check

AREAS = Path(settings.BASE_DIR) / "demo" / "areas"


def counts():
    return (Section75Agreement.objects.count(), Spend.objects.count(),
            JointPackage.objects.count(), QuarterSnapshot.objects.count())


@pytest.mark.django_db
def test_demo_areas_load_twice():
    for slug in ("derbyshire", "worcestershire", "llr"):
        area_files.load(AREAS / f"{slug}.yaml", password="x")
    first = counts()
    for slug in ("derbyshire", "worcestershire", "llr"):
        area_files.load(AREAS / f"{slug}.yaml", password="x")
    assert counts() == first
    pool = Section75Agreement.objects.get(title="Section 75 complex cases pooled fund")
    q3 = position_of(pool, "2025-26", 3)
    assert q3["total_pool"] == "7200000.00"
    assert q3["variance"].startswith("4") and not q3["frozen"]   # an overspend by Q3
    icb = next(s for s in q3["risk_share"] if s["name"] == "DDICB")
    assert icb["share"] == "150000.00"                            # capped
    assert position_of(pool, "2025-26", 2)["frozen"]
    assert JointPackage.objects.filter(local_area__slug="derbyshire").count() == 4
    assert Section75Agreement.objects.filter(local_area__slug__in=["llr", "worcestershire"]) \
        .count() == 2


def test_bad_section_is_reported_with_paths():
    check = Check()
    area_loader.validate({
        "area": {"slug": "x"}, "agencies": [{"key": "a"}, {"key": "b"}],
        "budgets": {"agreements": [{
            "title": "T", "host": "c", "parties": ["a", "z"], "starts": "soon",
            "schedules": [{"code": "S1", "name": "n", "lead": "a",
                           "contributions": {"2025-27": {"a": 1}},
                           "monthly_spend": {"2025-26": ["lots"]}}]}],
            "joint_packages": [{"reference": "Tom Smith", "needs_category": "x",
                                "annual_cost": 1, "request_date": "2025-01-01"}]}}, check)
    paths = {path for path, _ in check.problems}
    assert {"budgets.agreements[0].parties[1]", "budgets.agreements[0].host",
            "budgets.agreements[0].starts",
            "budgets.agreements[0].schedules[0].contributions.2025-27",
            "budgets.agreements[0].schedules[0].monthly_spend.2025-26[0]",
            "budgets.joint_packages[0].reference",
            "budgets.joint_packages[0].needs_category"} <= paths
