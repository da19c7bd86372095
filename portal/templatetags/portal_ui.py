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
