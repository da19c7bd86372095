"""The cycle's sections of the real demo area files load, twice, without changes.

Only the sections the cycle builds on (agencies) and its own are loaded, so this test
does not depend on the state of the other apps' sections; the full file is validated.
"""
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.db import transaction

from agencies import area_loader as agencies_loader
from commissioning import area_loader as cycle_loader
from commissioning.models import (
    Action,
    BoardReferral,
    Disagreement,
    GateStatus,
    Intention,
    SignOff,
    StageGate,
    Strategy,
)
from portal import area_files

pytestmark = pytest.mark.django_db
DEMO = Path(settings.BASE_DIR) / "demo" / "areas"


def _load(path):
    data = area_files.read(path)
    check = area_files.Check()
    agencies_loader.validate(data, check)
    cycle_loader.validate(data, check)
    assert check.problems == []
    ctx = {"password": "x"}
    with transaction.atomic():
        agencies_loader.load(data, ctx)
        cycle_loader.load(data, ctx)


def _counts():
    return (Strategy.objects.count(), Intention.objects.count(), StageGate.objects.count(),
            SignOff.objects.count(), BoardReferral.objects.count(), Action.objects.count(),
            Disagreement.objects.count(), Intention.history.count())


@pytest.mark.parametrize("slug", ["worcestershire", "llr", "derbyshire"])
def test_demo_area_loads_twice_with_realistic_sign_offs(slug):
    _load(DEMO / f"{slug}.yaml")
    first = _counts()
    intentions = Intention.objects.filter(local_area__slug=slug)
    assert 10 <= intentions.count() <= 20
    assert len({i.current_stage_id for i in intentions}) >= 3
    assert {i.level for i in intentions} == {"strategic", "operational", "individual"}
    assert len({i.status for i in intentions}) >= 4
    gates = StageGate.objects.filter(intention__local_area__slug=slug)
    assert gates.filter(status=GateStatus.OPEN).exists()  # some waiting
    assert gates.filter(status=GateStatus.REJECTED).count() == 1  # one rejected
    assert BoardReferral.objects.filter(gate__intention__local_area__slug=slug).exists()
    strategy = Strategy.objects.get(local_area__slug=slug)
    assert strategy.priorities.count() >= 4
    assert Action.objects.filter(plan__local_area__slug=slug).values("rag").distinct().count() >= 3
    _load(DEMO / f"{slug}.yaml")
    assert _counts() == first


def test_bad_cycle_sections_are_reported_with_paths(tmp_path):
    data = area_files.read(DEMO / "llr.yaml")
    data["intentions"][0]["lead"] = "nobody"
    data["intentions"][1]["priorities"] = [99]
    data["intentions"][2]["stage"] = "Nowhere"
    data["action_plan"]["actions"][0]["rag"] = "purple"
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    check = area_files.Check()
    cycle_loader.validate(area_files.read(path), check)
    problems = dict(check.problems)
    assert "intentions[0].lead" in problems
    assert "intentions[1].priorities[0]" in problems
    assert "intentions[2].stage" in problems
    assert "action_plan.actions[0].rag" in problems
