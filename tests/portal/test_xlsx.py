"""portal.xlsx writes what openpyxl's write-only mode wrote: the same values, types, number
formats, bold headers and frozen row when the file is opened again (issue 15)."""
import io
from datetime import date, datetime
from decimal import Decimal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook

from portal import spreadsheets, xlsx

HEADERS = ["Text", "Number", "Money", "When", "At", "Flag", "Empty"]
ROWS = [
    ["Short breaks", 3, Decimal("300000.00"), date(2026, 3, 31), datetime(2026, 4, 1, 9, 30),
     True, None],
    ["  spaced & <tagged> \"quoted\" ", -1.25, Decimal("0.10"), date(1900, 3, 1),
     datetime(2025, 12, 31, 23, 59, 59), False, ""],
    ["Ünïcödé £ — 日本", 10**12, Decimal("-12.34"), None, None, None, "x"],
    [gettext_lazy("Live"), 0, Decimal("1E+2"), date(2030, 1, 1), None, None, "line\nbreak"],
]


def _read(data):
    book = load_workbook(io.BytesIO(data))
    sheet = book.active
    cells = [[(c.value, c.number_format, bool(c.font.b)) for c in row]
             for row in sheet.iter_rows()]
    return sheet.title, sheet.freeze_panes, cells


def _ours(**options):
    response = xlsx.xlsx_response(iter(ROWS), filename="x.xlsx", title="Sheet one",
                                  headers=HEADERS, **options)
    assert response.streaming
    return response.getvalue()


def _openpyxls(**options):
    # openpyxl refuses lazy text; ours writes its text.
    rows = [[str(v) if isinstance(v, Promise) else v for v in row] for row in ROWS]
    return spreadsheets.xlsx_response(iter(rows), filename="x.xlsx", title="Sheet one",
                                      headers=HEADERS, **options).getvalue()


def test_the_same_sheet_as_openpyxl_wrote():
    assert _read(_ours()) == _read(_openpyxls())


def test_the_same_with_bold_frozen_headers_and_number_formats():
    options = {"bold_headers": True, "freeze_headers": True,
               "number_formats": {1: "#,##0", 2: "£#,##0.00"}}
    title, frozen, cells = _read(_ours(**options))
    assert (title, frozen, cells) == _read(_openpyxls(**options))
    assert frozen == "A2" and cells[0][0] == ("Text", "General", True)
    assert cells[1][2] == (300000, "£#,##0.00", False)


def test_characters_xml_cannot_hold_are_dropped():
    data = xlsx.xlsx_response(iter([["a\x00b\x1fc", "ok"]]), filename="x.xlsx", title="T",
                              headers=["One", "Two"]).getvalue()
    assert _read(data)[2][1][:2] == [("abc", "General", False), ("ok", "General", False)]
