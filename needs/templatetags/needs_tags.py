"""Template helpers for needs figures and verdicts."""
from decimal import Decimal

from django import template
from django.utils.html import format_html

register = template.Library()


@register.filter
def figure(value, unit=""):
    """15.9 for percentages and rates (one decimal place), 18,019 for counts; — for none."""
    if value is None or value == "":
        return "—"
    number = Decimal(str(value))
    if unit == "count":
        return f"{number:,.0f}"
    return f"{number:,.1f}"


@register.filter
def unit_suffix(unit):
    return {"percentage": "%", "rate-1000": " per 1,000", "rate-100000": " per 100,000"}.get(
        unit, "")


SHORT = {"better": "Better", "worse": "Worse", "higher": "Higher", "lower": "Lower",
         "similar": "Similar", "not-compared": "Not compared"}


@register.simple_tag
def verdict_tag(verdict, short=False):
    """A coloured tag; `short` (for tables) says "Higher" and leaves "Significantly" to
    screen readers and the table's caption."""
    if not short:
        return format_html('<strong class="govuk-tag govuk-tag--{}">{}</strong>',
                           verdict.colour, verdict.label)
    hidden = "Significantly " if verdict.key in ("better", "worse", "higher", "lower") else ""
    return format_html('<strong class="govuk-tag govuk-tag--{}">'
                       '<span class="govuk-visually-hidden">{}</span>{}</strong>',
                       verdict.colour, hidden, SHORT[verdict.key])
