"""Journey 4: a board secretary requests a quarter's report, waits for it, publishes it
(confirming who will be e-mailed), and a member of the board reads it and downloads the
PDF — through the pages only.
"""
import re
import time
from datetime import UTC, date, datetime

import pytest

from agencies.roles import Role
from governance.models import BoardReport, ReportRead, ReportStatus
from tests.factories.agencies import member
from tests.factories.governance import board, decided_item, quorate_meeting, seat

from .conftest import assert_accessible, button, follow, link, main_text, nav

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STILL_WORKING = re.compile(r"in the background|being produced|queued|running", re.IGNORECASE)


def status_text(page):
    """What the page says about the report now: the main content without the report
    itself and its comments (the board's words, not the portal's) and without the banner
    about the request (written when the request was answered)."""
    return page.evaluate("""() => {
        const main = document.querySelector('main').cloneNode(true);
        main.querySelectorAll('article.board-report, section[aria-labelledby=comments-title],'
                              + ' .govuk-notification-banner').forEach(e => e.remove());
        return main.textContent.replace(/\\s+/g, ' ');
    }""")


@pytest.fixture
def strategic(area, council, icb, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # As the embedded default runs (base settings): slow tasks of an eager Celery go to a
    # background thread after the request (the test settings run them inline instead).
    settings.CELERY_EAGER_IN_THREAD = True
    strategic = board(area, name="SEND Strategic Board", scope=[council, icb])
    secretary = member(council, Role.BOARD_SECRETARY, username="j.secretary",
                       first_name="Sam", last_name="Secretary")
    reader = member(icb, Role.BOARD_MEMBER, username="j.member", first_name="Morgan",
                    last_name="Member", email="morgan.member@example.org")
    seat(strategic, council, "secretary", user=secretary)
    seat(strategic, icb, "member", user=reader)
    decided_item(quorate_meeting(strategic, on=date(2025, 8, 14)))
    return {"board": strategic, "secretary": secretary, "member": reader}


def wait_until_ready(page, report, seconds=90):
    """The report page says where the report is and refreshes itself; reload as a person
    would until the report is ready (bounded)."""
    deadline = time.monotonic() + seconds
    while True:
        report.refresh_from_db()
        if report.status in (ReportStatus.READY, ReportStatus.FAILED):
            break
        assert STILL_WORKING.search(status_text(page)), "the page does not say it is working"
        assert time.monotonic() < deadline, f"the report is still {report.status}"
        time.sleep(1)
        page.reload()
    page.reload()
    assert report.status == ReportStatus.READY, report.error
    assert_accessible(page)
    assert not STILL_WORKING.search(status_text(page)), \
        "the report is ready but the page says it is still being produced"


def test_secretary_requests_and_publishes_and_a_member_reads(strategic, browse, visit,
                                                             fresh_mail):
    the_board, reader = strategic["board"], strategic["member"]

    # The secretary asks for Q2 2025-26 from the board's page.
    page = browse(strategic["secretary"])
    visit(page, "/")
    follow(page, nav(page, "Boards"))
    follow(page, link(page, the_board.name, exact=True))
    page.fill("#id_year", "2025-26")
    page.get_by_label("Quarter 2 (July to September)").check()
    posted = []

    def note_answer(response):  # the request itself, before its redirect
        if response.request.method == "POST" and "/reports/new/" in response.url:
            posted.append(response.request)
    page.on("response", note_answer)
    response = follow(page, button(page, "Request report"))
    page.remove_listener("response", note_answer)
    report = BoardReport.objects.get(board=the_board, year="2025-26", quarter=2)
    assert report.version == 1
    if STILL_WORKING.search(status_text(page)):
        # Still being produced, so the page must keep the reader informed by itself.
        refreshes = "refresh" in response.headers or \
            page.locator("meta[http-equiv='refresh' i]").count() > 0
        assert refreshes, f"the page says the report is {report.status} but never " \
                          "refreshes itself"
    wait_until_ready(page, report)
    # When the browser got the answer (its own clock, in ms since the epoch): the report
    # must have been finished after that, not before.
    timing = posted[0].timing
    answered = datetime.fromtimestamp((timing["startTime"] + timing["responseStart"]) / 1000,
                                      UTC)
    assert report.finished_at > answered, \
        "the request waited until the report was produced instead of answering at once"

    # The action buttons sit below the page's heading.
    heading = page.locator("main h1").first.bounding_box()
    publish = button(page, "Publish")
    assert heading["y"] < publish.bounding_box()["y"], "the actions sit above the h1"

    # Publishing asks first, naming who will be e-mailed; nothing is sent until confirmed.
    follow(page, publish)
    report.refresh_from_db()
    assert report.status == ReportStatus.READY and not fresh_mail, \
        "the report was published without asking for confirmation"
    assert "Morgan Member" in main_text(page), "the confirmation does not name who is e-mailed"
    follow(page, button(page, re.compile("publish", re.IGNORECASE)))
    report.refresh_from_db()
    assert report.status == ReportStatus.PUBLISHED and report.published_at is not None
    assert any(reader.email in m.to for m in fresh_mail), [m.to for m in fresh_mail]
    page.context.close()

    # The member finds it on the home page, reads it, and downloads the PDF.
    page = browse(reader)
    visit(page, "/")
    follow(page, link(page, the_board.name))
    assert page.url.endswith(f"/reports/{report.pk}/")
    follow(page, button(page, "Mark as read"))
    assert ReportRead.objects.filter(report=report, user=reader).exists()
    assert "You have read this report" in main_text(page)

    hrefs = set(page.locator("main a[href*='/pdf']").evaluate_all("els => els.map(e => e.href)"))
    dispositions = {}
    for href in hrefs:
        response = page.request.get(href)
        assert response.status == 200 and response.body()[:5] == b"%PDF-", href
        dispositions[href] = response.headers["content-disposition"]
    downloads = [d for d in dispositions.values() if d.startswith("attachment")]
    views = [d for d in dispositions.values() if d.startswith("inline")]
    assert downloads and views, \
        f"one link should download the PDF and another view it: {dispositions}"
    name = re.search(r'filename="?([^";]+)', downloads[0]).group(1)
    letters = re.sub(r"[^a-z0-9]", "", name.lower())
    for part in ("2025-26", "q2", "v1"):
        assert part in name.lower(), f"the PDF's file name {name!r} does not say {part}"
    assert any(re.sub(r"[^a-z0-9]", "", board_name.lower()) in letters
               for board_name in (the_board.name, the_board.short_name) if board_name), \
        f"the PDF's file name {name!r} does not name the board"
