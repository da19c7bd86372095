"""portal.xlsx writes the sheet as text (issue 15); openpyxl reads back what was written:
each type, escaping, whitespace, the bold frozen header, number formats and empty cells."""
import datetime
import io
from decimal import Decimal

from openpyxl import load_workbook

from portal import xlsx


def _read(rows, **options):
    handle = io.BytesIO()
    xlsx.write(handle, rows, title=options.pop("title", "Things"),
               headers=options.pop("headers", ["A", "B", "C", "D"]), **options)
    handle.seek(0)
    return load_workbook(handle).active


def test_values_read_back_as_written():
    when = datetime.datetime(2026, 4, 1, 12, 30, 15)
    rows = [["text", 3, 2.5, Decimal("1001.25")],
            [True, False, datetime.date(2026, 4, 1), when],
            [None, "b & <c> \"d\"", None, " padded "],
            ["'=1+1", "line\nbreak", "café ＝1", "x\x01y"]]
    sheet = _read(rows)
    values = list(sheet.values)
    assert values[0] == ("A", "B", "C", "D")
    assert values[1] == ("text", 3, 2.5, 1001.25)
    assert values[2] == (True, False, datetime.datetime(2026, 4, 1), when)
    assert values[3] == (None, "b & <c> \"d\"", None, " padded ")  # cells stay in place
    assert values[4] == ("'=1+1", "line\nbreak", "café ＝1", "xy")  # XML cannot carry \x01
    assert sheet["C3"].number_format == "yyyy-mm-dd"


def test_header_title_freeze_and_number_formats():
    sheet = _read([[Decimal("5.00"), "sensitive", 1]], title="Intentions",
                  headers=["Value", "Note", "N"], bold_headers=True, freeze_headers=True,
                  number_formats={0: "£#,##0.00"})
    assert sheet.title == "Intentions" and sheet.freeze_panes == "A2"
    assert sheet["A1"].font.bold and not sheet["A2"].font.bold
    assert sheet["A2"].number_format == "£#,##0.00" and sheet["A2"].value == 5
    assert sheet["C2"].number_format == "General"


def test_plain_header_no_freeze_and_a_row_wider_than_the_headers():
    sheet = _read([list(range(30))], headers=["only"])
    assert not sheet["A1"].font.bold and sheet.freeze_panes is None
    assert list(sheet.values)[1] == tuple(range(30))


def test_aware_datetimes_are_written_in_local_time():
    from django.utils import timezone

    aware = timezone.make_aware(datetime.datetime(2026, 7, 1, 9, 0))
    assert list(_read([[aware]]).values)[1][0] == datetime.datetime(2026, 7, 1, 9, 0)
