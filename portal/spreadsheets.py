"""The one CSV/xlsx formula-injection guard every export uses (OWASP "CSV injection").

A cell whose text a spreadsheet would run as a formula is prefixed with an apostrophe, so it
shows as text. The check is made on the NFKC-normalised text: spreadsheet programs fold
compatibility characters, so a full-width `＝` (U+FF1D), `＋`, `－`, `＠` or a small form
`﹦` (U+FE66) start a formula just like their ASCII forms. Leading spaces are looked through
too (" =1+1"). The text itself is not changed, only prefixed.
"""
import unicodedata

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def starts_formula(text: str) -> bool:
    if not text:
        return False
    if text[:1] in FORMULA_STARTS:
        return True
    head = text[:8]
    if head.isascii():  # NFKC leaves ASCII as it is (issue 15: most cells, and fast)
        return head.lstrip(" ")[:1] in FORMULA_STARTS
    folded = unicodedata.normalize("NFKC", head).lstrip(" \u00a0\u3000")
    return folded[:1] in FORMULA_STARTS


def safe_text(value) -> str:
    """Any value as text that cannot start a formula ('' for None)."""
    text = "" if value is None else str(value)
    return "'" + text if starts_formula(text) else text


def safe_cell(value):
    """Text made safe; numbers, dates and None pass unchanged (they cannot be formulas)."""
    return safe_text(value) if isinstance(value, str) else value


# --- Streaming exports (issue 15) ----------------------------------------------------------
# Exports never hold the whole file in memory: CSV is written a chunk of rows at a time into
# a StreamingHttpResponse, xlsx row by row (portal.xlsx) into a temporary file that
# FileResponse streams. Callers pass rows from `queryset.iterator(chunk_size=EXPORT_CHUNK)`
# (prefetches run once per chunk: a few queries more per 2,000 rows), so memory stays
# constant whatever the number of rows.
EXPORT_CHUNK = 2000
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def chunked(iterable, size):
    """Lists of up to `size` items of `iterable`, in order (itertools.batched before 3.12):
    an export reads a chunk of plain rows, then the related names of that chunk at once."""
    chunk = []
    for item in iterable:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def csv_stream(rows, *, headers, bom=False, rows_per_chunk=500):
    """The CSV text of `headers` then `rows`, yielded `rows_per_chunk` rows at a time."""
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    if bom:
        buffer.write("\ufeff")  # so spreadsheet programs read UTF-8
    writer.writerow(headers)
    for n, row in enumerate(rows, 1):
        writer.writerow(row)
        if n % rows_per_chunk == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def csv_response(rows, *, filename, headers, bom=False):
    """A streamed CSV download (rows must already be made safe with `safe_cell`)."""
    from django.http import StreamingHttpResponse

    response = StreamingHttpResponse(csv_stream(rows, headers=headers, bom=bom),
                                     content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def xlsx_response(rows, *, filename, title, headers, bold_headers=False, freeze_headers=False,
                  number_formats=None):
    """An xlsx download of one sheet, written row by row to a temporary file
    (portal.xlsx) and streamed from it (the file is gone once the response is closed).
    `number_formats`: {column index: format} for every data cell of those columns."""
    import tempfile

    from django.http import FileResponse

    from portal import xlsx

    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 (FileResponse closes it)
    xlsx.write(handle, rows, title=title, headers=headers, bold_headers=bold_headers,
               freeze_headers=freeze_headers, number_formats=number_formats)
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX_TYPE)
