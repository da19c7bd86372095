"""Governance pages: who sees what, forms answer 400 with the error summary, missing and
forbidden are the same 404, and lists cost a constant number of queries."""
from datetime import date

import pytest

from governance import services
from governance.models import BoardReport, Decision, ReportStatus
from tests.factories.governance import board, busy_quarter, meeting, quorate_meeting, seat

pytestmark = pytest.mark.django_db


@pytest.fixture
def produced(gov, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report, _ = services.report_request(actor=None, board=gov.board, year="2025-26",
                                            quarter=2)
    return BoardReport.objects.get(pk=report.pk)


def test_board_list_is_a_tree(gov, signed_in):
    board(gov.area, name="SEND Commissioning Hub", reports_to=gov.board)
    page = signed_in(gov.member).get("/boards/")
    html = page.content.decode()
    assert page.status_code == 200
    # The hub is nested inside the strategic board's list item.
    outer = html.index("SEND Strategic Board")
    assert outer < html.index("SEND Commissioning Hub") < html.rindex("</ul>")
    assert 'aria-label="Board hierarchy"' in html


def test_board_page_shows_members_meetings_and_reports_to_those_allowed(gov, signed_in,
                                                                        produced):
    meeting(gov.board)
    member_page = signed_in(gov.member).get(f"/boards/{gov.board.pk}/").content.decode()
    assert "Members" in member_page and "14 August 2025" in member_page
    assert "Quarterly reports" in member_page and "Request a report" not in member_page
    secretary_page = signed_in(gov.secretary).get(f"/boards/{gov.board.pk}/").content.decode()
    assert "Request a report" in secretary_page and "Add a meeting" in secretary_page
    commissioner_page = signed_in(gov.commissioner).get(f"/boards/{gov.board.pk}/")
    assert commissioner_page.status_code == 200
    assert "Quarterly reports" not in commissioner_page.content.decode()
    assert signed_in(gov.parent_carer).get(f"/boards/{gov.board.pk}/").status_code == 404


def test_secretary_records_a_meeting_attendance_and_a_decision(gov, signed_in):
    client = signed_in(gov.secretary)
    bad = client.post(f"/boards/{gov.board.pk}/meetings/new/", {"date": "2025-09-18"})
    assert bad.status_code == 400 and "There is a problem" in bad.content.decode()
    created = client.post(f"/boards/{gov.board.pk}/meetings/new/",
                          {"date": "2025-09-18", "location": "County Hall"})
    held = gov.board.meetings.get()
    assert created.status_code == 302 and created["Location"] == f"/meetings/{held.pk}/"
    client.post(f"/meetings/{held.pk}/items/new/", {"title": "Short breaks", "kind": "paper"})
    item = held.agenda.get()
    not_quorate = client.post(f"/agenda-items/{item.pk}/decision/", {
        "outcome": "approved", "reason": "Agreed", "method": "consensus"})
    assert not_quorate.status_code == 400 and "not quorate" in not_quorate.content.decode()
    seat_ids = [str(pk) for pk in gov.board.members.values_list("pk", flat=True)]
    client.post(f"/meetings/{held.pk}/attendance/", {"present": seat_ids})
    done = client.post(f"/agenda-items/{item.pk}/decision/", {
        "outcome": "approved", "reason": "Agreed", "method": "consensus"})
    assert done.status_code == 302
    assert Decision.objects.get().recorded_by == gov.secretary
    page = client.get(f"/meetings/{held.pk}/").content.decode()
    assert "Quorate" in page and "Approved" in page
    client.post(f"/meetings/{held.pk}/minutes/", {"minutes": "Agreed.", "status": "held"})
    held.refresh_from_db()
    assert held.minutes == "Agreed."


def test_members_cannot_use_the_secretarys_forms(gov, signed_in):
    held = quorate_meeting(gov.board)
    item = services.agenda_item_add(actor=None, meeting=held, title="Item")
    client = signed_in(gov.member)
    for path in (f"/boards/{gov.board.pk}/meetings/new/", f"/meetings/{held.pk}/items/new/",
                 f"/meetings/{held.pk}/attendance/", f"/meetings/{held.pk}/minutes/",
                 f"/agenda-items/{item.pk}/decision/"):
        assert client.get(path).status_code == 404, path


def test_report_page_pdf_read_comment_publish_compare(gov, signed_in, produced):
    client = signed_in(gov.secretary)
    page = client.get(f"/reports/{produced.pk}/").content.decode()
    assert "SEND Strategic Board: quarterly report" in page and "Download the PDF" in page
    pdf = client.get(f"/reports/{produced.pk}/pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert client.get(f"/reports/{produced.pk}/compare/").status_code == 200
    bad = client.post(f"/reports/{produced.pk}/comments/", {"body": ""})
    assert bad.status_code == 400 and "There is a problem" in bad.content.decode()
    client.post(f"/reports/{produced.pk}/comments/", {"body": "Looks right."})
    client.post(f"/reports/{produced.pk}/read/")
    assert produced.reads.filter(user=gov.secretary).exists()
    client.post(f"/reports/{produced.pk}/publish/")
    produced.refresh_from_db()
    assert produced.status == ReportStatus.PUBLISHED
    member_page = signed_in(gov.member).get(f"/reports/{produced.pk}/").content.decode()
    assert "Looks right." in member_page and "Publish and e-mail" not in member_page


def test_reports_are_404_for_everyone_else(gov, signed_in, produced):
    BoardReport.objects.filter(pk=produced.pk).update(status=ReportStatus.PUBLISHED)
    for person in (gov.commissioner, gov.parent_carer):
        client = signed_in(person)
        for path in ("", "pdf/", "compare/"):
            assert client.get(f"/reports/{produced.pk}/{path}").status_code == 404
    # Not yet published: the member does not see the draft either.
    BoardReport.objects.filter(pk=produced.pk).update(status=ReportStatus.READY)
    assert signed_in(gov.member).get(f"/reports/{produced.pk}/").status_code == 404


def test_library_groups_by_quarter_and_marks_unread(gov, signed_in,
                                                    django_capture_on_commit_callbacks):
    for quarter in (1, 2):
        with django_capture_on_commit_callbacks(execute=True):
            report, _ = services.report_request(actor=None, board=gov.board, year="2025-26",
                                                quarter=quarter)
        services.report_publish(actor=None, report=BoardReport.objects.get(pk=report.pk))
    services.report_mark_read(actor=gov.member, report=report)
    page = signed_in(gov.member).get("/reports/").content.decode()
    assert page.index("Quarter 2 2025-26") < page.index("Quarter 1 2025-26")
    assert "1 not yet marked as read" in page


def _more_boards(gov, count):
    for n in range(count):
        extra = board(gov.area, name=f"Locality board {n}", reports_to=gov.board)
        seat(extra, gov.council, "member", user=gov.member)
        meeting(extra, on=date(2025, 7, 1 + n))
        BoardReport.objects.create(board=extra, year="2025-26", quarter=2,
                                   status=ReportStatus.PUBLISHED)


@pytest.mark.parametrize("path", ["/boards/", "/reports/", "board", "meeting"])
def test_pages_cost_a_constant_number_of_queries(gov, signed_in, path,
                                                 django_assert_max_num_queries):
    busy_quarter(gov.board, meetings=1, items=1)
    held = gov.board.meetings.get()
    url = {"board": f"/boards/{gov.board.pk}/", "meeting": f"/meetings/{held.pk}/"}.get(path,
                                                                                         path)
    client = signed_in(gov.member)
    client.get(url)  # warm the session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    _more_boards(gov, 6)
    busy_quarter(gov.board, meetings=3, items=5, month=10)
    with django_assert_max_num_queries(len(small.captured_queries)) as big:
        assert client.get(url).status_code == 200
    print(f"{url}: {len(small.captured_queries)} then {len(big.captured_queries)} queries")


def test_home_panels_show_unread_reports_and_next_meetings(gov, signed_in, produced):
    services.report_publish(actor=None, report=produced)
    services.meeting_create(actor=None, board=gov.board, date=date(2099, 1, 5),
                            location="County Hall")
    member_home = signed_in(gov.member).get("/").content.decode()
    assert "Board reports to read" in member_home and "Quarter 2 2025-26" in member_home
    assert "next meetings" not in member_home
    secretary_home = signed_in(gov.secretary).get("/").content.decode()
    assert "Your boards&#x27; next meetings" in secretary_home
    assert "5 January 2099" in secretary_home
