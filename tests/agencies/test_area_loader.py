"""The area file loader: whole-file validation with paths, all or nothing, idempotent."""
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError

from agencies.models import Agency, LocalArea, Membership, User
from portal import area_files

pytestmark = pytest.mark.django_db

GOOD = {
    "area": {"name": "Newshire", "slug": "newshire", "reference_prefix": "NEW",
             "stages": [{"name": "Analyse"}, {"name": "Plan"}, {"name": "Do"},
                        {"name": "Review"}]},
    "agencies": [
        {"key": "ncc", "name": "Newshire County Council", "kind": "council", "code": "E10000001",
         "host": True},
        {"key": "icb", "name": "NHS Newshire ICB", "kind": "icb", "code": "QAA"},
    ],
    "people": [{"username": "sam.lee", "email": "sam@example.org", "memberships": [
        {"agency": "ncc", "role": "approver", "limit": 1000}]}],
    "demo_roles": {"commissioner": ["ncc"]},
}


def write(tmp_path, data, name="newshire.yaml"):
    path = Path(tmp_path) / name
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def problems_of(tmp_path, data):
    with pytest.raises(area_files.AreaFileError) as exc:
        area_files.load(write(tmp_path, data))
    return dict(exc.value.problems)


def test_loads_and_reloads_idempotently(tmp_path):
    path = write(tmp_path, GOOD)
    area_files.load(path, password="pw-12345678")
    area_files.load(path, password="pw-12345678")
    area = LocalArea.objects.get(slug="newshire")
    assert area.agencies.count() == 2
    assert list(area.stages.values_list("name", flat=True)) == ["Analyse", "Plan", "Do", "Review"]
    assert Membership.objects.filter(agency__local_area=area).count() == 2
    demo = User.objects.get(username="newshire.commissioner")
    assert demo.check_password("pw-12345678")


def test_missing_field_unknown_agency_and_duplicates_save_nothing(tmp_path):
    data = yaml.safe_load(yaml.safe_dump(GOOD))
    del data["agencies"][1]["kind"]
    data["agencies"].append({"key": "ncc", "name": "Another", "kind": "council"})
    data["people"][0]["memberships"][0]["agency"] = "nowhere"
    data["demo_roles"]["wizard"] = ["ncc"]
    problems = problems_of(tmp_path, data)
    assert problems["agencies[1].kind"] == "is required"
    assert problems["agencies[2]"] == "duplicate agency key 'ncc'"
    assert problems["people[0].memberships[0].agency"] == "unknown agency 'nowhere'"
    assert "is not one of" in problems["demo_roles.wizard"]
    assert not LocalArea.objects.exists() and not Agency.objects.exists()


def test_bad_values_are_reported_with_paths(tmp_path):
    data = yaml.safe_load(yaml.safe_dump(GOOD))
    data["area"]["slug"] = "Not A Slug"
    data["area"]["stages"] = [{"name": "Only"}]
    data["people"][0]["memberships"][0]["limit"] = "lots"
    data["mystery"] = 1
    problems = problems_of(tmp_path, data)
    assert "area.slug" in problems and "area.stages" in problems
    assert problems["people[0].memberships[0].limit"] == "'lots' is not an amount of money"
    assert problems["mystery"] == "is not a known section"


def test_failure_during_save_rolls_everything_back(tmp_path):
    data = yaml.safe_load(yaml.safe_dump(GOOD))
    data["agencies"][1]["code"] = "not an ods code!"  # passes the file check, fails the service
    with pytest.raises(Exception, match="ODS"):
        area_files.load(write(tmp_path, data))
    assert not LocalArea.objects.exists() and not User.objects.exists()


def test_split_files_are_merged_and_clashes_refused(tmp_path):
    main = {k: v for k, v in GOOD.items() if k != "people"}
    path = write(tmp_path, main)
    (tmp_path / "newshire").mkdir()
    write(tmp_path / "newshire", {"people": GOOD["people"]}, "people.yaml")
    area_files.load(path)
    assert User.objects.filter(username="sam.lee").exists()
    write(tmp_path / "newshire", {"agencies": []}, "clash.yaml")
    with pytest.raises(area_files.AreaFileError, match="defined twice"):
        area_files.load(path)


def test_command_reports_errors(tmp_path):
    path = write(tmp_path, {"area": {}})
    with pytest.raises(CommandError, match="nothing was saved"):
        call_command("load_area", str(path))
    with pytest.raises(CommandError, match="no such file"):
        call_command("load_area", str(tmp_path / "absent.yaml"))


def test_demo_areas_load(settings):
    call_command("load_demo")
    assert set(LocalArea.objects.values_list("slug", flat=True)) >= {
        "worcestershire", "llr", "derbyshire"}
    assert Agency.objects.get(code="QJ2").local_area.slug == "derbyshire"
    assert Agency.objects.get(code="E10000034").is_host
    assert User.objects.get(username="derbyshire.commissioner").check_password(
        settings.DEMO_PASSWORD)


def test_load_demo_refuses_production(settings):
    settings.IS_PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        call_command("load_demo")
