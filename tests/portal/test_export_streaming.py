"""Exports stream (issue 15): CSV through StreamingHttpResponse a chunk of rows at a time,
xlsx written in write-only mode to a temporary file and streamed by FileResponse; the rows
are the same as the list's, in order, and the two formats agree."""
import csv
import io

import pytest
from django.http import FileResponse, StreamingHttpResponse
from openpyxl import load_workbook

from portal.spreadsheets import csv_stream
from tests.factories.commissioning import Cycle, bulk_intentions

pytestmark = pytest.mark.django_db

COUNT = 1_200


def test_csv_stream_yields_chunks():
    chunks = list(csv_stream(([n, f"row {n}"] for n in range(1_234)), headers=["n", "text"],
                             bom=True, rows_per_chunk=500))
    assert len(chunks) == 3  # header + 500, 500, 234: never the whole file at once
    assert chunks[0].startswith("\ufeffn,text\r\n0,row 0\r\n")
    rows = list(csv.reader(io.StringIO("".join(chunks).lstrip("\ufeff"))))
    assert len(rows) == 1_235 and rows[-1] == ["1233", "row 1233"]


def test_intention_exports_stream_every_row(signed_in, area):
    cycle = Cycle(area)
    bulk_intentions(cycle.council, cycle.commissioner, COUNT, partners=[cycle.icb])
    client = signed_in(cycle.commissioner)

    response = client.get("/intentions/export.csv?sort=reference")
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Disposition"].startswith('attachment; filename="intentions-')
    chunks = [bytes(c) for c in response.streaming_content]
    assert len(chunks) >= 3
    rows = list(csv.reader(io.StringIO(b"".join(chunks).decode("utf-8-sig"))))
    assert rows[0][:2] == ["Reference", "Title"]
    assert len(rows) == COUNT + 2  # header, the cycle's intention, the bulk ones
    references = [r[0] for r in rows[1:]]
    assert references == sorted(references)
    bulk = {r[0]: r for r in rows[1:]}
    assert bulk["TST-B-000007"][1] == "Bulk intention 7"
    assert cycle.icb.name in bulk["TST-B-000007"][7]  # partners prefetched chunk by chunk
    assert bulk["TST-B-000007"][9] == "10007.00"

    response = client.get("/intentions/export.xlsx?sort=reference")
    assert response.status_code == 200
    assert isinstance(response, FileResponse) and response.streaming
    sheet = load_workbook(io.BytesIO(response.getvalue())).active
    cells = list(sheet.values)
    assert [c[0] for c in cells] == [r[0] for r in rows]
    assert sheet["A1"].font.bold and sheet.freeze_panes == "A2"
    assert sheet["J2"].number_format == "£#,##0.00"


def test_contract_exports_stream(area, council, icb, make_member, signed_in):
    from agencies.roles import Role
    from tests.factories.contracts import make_contract

    for n in range(30):
        make_contract(area, council, agencies=[icb], reference=f"ST-{n:03d}")
    client = signed_in(make_member(council, Role.COMMISSIONER))
    response = client.get("/contracts/?download=csv&sort=reference")
    assert isinstance(response, StreamingHttpResponse)
    rows = list(csv.reader(io.StringIO(response.getvalue().decode())))
    assert [r[0] for r in rows[1:]] == [f"ST-{n:03d}" for n in range(30)]
    assert icb.name in rows[1][4]
    response = client.get("/contracts/?download=xlsx&sort=reference")
    assert isinstance(response, FileResponse)
    sheet = load_workbook(io.BytesIO(response.getvalue())).active
    assert [list(map(str, r)) for r in sheet.iter_rows(min_row=1, max_row=1, values_only=True)
            ] == [rows[0]]
    assert [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)] == [
        f"ST-{n:03d}" for n in range(30)]
