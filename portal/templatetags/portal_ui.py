"""Page helpers for the shared templates (base.html, form_page.html)."""
from django import template

register = template.Library()

# A submit button whose action cannot be simply undone, or takes something away from
# someone, uses GOV.UK's warning button. Pages can also pass `submit_warning=True`.
DESTRUCTIVE_VERBS = frozenset({
    "withdraw", "hide", "reject", "remove", "delete", "end", "revoke", "cancel", "close",
    "reopen", "discard", "deactivate", "stop", "refuse", "unpublish", "disable",
})


@register.filter
def destructive(label) -> bool:
    """True when a button label starts with a destructive verb ("Withdraw", "Hide comment")."""
    words = str(label or "").split()
    return bool(words) and words[0].lower() in DESTRUCTIVE_VERBS


def page_window(number: int, last: int, *, around: int = 2) -> list[int | None]:
    """The page numbers a pagination shows (GOV.UK pattern): the first, the last, the
    current one and `around` either side of it; None marks an ellipsis standing for two or
    more pages left out (a single page left out is shown instead). At most 2 * around + 5
    items however many pages there are, computed without looking at the other pages."""
    if last < 1:
        return []
    shown = {1, last, *range(max(1, number - around), min(last, number + around) + 1)}
    items, previous = [], 0
    for page in sorted(shown):
        if page - previous == 2:
            items.append(page - 1)
        elif page - previous > 2:
            items.append(None)
        items.append(page)
        previous = page
    return items


@register.simple_tag
def pagination_items(page_obj):
    """`{% pagination_items page_obj as items %}`: see `page_window`."""
    return page_window(page_obj.number, page_obj.paginator.num_pages)
