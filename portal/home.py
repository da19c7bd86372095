"""The home page gathers panels of things to act on from every app.

An app offers panels with a module `<app>/home.py` defining
`panels(user, area) -> list[dict]`; each dict has `title`, `items` (list of dicts with
`text`, `href`, optional `meta`), `empty` (the message when there are none), optional
`href`/`link_text` for "see all", and `roles` (the role slugs it is for; empty = all).
"""
from importlib import import_module
from importlib.util import find_spec

from django.apps import apps

from agencies import permissions


def _modules():
    for config in apps.get_app_configs():
        name = f"{config.name}.home"
        if config.name.startswith(("agencies", "needs", "commissioning", "governance")) \
                and find_spec(name) is not None:
            yield import_module(name)


def panels_for(user, area):
    if area is None:
        return []
    roles = permissions.roles_in_area(user, area)
    mine, general = [], []
    for module in _modules():
        for panel in module.panels(user, area):
            wanted = set(panel.get("roles", ()))
            if wanted & roles:
                mine.append(panel)
            elif not wanted or user.is_superuser:
                general.append(panel)
    # What is for the person's own roles comes first (a parent carer's consultations and
    # comments before the area's statistics); panels for everyone follow.
    return mine + general
