"""Shared set-up for the tests of questions, public answers, documents and follows."""
import io
import re
import zipfile
from datetime import timedelta

from django.utils import timezone

from commissioning.coproduction import services
from commissioning.coproduction.models import Audience

QUESTIONS = [
    "What would help your family most?",
    {"text": "Which days suit you?", "kind": "many",
     "options": ["Weekdays", "Saturdays", "Sundays"]},
    {"text": "Where should they be?", "kind": "one", "options": ["North", "South"]},
    {"text": "How good are short breaks now?", "kind": "scale"},
]


def public_consultation(*, actor, intention, days_left=14, title="Short breaks: have your say",
                        questions=QUESTIONS):
    today = timezone.localdate()
    return services.consultation_create(
        actor=actor, intention=intention, title=title, opens=today - timedelta(days=3),
        closes=today + timedelta(days=days_left), questions=questions,
        audiences=[Audience.PARENT_CARERS, Audience.PUBLIC])


def draft_consultation(*, actor, intention, title="Draft consultation", questions=()):
    today = timezone.localdate()
    return services.consultation_create(
        actor=actor, intention=intention, title=title, opens=today + timedelta(days=5),
        closes=today + timedelta(days=30), questions=list(questions),
        audiences=[Audience.PARENT_CARERS, Audience.PUBLIC])


def pdf_bytes() -> bytes:
    return (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages"
            b"/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def docx_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def link_in(message, pattern) -> str:
    """The path of the first link in an e-mail matching `pattern` (site address removed)."""
    found = re.search(r"https?://[^/\s]+(\S*?" + pattern + r"\S*)", message.body)
    assert found, message.body
    return found.group(1)
