"""Template helpers: GOV.UK widgets for Django form fields, and money."""
from django import forms, template
from django.utils.html import format_html

from portal import dates
from portal.money import format_gbp

register = template.Library()


@register.filter
def widget_kind(field):
    widget = field.field.widget
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    # CheckboxSelectMultiple is a subclass of RadioSelect: test it first, or a
    # multi-choice field renders as radios and saving keeps only one value.
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.SelectMultiple):
        # a multi-select list would be unusable; render it as checkboxes too
        return "checkboxes"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.FileInput):
        return "file"
    return "input"


@register.filter
def optional_suffix(field):
    """" (optional)" after the label of a field that may be left blank; nothing for a
    required field or one required only with some answer (`field.required_when`, explained
    by its hint), so the label never says optional about a field that is then required."""
    if field.field.required or getattr(field.field, "required_when", ""):
        return ""
    return " (optional)"


_CLASSES = {
    "textarea": "govuk-textarea",
    "select": "govuk-select",
    "file": "govuk-file-upload",
    "input": "govuk-input",
}


@register.simple_tag
def govuk_widget(field, kind):
    css = _CLASSES[kind] + (f" {_CLASSES[kind]}--error" if field.errors else "")
    extra = field.field.widget.attrs.get("class")
    attrs = {"class": f"{css} {extra}" if extra else css}
    described = []
    if field.help_text:
        described.append(f"{field.id_for_label}-hint")
    if field.errors:
        described.append(f"{field.id_for_label}-error")
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return field.as_widget(attrs=attrs)


@register.filter
def gbp(value):
    """£1,234.56 — from a Decimal or a decimal string; blank stays blank."""
    if value in (None, ""):
        return ""
    return format_gbp(value)


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.simple_tag
def tag(text, colour=""):
    """A GOV.UK tag; colour is one of GOV.UK's tag modifiers (green, red, yellow, grey…)."""
    modifier = f" govuk-tag--{colour}" if colour else ""
    return format_html('<strong class="govuk-tag{}">{}</strong>', modifier, text)


# --- dates: one format everywhere (portal.dates) -----------------------------------------
@register.filter
def govuk_date(value):
    """1 December 2026 (no leading zero)."""
    return dates.long_date(value)


@register.filter
def govuk_datetime(value):
    """1 December 2026 at 2:05pm."""
    return dates.long_datetime(value)


@register.filter
def govuk_month(value):
    """December 2026."""
    return dates.month_year(value)


# --- agency and board short names spelled out (issue 12) ---------------------------------
@register.simple_tag
def abbr_text(short, full=""):
    """`<abbr title="Derby City Council">DCC</abbr>`; the full name alone when there is no
    distinct short name."""
    if short and full and short != full:
        return format_html('<abbr title="{}">{}</abbr>', full, short)
    return short or full


@register.filter
def abbr(obj):
    """An agency or board by its short name with the full name in an `<abbr>` title (DCC,
    DDICB, Hub, SSB); by its full name when it has no short name."""
    if obj in (None, ""):
        return ""
    return abbr_text(getattr(obj, "short_name", ""), getattr(obj, "name", str(obj)))
