"""CSV and xlsx exports of the intentions list (the same rows and columns as the page).

Values the person may not see are left blank and marked "sensitive". Cells that a
spreadsheet would run as a formula are prefixed with an apostrophe (CSV injection).
"""
from django.utils import timezone

from portal import spreadsheets
from portal.spreadsheets import safe_text

HEADERS = ["Reference", "Title", "Stage", "Status", "Level", "Thematic area", "Lead agencies",
           "Partner agencies", "Priorities", "Estimated annual value (GBP)", "Starts", "Ends",
           "Owner"]


def _safe(text):
    return safe_text(text)


def rows(intentions):
    for i in intentions:
        value = i.estimated_annual_value if getattr(i, "show_value", False) else "sensitive"
        yield [i.reference, i.title, i.current_stage.name, i.get_status_display(),
               i.get_level_display(), i.thematic_area,
               "; ".join(a.name for a in i.lead_agencies),
               "; ".join(a.name for a in i.partner_agencies.all()),
               "; ".join(f"{p.number}. {p.title}" for p in i.priorities.all()),
               value, i.starts, i.ends, str(i.owner)]


def _filename(area, ext):
    return f"intentions-{area.slug}-{timezone.localdate():%Y-%m-%d}.{ext}"


def csv_response(intentions, area):
    """Streamed (issue 15): `intentions` may be a lazy iterator of any length."""
    return spreadsheets.csv_response(
        ([_safe(c) if isinstance(c, str) else ("" if c is None else c) for c in row]
         for row in rows(intentions)),
        filename=_filename(area, "csv"), headers=HEADERS, bom=True)


def xlsx_response(intentions, area):
    """Written in write-only mode to a temporary file and streamed from it (issue 15)."""
    return spreadsheets.xlsx_response(
        ([_safe(c) if isinstance(c, str) else c for c in row] for row in rows(intentions)),
        filename=_filename(area, "xlsx"), title="Intentions", headers=HEADERS,
        bold_headers=True, freeze_headers=True,
        number_formats={HEADERS.index("Estimated annual value (GBP)"): "£#,##0.00"})
