"""CSV and xlsx exports of the intentions list (the same rows and columns as the page).

Values the person may not see are left blank and marked "sensitive". Cells that a
spreadsheet would run as a formula are prefixed with an apostrophe (CSV injection).
"""
import csv
import io

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

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
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(area, "csv")}"'
    response.write("\ufeff")  # so spreadsheet programs read UTF-8
    writer = csv.writer(response)
    writer.writerow(HEADERS)
    for row in rows(intentions):
        writer.writerow([_safe(c) if isinstance(c, str) else ("" if c is None else c)
                         for c in row])
    return response


def xlsx_response(intentions, area):
    book = Workbook(write_only=False)
    sheet = book.active
    sheet.title = "Intentions"
    sheet.append(HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows(intentions):
        sheet.append([_safe(c) if isinstance(c, str) else c for c in row])
    for cell in sheet["J"][1:]:
        cell.number_format = "£#,##0.00"
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{_filename(area, "xlsx")}"'
    return response
