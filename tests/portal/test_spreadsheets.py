"""The one formula-injection guard of every export (issue 14, low: full-width `＝`)."""
import csv
import io

import pytest
from openpyxl import load_workbook

from commissioning import services
from portal.spreadsheets import safe_cell, safe_text, starts_formula
from tests.factories.commissioning import Cycle


@pytest.mark.parametrize("text", [
    "=1+1", "+SUM(A1)", "-2+3", "@SUM(A1)", "\t=1", "\r=1",
    "\uff1dHYPERLINK(\"http://evil.example\")",  # full-width equals sign
    "\uff0bSUM(A1)", "\uff0d1", "\uff20SUM(A1)",   # full-width + - @
    "\ufe66cmd()",                                # small equals sign
    " =1+1", "\u3000\uff1d1",                      # behind ordinary / ideographic spaces
])
def test_formula_starts_are_prefixed(text):
    assert starts_formula(text)
    assert safe_text(text) == "'" + text


@pytest.mark.parametrize("value", ["Short breaks", "", "1=1", "Ａ＝1", "ＳＵＭ"])
def test_plain_text_is_unchanged(value):
    assert safe_text(value) == value


def test_non_text_passes_unchanged():
    assert safe_cell(5) == 5 and safe_cell(None) is None and safe_text(None) == ""


@pytest.mark.django_db
def test_intentions_exports_prefix_a_full_width_equals(signed_in, area):
    cycle = Cycle(area)
    title = "\uff1dHYPERLINK(\"http://evil.example\",\"click\")"
    services.intention_update(actor=None, intention=cycle.intention, title=title)
    client = signed_in(cycle.commissioner)
    text = client.get("/intentions/export.csv").getvalue().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1][1] == "'" + title
    sheet = load_workbook(io.BytesIO(client.get("/intentions/export.xlsx").getvalue())).active
    assert sheet["B2"].value == "'" + title
