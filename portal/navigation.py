"""The service navigation: a section appears once its app provides the named page."""
from django.urls import NoReverseMatch, reverse

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


def nav_items(request, is_internal):
    items = []
    for name, label, internal_only in SECTIONS:
        if internal_only and not is_internal:
            continue
        try:
            href = reverse(name)
        except NoReverseMatch:
            continue
        active = request.path == href if href == "/" else request.path.startswith(href)
        items.append({"href": href, "text": label, "active": active})
    return items
