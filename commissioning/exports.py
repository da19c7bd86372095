"""CSV and xlsx exports of the intentions list (the same rows and columns as the page).

Values the person may not see are left blank and marked "sensitive". Cells that a
spreadsheet would run as a formula are prefixed with an apostrophe (CSV injection).
Rows are plain values read a chunk at a time (commissioning.rows), so an export streams
in constant memory.
"""
from django.utils import timezone

from portal import spreadsheets
from portal.spreadsheets import EXPORT_CHUNK, safe_cell

from .models import IntentionStatus, Level
from .rows import intention_rows, owner_name

HEADERS = ["Reference", "Title", "Stage", "Status", "Level", "Thematic area", "Lead agencies",
           "Partner agencies", "Priorities", "Estimated annual value (GBP)", "Starts", "Ends",
           "Owner"]
STATUSES = dict(IntentionStatus.choices)
LEVELS = dict(Level.choices)


def rows(user, intentions, chunk_size=EXPORT_CHUNK):
    """The export's cells of each intention of the selector's queryset, in its order."""
    for r in intention_rows(actor=user, intentions=intentions, chunk_size=chunk_size):
        leads = [r["lead_agency__name"], *(name for _, name in r["joint_leads"])]
        yield [r["reference"], r["title"], r["current_stage__name"],
               STATUSES.get(r["status"], r["status"]), LEVELS.get(r["level"], r["level"]),
               r["thematic_area"], "; ".join(leads),
               "; ".join(name for _, name in r["partners"]),
               "; ".join(f"{number}. {title}" for _, number, title in r["priorities"]),
               r["estimated_annual_value"] if r["show_value"] else "sensitive",
               r["starts"], r["ends"], owner_name(r)]


def _filename(area, ext):
    return f"intentions-{area.slug}-{timezone.localdate():%Y-%m-%d}.{ext}"


def csv_response(user, intentions, area):
    """Streamed (issue 15): rows are read a chunk at a time however many there are."""
    return spreadsheets.csv_response(
        ([("" if c is None else safe_cell(c)) for c in row] for row in rows(user, intentions)),
        filename=_filename(area, "csv"), headers=HEADERS, bom=True)


def xlsx_response(user, intentions, area):
    """Written in write-only mode to a temporary file and streamed from it (issue 15)."""
    return spreadsheets.xlsx_response(
        ([safe_cell(c) for c in row] for row in rows(user, intentions)),
        filename=_filename(area, "xlsx"), title="Intentions", headers=HEADERS,
        bold_headers=True, freeze_headers=True,
        number_formats={HEADERS.index("Estimated annual value (GBP)"): "£#,##0.00"})
