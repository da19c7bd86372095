"""The service navigation: a section appears once its app provides the named page."""
from functools import lru_cache

from django.urls import NoReverseMatch, get_script_prefix, reverse

# (url name, label, internal only: hidden from the co-production roles)
SECTIONS = [
    ("home", "Home", False),
    ("commissioning:intention-list", "Intentions", False),
    ("coproduction:consultation-list", "Consultations", False),
    ("budgets:agreement-list", "Budgets", True),  # short: one row at 1280 px
    ("contracts:contract-list", "Contracts", True),
    ("needs:dashboard", "Needs", False),
    ("governance:board-list", "Boards", True),
    ("agencies:agency-list", "Agencies", False),
    ("agencies:person-list", "People", True),
]


@lru_cache(maxsize=8)
def _sections(script_prefix):
    """(href, label, internal only) of the sections this deployment has. Every page shows
    the navigation and the addresses never change while the process runs, so they are
    reversed once per script prefix rather than on every request."""
    sections = []
    for name, label, internal_only in SECTIONS:
        try:
            sections.append((reverse(name), label, internal_only))
        except NoReverseMatch:
            continue
    return tuple(sections)


def nav_items(request, is_internal):
    items = []
    for href, label, internal_only in _sections(get_script_prefix()):
        if internal_only and not is_internal:
            continue
        active = request.path == href if href == "/" else request.path.startswith(href)
        items.append({"href": href, "text": label, "active": active})
    return items
