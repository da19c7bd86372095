"""What a produced report says: the numbers in the PDF's text match the services, the PDF
is tagged (pdfua check), titled, in en-GB, bookmarked and paginated, and assembling it
costs the same number of queries whatever the data size."""
import io
import subprocess
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader

from governance import services
from governance.models import BoardReport, Decision
from governance.reports.assembly import assemble, compare, section_modules
from tests.conftest import ROOT, missing
from tests.factories.governance import busy_quarter, decided_item, quorate_meeting

pytestmark = pytest.mark.django_db
PDFUA = ROOT / ".venv" / "bin" / "pdfua"


def _text(report):
    reader = PdfReader(io.BytesIO(report.pdf.read()))
    report.pdf.close()
    return reader, "\n".join(page.extract_text() for page in reader.pages)


def test_the_pdf_passes_the_pdfua_checker(gov, produce):
    decided_item(quorate_meeting(gov.board))
    report = produce(actor=gov.secretary, board=gov.board, year="2025-26", quarter=2)
    if not PDFUA.exists():
        missing("pdfua (pip install pdfua)")
    result = subprocess.run([str(PDFUA), "check", report.pdf.path, "--min-severity", "error"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_pdf_is_titled_bookmarked_paginated_and_in_british_english(gov, produce):
    report = produce(actor=gov.secretary, board=gov.board, year="2025-26", quarter=2)
    reader, text = _text(report)
    assert reader.metadata.title == "SEND Strategic Board: quarterly report, Quarter 2 2025-26"
    assert reader.trailer["/Root"]["/Lang"] == "en-GB"
    assert "/StructTreeRoot" in reader.trailer["/Root"]  # tagged
    outline = [item["/Title"] for item in reader.outline if isinstance(item, dict)]
    assert outline[0] == "SEND Strategic Board: quarterly report"
    titles = [item["/Title"] for group in reader.outline if isinstance(group, list)
              for item in group if isinstance(item, dict)]
    assert {"Contents", "Decisions required", "Board business this quarter"} <= set(titles)
    pages = len(reader.pages)
    assert report.page_count == pages
    assert f"Page {pages} of {pages}" in text
    assert "SEND Strategic Board · Quarter 2 2025-26" in text  # running header
    page = reader.pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)


def test_the_numbers_in_the_pdf_match_the_services(gov, produce):
    busy_quarter(gov.board, meetings=3, items=4)
    report = produce(actor=gov.secretary, board=gov.board, year="2025-26", quarter=2)
    _, text = _text(report)
    decisions = Decision.objects.filter(agenda_item__meeting__board=gov.board)
    approved = decisions.filter(outcome="approved").count()
    assert f"Decisions made in the quarter ({decisions.count()})" in text
    assert "Meetings in the quarter (3 held)" in text
    assert f"Approved {approved}" in text
    figures = report.data["figures"]
    assert figures["Board business this quarter: Decisions made"] == str(decisions.count())
    assert figures["Board business this quarter: Decisions approved"] == str(approved)


def test_sections_of_other_apps_are_included_in_their_order(gov, produce):
    report = produce(actor=gov.secretary, board=gov.board, year="2025-26", quarter=2)
    expected = [module.TITLE for _, module in section_modules()]
    got = [s["title"] for s in report.data["sections"]]
    # A section may leave itself out (nothing in scope) but never reorders.
    assert got == [t for t in expected if t in got]
    assert "Board business this quarter" in got
    _, text = _text(report)
    for title in got:
        assert title in text


def test_the_html_page_and_the_pdf_come_from_the_same_body(gov, produce):
    report = produce(actor=gov.secretary, board=gov.board, year="2025-26", quarter=2)
    assert report.html.startswith('<article class="board-report"')
    assert 'href="#decisions-required"' in report.html
    assert "<script" not in report.html


def test_compare_reads_the_stored_figures_of_the_previous_quarter(gov, produce):
    busy_quarter(gov.board, meetings=1, items=2, month=4)  # Q1: 2 decisions
    busy_quarter(gov.board, meetings=2, items=3)  # Q2: 6 decisions
    q1 = produce(actor=gov.secretary, board=gov.board, year="2025-26", quarter=1)
    q2 = produce(actor=gov.secretary, board=gov.board, year="2025-26", quarter=2)
    rows = {r["label"]: r for r in compare(q2.data, q1.data)}
    made = rows["Board business this quarter: Decisions made"]
    assert (made["current"], made["previous"], Decimal(made["change"])) == ("6", "2", 4)


def _assemble_queries(report):
    with CaptureQueriesContext(connection) as ctx:
        assemble(report)
    return len(ctx.captured_queries)


def test_assembling_costs_a_constant_number_of_queries(gov, django_assert_max_num_queries):
    from tests.factories.commissioning import intention

    report = BoardReport.objects.create(board=gov.board, year="2025-26", quarter=2)
    busy_quarter(gov.board, meetings=1, items=2)
    small = _assemble_queries(report)
    for n in range(12):
        intention(lead_agency=gov.council, partners=[gov.icb], title=f"Intention {n}",
                  value="150000.00")
    busy_quarter(gov.board, meetings=4, items=6, month=8)
    # Whatever the number of intentions, meetings and decisions, the same queries run:
    # governance's own (scope, agenda, referrals, children) plus each section's fixed set.
    with django_assert_max_num_queries(small):
        assemble(report)


def test_referrals_waiting_for_the_board_are_decisions_required(area, produce):
    from commissioning.models import BoardReferral
    from tests.factories.commissioning import Cycle

    cycle = Cycle(area, value="800000.00")
    gate = cycle.submit()  # above both approvers' limits: referred to the cycle's board
    waiting = BoardReferral.objects.filter(gate=gate, board=cycle.board)
    assert waiting.count() == 2
    board = services.board_update(actor=None, board=cycle.board,
                                  scope_agencies=[cycle.council, cycle.icb])
    report = produce(actor=None, board=board, year="2025-26", quarter=2)
    assert report.status == "ready", report.error
    required = report.data["decisions_required"]
    assert len(required) == 2 and {r["source"] for r in required} == {"Board referral"}
    assert report.data["figures"]["Decisions required"] == "2"
    _, text = _text(report)
    assert "Referrals, sign-offs and items awaiting the board (2)" in text
    assert cycle.intention.reference in text
    titles = [s["title"] for s in report.data["sections"]]
    assert "Commissioning cycle" in titles  # the cycle's own section, from its app
    if PDFUA.exists():
        result = subprocess.run([str(PDFUA), "check", report.pdf.path, "--min-severity",
                                 "error"], capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stdout
