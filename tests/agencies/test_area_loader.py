"""The area file loader: whole-file validation with paths, all or nothing, idempotent."""
import copy
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

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
    assert problems["mystery"].startswith("is not a known section; expected one of: ")


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


# --- unknown keys, the complete example and `load_area --check` (issue 13) -----------------
EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "newshire.yaml"


def _dict_paths(node, at=()):
    """The location (a tuple of keys and indexes) of every mapping in the data."""
    if isinstance(node, dict):
        yield at
        for key, value in node.items():
            yield from _dict_paths(value, (*at, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _dict_paths(value, (*at, i))


def _at(data, where):
    for step in where:
        data = data[step]
    return data


def _snapshot():
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def test_complete_example_loads_twice(tmp_path):
    from commissioning.budgets.models import JointPackage, Spend
    from commissioning.contracts.models import Contract, QualityVisit
    from commissioning.coproduction.models import Comment, Milestone
    from commissioning.models import Intention
    from governance.models import Board, Decision
    from needs.models import Finding

    area_files.load(EXAMPLE, password="pw-12345678")
    first = _snapshot()
    area_files.load(EXAMPLE, password="pw-12345678")
    # idempotent: the same rows (some loaders re-save unchanged rows, adding history)
    assert {k: v for k, v in _snapshot().items() if ".Historical" not in k} == {
        k: v for k, v in first.items() if ".Historical" not in k}
    area = LocalArea.objects.get(slug="newshire")
    assert Intention.objects.filter(local_area=area).count() == 2
    assert Spend.objects.filter(schedule__agreement__local_area=area).count() == 4
    assert JointPackage.objects.get(reference="JP-NEW-0001").health_amount == 60000
    contract = Contract.objects.get(reference="NCC-CC-2025")
    assert contract.schedule.code == "S1"
    # `on:` is the key "on" (YAML 1.1 would read it as True and the date was dropped)
    today = timezone.localdate()
    visit = QualityVisit.objects.get(contract=contract)
    assert (today.year * 12 + today.month) - (visit.visited_on.year * 12
                                              + visit.visited_on.month) == 3
    assert Finding.objects.filter(local_area=area).count() == 1
    spb = Board.objects.get(local_area=area, name="SEND Partnership Board")
    assert sorted(b.short_name for b in spb.reports_to.all()) == ["CTB", "HWB"]
    assert sorted((d.agency.short_name, d.limit) for d in spb.delegations.all()) == [
        ("NCC", None), ("NICB", 750000)]
    assert Decision.objects.filter(agenda_item__meeting__board__local_area=area).count() == 1
    assert Comment.objects.filter(intention__local_area=area).count() == 4
    assert Milestone.objects.filter(intention__local_area=area).count() == 1


def _unused_keys(instances, schema, path, seen):
    """Declared keys that no instance in the example uses. A part of the schema shared by
    several places (a comment's response, its replies) need be used in one of them."""
    if schema in (area_files.ANY, area_files.FLAG) or id(schema) in seen:
        return []
    seen.add(id(schema))
    if isinstance(schema, area_files.MapOf):
        values = [v for i in instances if isinstance(i, dict) for v in i.values()]
        return _unused_keys(values, schema.schema, f"{path}.*", seen)
    if isinstance(schema, list):
        items = [x for i in instances for x in (i if isinstance(i, list) else [i])]
        return _unused_keys(items, schema[0], f"{path}[]", seen)
    records = [i for i in instances if isinstance(i, dict)]
    unused = []
    for key, sub in schema.items():
        present = [r[key] for r in records if key in r]
        unused += _unused_keys(present, sub, f"{path}.{key}", seen) if present \
            else [f"{path}.{key}"]
    return unused


def test_example_and_docs_cover_every_section_and_key():
    """The complete example uses every key every section declares, and the format's
    documentation has a section for each."""
    data = area_files.read(EXAMPLE)
    docs = (EXAMPLE.parents[1] / "area-format.md").read_text(encoding="utf-8")
    unused = []
    for module in area_files.section_modules():
        for section, schema in module.KEYS.items():
            assert f"\n{section}:" in docs, f"docs/area-format.md does not show {section}"
            unused += _unused_keys([data[section]], schema, section, set()) \
                if section in data else [section]
    assert unused == []


def test_unknown_keys_anywhere_are_refused_with_path_and_suggestion(tmp_path):
    data = area_files.read(EXAMPLE)
    data["boards"][1]["parents"] = ["Health and Wellbeing Board"]
    data["boards"][0]["owner"] = "ncc"
    data["boards"][0]["kind"] = "statutory"
    data["agencies"][1]["sucessor"] = "icb"
    data["intentions"][0]["gate"]["sign_offs"][0]["desicion"] = "approve"
    data["budgets"]["agreements"][0]["schedules"][0]["spend"][0]["amout"] = 1
    data["coproduction"]["consultations"][0]["comments"][0]["replies"][0]["bdy"] = "x"
    data["contracts"][0]["kpis"][0]["tolerence"] = 5
    data["needs"]["findings"][0]["evidence"][0]["indicatr"] = "x"
    data["strategy"]["priorities"][0]["outcome"] = "x"
    data["stratgy"] = {}
    problems = problems_of(tmp_path, data)
    assert problems["boards[1].parents"] == "unknown key; did you mean 'reports_to'?"
    assert problems["boards[0].owner"].startswith("unknown key; expected one of: ")
    assert "delegated_limit" in problems["boards[0].kind"]
    assert problems["agencies[1].sucessor"].startswith("unknown key;")
    assert problems["intentions[0].gate.sign_offs[0].desicion"] == \
        "unknown key; did you mean 'decision'?"
    assert problems["budgets.agreements[0].schedules[0].spend[0].amout"] == \
        "unknown key; did you mean 'amount'?"
    assert problems["coproduction.consultations[0].comments[0].replies[0].bdy"] == \
        "unknown key; did you mean 'body'?"
    assert problems["contracts[0].kpis[0].tolerence"] == \
        "unknown key; did you mean 'tolerance'?"
    assert problems["needs.findings[0].evidence[0].indicatr"] == \
        "unknown key; did you mean 'indicator'?"
    assert problems["strategy.priorities[0].outcome"] == "unknown key; did you mean 'outcomes'?"
    assert problems["stratgy"] == "is not a known section; did you mean 'strategy'?"
    assert not LocalArea.objects.exists() and not User.objects.exists()


def test_an_unknown_key_in_any_mapping_of_the_example_is_refused():
    """Every mapping of the complete example (records and data-keyed maps alike) refuses a
    key it does not understand: no part of the format silently ignores one."""
    data = area_files.read(EXAMPLE)
    assert area_files.validate(data) == []
    places = list(_dict_paths(data))
    assert len(places) > 60
    for where in places:
        changed = copy.deepcopy(data)
        _at(changed, where)["zz_unknown"] = 1
        paths = [path for path, _ in area_files.validate(changed)]
        assert any("zz_unknown" in path for path in paths), (where, paths)


def test_yes_no_on_off_are_text_and_flags_must_be_true_or_false(tmp_path):
    path = Path(tmp_path) / "flags.yaml"
    path.write_text("area: {name: X, on: 1}\nagencies:\n  - {key: a, name: A, kind: other,"
                    " host: yes}\n", encoding="utf-8")
    data = area_files.read(path)
    assert data["area"]["on"] == 1 and data["agencies"][0]["host"] == "yes"
    problems = dict(area_files.validate(data))
    assert problems["agencies[0].host"] == "must be true or false"
    assert problems["area.on"] == "unknown key; expected one of: description, name, " \
        "reference_prefix, slug, stages"


def _bad_example(tmp_path):
    data = area_files.read(EXAMPLE)
    data["boards"][1]["parents"] = ["Health and Wellbeing Board"]
    data["agencies"][0]["kind"] = "quango"
    bad = Path(tmp_path) / "bad.yaml"
    bad.write_text(yaml.safe_dump(data), encoding="utf-8")
    return bad


def test_check_validates_without_saving(tmp_path, capsys):
    before = _snapshot()
    call_command("load_area", str(EXAMPLE), "--check")
    assert "is valid" in capsys.readouterr().out
    assert _snapshot() == before
    with pytest.raises(CommandError, match=r"boards\[1\]\.parents: unknown key"):
        call_command("load_area", str(_bad_example(tmp_path)), "--check")
    assert _snapshot() == before


def test_check_command_line_exit_status_and_errors(tmp_path):
    """As an administrator runs it: non-zero exit, every problem printed, and no database
    touched at all (the SQLite file it is pointed at is never created)."""
    database = Path(tmp_path) / "untouched.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}",
           "DJANGO_SETTINGS_MODULE": "portal.settings.local"}
    manage = Path(__file__).resolve().parents[2] / "manage.py"
    bad = subprocess.run([sys.executable, str(manage), "load_area", "--check",
                          str(_bad_example(tmp_path))],
                         capture_output=True, text=True, env=env, timeout=120)
    assert bad.returncode != 0
    assert "boards[1].parents: unknown key; did you mean" in bad.stderr
    assert "agencies[0].kind: 'quango' is not one of" in bad.stderr
    good = subprocess.run([sys.executable, str(manage), "load_area", "--check", str(EXAMPLE)],
                          capture_output=True, text=True, env=env, timeout=120)
    assert good.returncode == 0, good.stderr
    assert "is valid" in good.stdout
    assert not database.exists()
