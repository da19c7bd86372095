"""Board reports as a secretary and a member meet them (issue 12): the request answers at
once and the report is produced after the response; the report page shows queued /
running / ready and checks again by itself; the request cannot be made twice; a quarter
that has not ended asks for confirmation; publishing names who is e-mailed; the PDF
downloads with a meaningful name or opens in the browser; actions sit below the h1; an
empty pool says so instead of printing £0.00."""
import threading
import time
from datetime import date

import pytest
from django.core import mail
from django.template.loader import render_to_string
from django.utils import timezone

from commissioning.budgets import board_report as budgets_section
from governance import quarters
from governance.models import BoardReport, ReportStatus
from portal import background
from tests.factories import budgets as make


def _current_quarter():
    return quarters.quarter_of(timezone.localdate())


# --- the request answers before the report is built ------------------------------------
@pytest.mark.django_db(transaction=True)
def test_request_answers_at_once_and_the_page_follows_the_report_to_ready(gov, signed_in,
                                                                          settings):
    """On the embedded default (eager Celery) the report is produced in the background
    thread after the response. The thread is held busy by a real job until the test has
    looked at the queued state, so the order is certain, not a race."""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.CELERY_EAGER_IN_THREAD = True
    release = threading.Event()
    blocker = background.submit(release.wait, 120)
    try:
        client = signed_in(gov.secretary)
        started = time.monotonic()
        answer = client.post(f"/boards/{gov.board.pk}/reports/new/",
                             {"year": "2025-26", "quarter": "2"})
        answered_in = time.monotonic() - started
        report = BoardReport.objects.get(board=gov.board)
        assert answer.status_code == 302 and answer["Location"] == f"/reports/{report.pk}/"
        assert report.status == ReportStatus.QUEUED and not report.pdf
        assert answered_in < 5, answered_in

        page = client.get(f"/reports/{report.pk}/")
        html = page.content.decode()
        assert page.status_code == 200
        assert page["Refresh"] == "5"  # checks again by itself, no JavaScript needed
        assert "Queued" in html and 'role="status"' in html and "Check now" in html
        assert "was requested. It is being produced" in html  # the success message
        assert "?refresh=off" in html
        off = client.get(f"/reports/{report.pk}/?refresh=off")
        assert not off.has_header("Refresh") and "does not check again" in off.content.decode()

        # The board page offers no second request while it is queued, and a second
        # request (a double press) returns the same report.
        board_page = client.get(f"/boards/{gov.board.pk}/").content.decode()
        assert "See its progress" in board_page and "Request report</button>" not in board_page
        again = client.post(f"/boards/{gov.board.pk}/reports/new/",
                            {"year": "2025-26", "quarter": "2"})
        assert again["Location"] == f"/reports/{report.pk}/"
        assert BoardReport.objects.filter(board=gov.board).count() == 1
        assert "already requested" in client.get(again["Location"]).content.decode()
    finally:
        release.set()
    blocker.result(timeout=120)
    built_started = time.monotonic()
    background.wait(timeout=300)
    built_in = time.monotonic() - built_started
    report.refresh_from_db()
    assert report.status == ReportStatus.READY, report.error
    assert answered_in < built_in  # the answer came before the report was built
    ready = client.get(f"/reports/{report.pk}/")
    assert not ready.has_header("Refresh")
    assert "Download the PDF" in ready.content.decode()
    board_page = client.get(f"/boards/{gov.board.pk}/").content.decode()
    assert "Request report</button>" in board_page


@pytest.mark.django_db
def test_running_and_failed_reports_say_so(gov, signed_in):
    report = BoardReport.objects.create(board=gov.board, year="2025-26", quarter=1,
                                        status=ReportStatus.RUNNING,
                                        started_at=timezone.now())
    client = signed_in(gov.secretary)
    page = client.get(f"/reports/{report.pk}/")
    assert page["Refresh"] == "5" and "Being produced" in page.content.decode()
    BoardReport.objects.filter(pk=report.pk).update(status=ReportStatus.FAILED,
                                                    error="Disk full")
    page = client.get(f"/reports/{report.pk}/")
    html = page.content.decode()
    assert not page.has_header("Refresh")
    assert "Failed" in html and "Disk full" in html and "Request it again" in html


# --- a quarter that has not ended --------------------------------------------------------
@pytest.mark.django_db
def test_a_quarter_that_has_not_ended_asks_for_confirmation(gov, signed_in):
    year, quarter = _current_quarter()
    client = signed_in(gov.secretary)
    url = f"/boards/{gov.board.pk}/reports/new/"
    warned = client.post(url, {"year": year, "quarter": str(quarter)})
    html = warned.content.decode()
    assert warned.status_code == 200 and "has not ended yet" in html
    assert "Produce it now" in html and 'name="confirm_unfinished"' in html
    assert not BoardReport.objects.filter(board=gov.board).exists()
    confirmed = client.post(url, {"year": year, "quarter": str(quarter),
                                  "confirm_unfinished": "on"})
    assert confirmed.status_code == 302
    assert BoardReport.objects.filter(board=gov.board, year=year, quarter=quarter).count() == 1
    # An ended quarter is produced without asking.
    ended = client.post(url, {"year": "2025-26", "quarter": "1"})
    assert ended.status_code == 302


