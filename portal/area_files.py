"""Local areas described as data: `demo/areas/<slug>.yaml` (see docs/area-format.md).

An area file may be split: every `*.yaml` in a folder named like the file (without
`.yaml`) is merged in, one top-level key per section. Each app that owns sections has a
module `<app>/area_loader.py` with:

    ORDER = 20                      # lower loads first (agencies is 10)
    KEYS = {"strategy": {...}, ...} # the top-level keys it owns, each with its schema
    def validate(data, check): ...  # report problems with check.error(path, message)
    def load(data, ctx): ...        # save; ctx is a dict shared between sections

Every key the file may use is declared in `KEYS` (see `check_keys`): a key that is not
declared, anywhere in the file, is an error with its path and the nearest known key, so a
misspelt or unsupported setting is refused rather than silently ignored.

The whole file is validated before anything is saved; the save is one transaction, so a
bad file changes nothing. Loaders update by natural keys, so re-loading is idempotent.
"""
import difflib
import re
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


# --- declared keys ------------------------------------------------------------------------
# A schema says which keys a part of the file may use; values are checked by each section's
# `validate`, the schema only refuses keys nobody reads:
#   ANY               any value (a leaf, or a value whose keys are data, not settings)
#   {"key": schema}   a record: these keys only, each value checked against its schema
#   [schema]          a list of such items (a single item given in place of the list is
#                     checked as the item)
#   MapOf(schema)     a mapping whose keys are data (years, usernames, roles), each value
#                     checked against the schema
#   FLAG              true or false (YAML's yes/no/on/off are text here: see read())
#   Record({...}, renamed={"old": "new"})  a record whose former (or commonly guessed)
#                     key names are refused with "did you mean 'new'?"
ANY = None
FLAG = "true or false"


class Record(dict):
    """A record schema that also knows keys renamed or often guessed, for the suggestion."""

    def __init__(self, keys, *, renamed=None):
        super().__init__(keys)
        self.renamed = dict(renamed or {})


class MapOf:
    def __init__(self, schema):
        self.schema = schema


def check_keys(check, value, schema, path):
    """Report every key in `value` that `schema` does not declare, with a suggestion."""
    if schema is ANY:
        return
    if schema is FLAG:
        if not isinstance(value, bool):
            check.error(path, "must be true or false")
        return
    if isinstance(schema, MapOf):
        if isinstance(value, dict):
            for key, item in value.items():
                check_keys(check, item, schema.schema, _join(path, key))
        return
    if isinstance(schema, list):
        if isinstance(value, list):
            for i, item in enumerate(value):
                check_keys(check, item, schema[0], f"{path}[{i}]")
        else:
            check_keys(check, value, schema[0], path)
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if key in schema:
                check_keys(check, item, schema[key], _join(path, key))
            elif key in getattr(schema, "renamed", {}):
                check.error(_join(path, key),
                            f"unknown key; did you mean {schema.renamed[key]!r}?")
            else:
                check.error(_join(path, key), unknown_key_message(key, schema))


def unknown_key_message(key, known, what="unknown key"):
    close = difflib.get_close_matches(str(key), [str(k) for k in known], n=1, cutoff=0.6)
    if close:
        return f"{what}; did you mean {close[0]!r}?"
    return f"{what}; expected one of: {', '.join(sorted(map(str, known)))}"


def _join(path, key):
    return f"{path}.{key}" if path else str(key)


def section_modules():
    found = []
    for config in apps.get_app_configs():
        if config.name.split(".")[0] in OUR_APPS and find_spec(f"{config.name}.area_loader"):
            found.append(import_module(f"{config.name}.area_loader"))
    return sorted(found, key=lambda m: m.ORDER)


class _Yaml(yaml.SafeLoader):
    """YAML with only true/false as booleans (as YAML 1.2): in YAML 1.1 a key `on:` (a
    visit's date) or `no:` silently becomes True/False, and a value `yes` a boolean."""


_BOOL = "tag:yaml.org,2002:bool"
_Yaml.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _BOOL]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}
_Yaml.add_implicit_resolver(_BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
                            list("tTfF"))


def read(path) -> dict:
    path = Path(path)
    if not path.is_file():
        raise AreaFileError([(str(path), "no such file")])
    parts = [path] + sorted((path.parent / path.stem).glob("*.yaml"))
    data = {}
    for part in parts:
        try:
            loaded = yaml.load(part.read_text(encoding="utf-8"), Loader=_Yaml) or {}  # noqa: S506
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
    known = {key: schema for module in modules for key, schema in module.KEYS.items()}
    for key in data:
        if key not in known:
            check.error(str(key), unknown_key_message(key, known, "is not a known section"))
        else:
            check_keys(check, data[key], known[key], str(key))
    for module in modules:
        module.validate(data, check)
    return check.problems


def check_file(path) -> dict:
    """Read and validate an area file without saving anything; raises AreaFileError.
    Returns the data read."""
    data = read(path)
    problems = validate(data)
    if problems:
        raise AreaFileError(problems)
    return data


def load(path, *, password=None, on_progress=None) -> dict:
    """Validate then load an area file; all or nothing. Returns the shared context."""
    data = check_file(path)
    ctx = {"source": str(path), "password": password}
    with transaction.atomic():
        for module in section_modules():
            module.load(data, ctx)
            if on_progress:
                on_progress(module.__name__)
    return ctx
