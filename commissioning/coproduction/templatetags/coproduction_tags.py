"""Show people's plain text safely: escaped, line breaks kept, http(s) links made links.

Nothing the author typed is ever treated as markup. The result also passes through nh3
(an allow-list HTML sanitiser) as a second line of defence.
"""
import re

import nh3
from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

register = template.Library()

URL = re.compile(r"\bhttps?://[^\s<>\"'`]+", re.IGNORECASE)
TRAILING = ".,;:!?)]}’”"


def _linkify(line: str) -> str:
    out, last = [], 0
    for match in URL.finditer(line):
        url = match.group()
        trail = ""
        while url and url[-1] in TRAILING:
            trail = url[-1] + trail
            url = url[:-1]
        out.append(escape(line[last:match.start()]))
        out.append(f'<a class="govuk-link" href="{escape(url)}" rel="nofollow noopener">'
                   f"{escape(url)}</a>{escape(trail)}")
        last = match.end()
    out.append(escape(line[last:]))
    return "".join(out)


def render_plain_text(text: str) -> str:
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    paragraphs = [p for p in re.split(r"\n{2,}", text.strip()) if p.strip()]
    html = "".join("<p class=\"govuk-body\">" + "<br>".join(_linkify(line)
                                                           for line in p.split("\n")) + "</p>"
                   for p in paragraphs)
    return nh3.clean(html, tags={"p", "br", "a"},
                     attributes={"a": {"href", "class", "rel"}, "p": {"class"}},
                     url_schemes={"http", "https"}, link_rel=None)


@register.filter
def plain_text(value):
    return mark_safe(render_plain_text(str(value or "")))  # noqa: S308 - escaped and sanitised


@register.filter
def days_left(closes, today):
    return (closes - today).days


@register.filter
def edit_decision(comment, user):
    """`comment|edit_decision:user`: the Decision of permissions.can_edit_comment, so the
    page offers "Change" only when the edit page would accept it (else says why)."""
    from ..permissions import can_edit_comment

    return can_edit_comment(user, comment)
