"""Local areas described as data: `demo/areas/<slug>.yaml` (see docs/area-format.md).

An area file may be split: every `*.yaml` in a folder named like the file (without
`.yaml`) is merged in, one top-level key per section. Each app that owns sections has a
module `<app>/area_loader.py` with:

    ORDER = 20                      # lower loads first (agencies is 10)
    KEYS = ("strategy", ...)        # the top-level keys it owns
    def validate(data, check): ...  # report problems with check.error(path, message)
    def load(data, ctx): ...        # save; ctx is a dict shared between sections

The whole file is validated before anything is saved; the save is one transaction, so a
bad file changes nothing. Loaders update by natural keys, so re-loading is idempotent.
"""
from importlib import import_module
from importlib.util import find_spec
from pathlib import Path

import yaml
from django.apps import apps
from django.db import transaction

OUR_APPS = ("agencies", "needs", "commissioning", "governance")


class AreaFileError(Exception):
    def __init__(self, problems):
        self.problems = problems
        super().__init__("\n".join(f"{path}: {message}" for path, message in problems))


class Check:
    """Collects problems with their path in the file, e.g. `agencies[2].code`."""

    def __init__(self):
        self.problems = []

    def error(self, path, message):
        self.problems.append((path, message))

    def require(self, mapping, key, path, kind=str, allow_blank=False):
        value = mapping.get(key) if isinstance(mapping, dict) else None
        where = f"{path}.{key}" if path else key
        if value is None or (not allow_blank and value == ""):
            self.error(where, "is required")
            return None
        if not isinstance(value, kind):
            self.error(where, f"must be a {_kind_name(kind)}")
            return None
        return value

    def items(self, data, key, path=""):
        """The list at data[key] with each item's path; reports a non-list."""
        value = data.get(key, []) if isinstance(data, dict) else []
        where = f"{path}.{key}" if path else key
        if not isinstance(value, list):
            self.error(where, "must be a list")
            return []
        return [(f"{where}[{i}]", item) for i, item in enumerate(value)]

    def one_of(self, value, choices, path):
        if value is not None and value not in choices:
            self.error(path, f"{value!r} is not one of: {', '.join(sorted(map(str, choices)))}")

    def unique(self, values, path, what):
        seen = set()
        for i, value in enumerate(values):
            if value in seen:
                self.error(f"{path}[{i}]", f"duplicate {what} {value!r}")
            seen.add(value)


def _kind_name(kind):
    names = {str: "text", int: "whole number", list: "list", dict: "mapping", bool: "true/false"}
    if isinstance(kind, tuple):
        return " or ".join(names.get(k, k.__name__) for k in kind)
    return names.get(kind, kind.__name__)


def section_modules():
    found = []
    for config in apps.get_app_configs():
        if config.name.split(".")[0] in OUR_APPS and find_spec(f"{config.name}.area_loader"):
            found.append(import_module(f"{config.name}.area_loader"))
    return sorted(found, key=lambda m: m.ORDER)


def read(path) -> dict:
    path = Path(path)
    if not path.is_file():
        raise AreaFileError([(str(path), "no such file")])
    parts = [path] + sorted((path.parent / path.stem).glob("*.yaml"))
    data = {}
    for part in parts:
        try:
            loaded = yaml.safe_load(part.read_text(encoding="utf-8")) or {}
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            raise AreaFileError([(part.name, f"is not valid YAML: {exc}")]) from exc
        if not isinstance(loaded, dict):
            raise AreaFileError([(part.name, "must be a mapping of sections")])
        for key in loaded:
            if key in data:
                raise AreaFileError([(f"{part.name}: {key}", "is defined twice")])
        data.update(loaded)
    return data


def validate(data) -> list:
    check = Check()
    modules = section_modules()
    known = {key for module in modules for key in module.KEYS}
    for key in data:
        if key not in known:
            check.error(key, "is not a known section")
    for module in modules:
        module.validate(data, check)
    return check.problems


def load(path, *, password=None, on_progress=None) -> dict:
    """Validate then load an area file; all or nothing. Returns the shared context."""
    data = read(path)
    problems = validate(data)
    if problems:
        raise AreaFileError(problems)
    ctx = {"source": str(path), "password": password}
    with transaction.atomic():
        for module in section_modules():
            module.load(data, ctx)
            if on_progress:
                on_progress(module.__name__)
    return ctx