@pytest.mark.django_db
def test_the_api_asks_for_confirm_unfinished_too(gov, api):
    year, quarter = _current_quarter()
    client = api.as_user(gov.secretary)
    url = f"/api/v1/boards/{gov.board.pk}/reports/"
    refused = client.post(url, {"year": year, "quarter": quarter}, format="json")
    assert refused.status_code == 400
    assert "confirm_unfinished" in refused.json()["errors"]
    accepted = client.post(url, {"year": year, "quarter": quarter, "confirm_unfinished": True},
                           format="json")
    assert accepted.status_code == 202


# --- publishing, the PDF, the layout ----------------------------------------------------
@pytest.mark.django_db
def test_publish_asks_first_and_names_who_will_be_e_mailed(gov, signed_in, produced,
                                                          django_capture_on_commit_callbacks):
    client = signed_in(gov.secretary)
    detail = client.get(f"/reports/{produced.pk}/").content.decode()
    assert f'href="/reports/{produced.pk}/publish/"' in detail  # a link, not a POST button
    confirm = client.get(f"/reports/{produced.pk}/publish/")
    html = confirm.content.decode()
    produced.refresh_from_db()
    assert confirm.status_code == 200 and produced.status == ReportStatus.READY
    named = {u.email for u in (gov.secretary, gov.chair, gov.member) if u.email}
    assert named and all(email in html for email in named)
    assert gov.commissioner.email not in html  # not on the board: not e-mailed
    assert f"Publish and e-mail {len(named)} members" in html
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(f"/reports/{produced.pk}/publish/")
    assert done.status_code == 302
    produced.refresh_from_db()
    assert produced.status == ReportStatus.PUBLISHED
    assert {m.to[0] for m in mail.outbox} == named


@pytest.mark.django_db
def test_pdf_downloads_with_a_meaningful_name_and_views_inline(gov, signed_in, produced, api):
    client = signed_in(gov.member)
    BoardReport.objects.filter(pk=produced.pk).update(status=ReportStatus.PUBLISHED)
    name = "send-strategic-board-2025-26-q2-v1.pdf"
    download = client.get(f"/reports/{produced.pk}/pdf/")
    assert download.status_code == 200
    assert download["Content-Disposition"] == f'attachment; filename="{name}"'
    view = client.get(f"/reports/{produced.pk}/pdf/view/")
    assert view.status_code == 200 and view["Content-Type"] == "application/pdf"
    assert view["Content-Disposition"] == f'inline; filename="{name}"'
    page = client.get(f"/reports/{produced.pk}/").content.decode()
    assert "View the PDF in your browser" in page and name in page
    from_api = api.as_user(gov.member).get(f"/api/v1/reports/{produced.pk}/pdf/")
    assert from_api["Content-Disposition"] == f'attachment; filename="{name}"'


@pytest.mark.django_db
def test_actions_sit_below_the_h1(gov, signed_in, produced):
    html = signed_in(gov.secretary).get(f"/reports/{produced.pk}/").content.decode()
    assert html.count("<h1") == 1
    h1 = html.index("<h1")
    for action in ("Mark as read", "Publish and e-mail the board", "Download the PDF",
                   "Compare with the previous quarter"):
        assert h1 < html.index(action), action
    assert html.index("Publish and e-mail the board") < html.index('id="contents-title"')


# --- an empty section says so -----------------------------------------------------------
@pytest.mark.django_db
def test_a_pool_with_nothing_recorded_for_the_year_says_so(gov):
    make.pool(gov.area, gov.council, gov.icb, schedules=1, spend_lines=0)  # 2025-26 only
    empty = budgets_section.section(board=gov.board, year="2026-27", quarter=1,
                                    agencies=[gov.council, gov.icb])
    html = render_to_string(budgets_section.TEMPLATE, empty)
    pools = html[:html.index("Joint packages")]
    assert "No contributions recorded for 2026-27" in pools and "£0.00" not in pools
    full = budgets_section.section(board=gov.board, year="2025-26", quarter=1,
                                   agencies=[gov.council, gov.icb])
    html = render_to_string(budgets_section.TEMPLATE, full)
    assert "No contributions recorded" not in html and "£100,000.00" in html
    make.spend(full_schedule(gov), date(2026, 5, 1), 500)
    spent = budgets_section.section(board=gov.board, year="2026-27", quarter=1,
                                    agencies=[gov.council, gov.icb])
    html = render_to_string(budgets_section.TEMPLATE, spent)
    assert "No contributions recorded for 2026-27." in html and "£500.00" in html


def full_schedule(gov):
    from commissioning.budgets.models import Schedule

    return Schedule.objects.get(agreement__local_area=gov.area)
