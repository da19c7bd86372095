"""The `coproduction` section of the demo area files loads, and loads again unchanged."""
from pathlib import Path

import pytest
import yaml
from django.conf import settings

from commissioning.coproduction.models import (
    Comment,
    CommentStatus,
    Consultation,
    Milestone,
    Response,
    ResponseStatus,
)
from portal import area_files

pytestmark = pytest.mark.django_db
AREAS = Path(settings.BASE_DIR) / "demo" / "areas"
WITH_COPRODUCTION = sorted(p.parent.with_suffix(".yaml")
                           for p in AREAS.glob("*/coproduction.yaml"))


def _counts():
    return (Consultation.objects.count(), Comment.objects.count(), Response.objects.count(),
            Milestone.objects.count(),
            Response.objects.filter(status=ResponseStatus.PUBLISHED).count())


@pytest.mark.parametrize("path", WITH_COPRODUCTION, ids=lambda p: p.stem)
def test_demo_area_loads_twice_with_the_same_result(path):
    area_files.load(path, password="x")
    first = _counts()
    spec = yaml.safe_load((path.parent / path.stem / "coproduction.yaml").read_text())
    assert first[0] == len(spec["coproduction"].get("consultations", []))
    assert first[1] > 0 and first[2] > 0
    area_files.load(path, password="x")
    assert _counts() == first
    slug = path.stem
    authors = set(Comment.objects.values_list("author__username", flat=True))
    assert {f"{slug}.parent-carer", f"{slug}.young-person"} <= authors


def test_every_outcome_is_in_the_demo():
    for path in WITH_COPRODUCTION:
        area_files.load(path, password="x")
    outcomes = set(Response.objects.filter(status=ResponseStatus.PUBLISHED)
                   .values_list("outcome", flat=True))
    assert outcomes == {"changed-plan", "already-planned", "not-taken-forward",
                        "under-consideration"}
    assert Comment.objects.filter(status=CommentStatus.ANSWERED).exists()


MINIMAL = {
    "area": {"name": "Loadshire", "slug": "loadshire", "reference_prefix": "LDS",
             "stages": [{"name": "Plan"}, {"name": "Do"}]},
    "agencies": [{"key": "cc", "name": "Loadshire Council", "kind": "council"},
                 {"key": "forum", "name": "Loadshire Forum", "kind": "parent-carer-forum"}],
    "demo_roles": {"commissioner": ["cc"], "parent-carer": ["forum"]},
}


def _write(tmp_path, coproduction):
    path = tmp_path / "loadshire.yaml"
    path.write_text(yaml.safe_dump({**MINIMAL, "coproduction": coproduction}))
    return path


def test_a_bad_section_is_reported_with_its_path_and_saves_nothing(tmp_path):
    path = _write(tmp_path, {
        "consultations": [{"intention": "LDS-2021-001", "title": "X", "opens": "soon",
                           "closes": 5, "audiences": ["martians"],
                           "comments": [{"author": "parent-carer", "body": "Hi",
                                         "response": {"by": "commissioner", "body": "x",
                                                      "outcome": "maybe"}}]}],
        "milestones": [{"intention": "LDS-2021-001", "kind": "party"}]})
    with pytest.raises(area_files.AreaFileError) as exc:
        area_files.load(path, password="x")
    paths = {p for p, _ in exc.value.problems}
    assert {"coproduction.consultations[0].opens", "coproduction.consultations[0].audiences[0]",
            "coproduction.consultations[0].comments[0].response.outcome",
            "coproduction.milestones[0].kind"} <= paths
    assert Consultation.objects.count() == 0


def test_an_unknown_intention_fails_the_whole_load(tmp_path):
    path = _write(tmp_path, {"comments": [{"intention": "LDS-1999-999",
                                           "author": "parent-carer", "body": "Hi"}]})
    with pytest.raises(area_files.AreaFileError, match="no intention 'LDS-1999-999'"):
        area_files.load(path, password="x")
    from agencies.models import LocalArea
    assert not LocalArea.objects.filter(slug="loadshire").exists()  # all or nothing
