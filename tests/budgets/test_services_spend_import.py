"""Spend CSV import: all or nothing, line-numbered errors, duplicates, dry run."""
from datetime import date

import pytest

from commissioning.budgets import services
from commissioning.budgets.models import ImportBatch, Spend
from commissioning.budgets.services.spend import SpendImportError
from tests.factories import budgets as make

HEADER = "schedule,date,amount,description,source,contract\n"


def run(s75, text, dry_run=False, encoding="utf-8"):
    content = text.encode(encoding) if isinstance(text, str) else text
    return services.spend_import(actor=None, agreement=s75["agreement"], content=content,
                                 dry_run=dry_run)


def errors_of(s75, text, **kwargs):
    before = Spend.objects.count()
    with pytest.raises(SpendImportError) as caught:
        run(s75, text, **kwargs)
    assert Spend.objects.count() == before, "nothing may be saved on error"
    assert ImportBatch.objects.count() == 0
    return caught.value.errors


def test_good_file_imports_every_line(s75, area, council):
    from tests.factories.contracts import make_contract

    make_contract(area, council, reference="DER-C-1")  # contracts must be in the register
    text = HEADER + ("S1,2025-08-01,1000.00,August placement,,DER-C-1\n"
                     "s2,01/09/2025,\"£2,500.50\",Short breaks September,,\n"
                     "S3,2025-09-02,300,Hoist repair,NHS Testshire ICB,\n")
    result = run(s75, text)
    assert (result.lines, str(result.total)) == (3, "3800.50")
    assert result.batch.spend.count() == 3
    assert Spend.objects.get(description="Hoist repair").source_agency.name == "NHS Testshire ICB"
    assert Spend.history.filter(description="August placement").exists()
    assert Spend.objects.get(description="August placement").contract_reference == "DER-C-1"


def test_dry_run_saves_nothing(s75):
    before = Spend.objects.count()
    result = run(s75, HEADER + "S1,2025-08-01,1000.00,August placement,,\n", dry_run=True)
    assert result.dry_run and result.lines == 1 and result.batch is None
    assert Spend.objects.count() == before
    assert result.preview[0]["schedule"].code == "S1"


@pytest.mark.parametrize(("line", "field", "fragment"), [
    ("S1,2025-02-30,10.00,Bad date,,", "date", "is not a date"),
    ("S1,yesterday,10.00,Bad date,,", "date", "is not a date"),
    ("S1,2025-08-01,-10.00,Refund,,", "amount", "more than zero"),
    ("S1,2025-08-01,0,Nothing,,", "amount", "more than zero"),
    ("S9,2025-08-01,10.00,Unknown,,", "schedule", "no schedule 'S9'"),
    ("S1,2025-08-01,ten pounds,Words,,", "amount", "not an amount"),
    ("S1,2025-08-01,10.001,Too precise,,", "amount", "two decimal places"),
    ("S1,2025-08-01,NaN,Not a number,,", "amount", "not an amount"),
    ("S1,2025-08-01,10.00,,,", "description", "Describe"),
    ("S3,2025-08-01,10.00,Aligned without source,,", "source", "aligned budget"),
    ("S1,2025-08-01,10.00,Stranger,Somebody Else Ltd,", "source", "not a party"),
    ("S1,2025-08-01,10.00", "file", "has 3 values"),
])
def test_bad_lines_are_reported_with_their_line(s75, line, field, fragment):
    text = HEADER + "S1,2025-08-01,5.00,A good line,,\n" + line + "\n"
    errors = errors_of(s75, text)
    assert errors[0]["line"] == 3
    assert errors[0]["field"] == field
    assert fragment in errors[0]["message"]


def test_duplicated_line_in_file(s75):
    text = HEADER + ("S1,2025-08-01,5.00,Same,,\nS1,2025-08-02,5.00,Other,,\n"
                     "S1,01/08/2025,5.00,same,,\n")
    errors = errors_of(s75, text)
    assert errors == [{"line": 4, "field": "description", "message": "This line repeats line 2."}]


def test_line_already_recorded(s75):
    errors = errors_of(s75, HEADER + "S1,2025-04-10,100000.00,April placements,,\n")
    assert errors[0]["line"] == 2 and "already recorded" in errors[0]["message"]


def test_wrong_encoding_names_the_line(s75):
    content = (HEADER + "S1,2025-08-01,5.00,Caf\u00e9 visit,,\n").encode("cp1252")
    errors = errors_of(s75, content)
    assert errors[0]["line"] == 2 and "not UTF-8" in errors[0]["message"]


def test_utf8_with_byte_order_mark_is_fine(s75):
    result = run(s75, "\ufeff" + HEADER + "S1,2025-08-01,5.00,Caf\u00e9 visit,,\n")
    assert result.lines == 1


@pytest.mark.parametrize("text", ["", "   \n\n", HEADER, HEADER + "\n\n"])
def test_empty_file(s75, text):
    errors = errors_of(s75, text)
    assert errors[0]["field"] == "file"
    assert "empty" in errors[0]["message"] or "no spend lines" in errors[0]["message"]


def test_missing_and_unknown_columns(s75):
    errors = errors_of(s75, "schedule,when,amount,notes\nS1,2025-08-01,5.00,x\n")
    assert [e["line"] for e in errors] == [1, 1]
    assert "Missing columns: date, description" in errors[0]["message"]
    assert "Unknown columns: when, notes" in errors[1]["message"]


def test_ten_megabyte_file_is_refused_whole(s75):
    line = "S1,2025-08-01,5.00,A line padded to make the file large " + "x" * 40 + ",,\n"
    content = (HEADER + line * (10 * 1024 * 1024 // len(line) + 1)).encode()
    assert len(content) > 10 * 1024 * 1024
    errors = errors_of(s75, content)
    assert errors[0]["field"] == "file" and "largest accepted is 5 MB" in errors[0]["message"]


def test_many_bad_lines_are_all_counted(s75):
    text = HEADER + "".join(f"S1,2025-08-{d:02d},-1,Bad,,\n" for d in range(1, 29))
    with pytest.raises(SpendImportError) as caught:
        run(s75, text)
    assert caught.value.extra["error_count"] == 28
    assert [e["line"] for e in caught.value.errors] == list(range(2, 30))


def test_closed_quarter_lines_are_refused(s75):
    services.quarter_close(actor=None, agreement=s75["agreement"], year="2025-26", quarter=1,
                           today=date(2025, 7, 5))
    errors = errors_of(s75, HEADER + "S1,2025-05-01,5.00,Late invoice,,\n")
    assert errors[0]["field"] == "date" and "is closed" in errors[0]["message"]


def test_single_spend_duplicate_refused(s75):
    from portal.errors import ApplicationError

    with pytest.raises(ApplicationError, match="already recorded"):
        make.spend(s75["s1"], date(2025, 4, 10), "100000.00", "April placements")
