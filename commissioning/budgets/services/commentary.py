"""The narrative on a quarter's position (issue 16): reasons for the variance,
mitigations and forecast risks, overall and per schedule. It is part of the position, so it
can change only while the quarter is open; submitting freezes it with the figures."""
import unicodedata

from django.db import transaction

from portal.errors import ApplicationError

from ..models import PositionCommentary
from ..position import COMMENTARY_FIELDS
from .common import check_quarter, check_year, ensure_open, invalid, lock_agreement, save

MAX_TEXT = 5000
LABELS = {"variance_reasons": "reasons for the variance", "mitigations": "mitigations",
          "forecast_risks": "forecast risks"}


def clean_text(value, field) -> str:
    text = (value or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if len(text) > MAX_TEXT:
        raise invalid(field, f"Keep the {LABELS[field]} to {MAX_TEXT:,} characters.")
    if any(unicodedata.category(c) in ("Cc", "Cs") and c not in "\n\t" for c in text):
        raise invalid(field, f"The {LABELS[field]} contain control characters (such as NUL "
                             "bytes); remove them.")
    return text


@transaction.atomic
def commentary_set(*, actor, agreement, year, quarter, schedule=None, **texts):
    """Write (or clear) the overall commentary, or a schedule's, for an open quarter."""
    agreement = lock_agreement(agreement, actor)
    check_year(year)
    check_quarter(quarter)
    if schedule is not None and schedule.agreement_id != agreement.pk:
        raise invalid("schedule", "Choose a schedule of this agreement.")
    ensure_open(agreement, year=year, quarter=quarter, field="variance_reasons")
    values = {f: clean_text(texts.get(f), f) for f in COMMENTARY_FIELDS}
    note = PositionCommentary.objects.select_for_update().filter(
        agreement=agreement, year=year, quarter=quarter, schedule=schedule).first()
    if note is None:
        note = PositionCommentary(agreement=agreement, year=year, quarter=quarter,
                                  schedule=schedule)
    elif all(getattr(note, f) == v for f, v in values.items()):
        return note  # nothing changed: no history row
    for field, value in values.items():
        setattr(note, field, value)
    note.updated_by = actor
    return save(note, actor)


@transaction.atomic
def commentary_set_many(*, actor, agreement, year, quarter, entries):
    """`entries`: [{"schedule": Schedule or None, field: text, ...}], all or nothing."""
    saved = []
    for entry in entries:
        try:
            saved.append(commentary_set(actor=actor, agreement=agreement, year=year,
                                        quarter=quarter, **entry))
        except ApplicationError as exc:  # say which part of the page it was about
            schedule = entry.get("schedule")
            exc.extra = {**exc.extra, "schedule": schedule.pk if schedule else None}
            raise
    return saved
