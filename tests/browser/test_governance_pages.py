"""Every governance page, including the HTML board report, passes axe with zero violations
for the secretary, a member and an administrator."""
from datetime import date

import pytest

from agencies.roles import Role
from governance import services
from governance.models import BoardReport
from tests.browser.conftest import submit
from tests.factories.governance import board, decided_item, quorate_meeting, seat

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def setup(area, council, icb, make_member, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    top = board(area, name="Health and Wellbeing Board", scope=[council, icb])
    strategic = board(area, name="SEND Strategic Board", reports_to=top, scope=[council, icb])
    hub = board(area, name="SEND Commissioning Hub", reports_to=strategic, scope=[council])
    people = {
        "secretary": make_member(council, Role.BOARD_SECRETARY, username="b.secretary"),
        "member": make_member(icb, Role.BOARD_MEMBER, username="b.member"),
        "admin": make_member(council, Role.ADMIN, username="b.admin"),
    }
    for b in (top, strategic, hub):
        seat(b, council, "secretary", user=people["secretary"])
        seat(b, icb, "member", user=people["member"])
    held = quorate_meeting(strategic, on=date(2025, 8, 14))
    decided_item(held)
    services.agenda_item_add(actor=None, meeting=held, title="Equipment service review")
    for b in (hub, strategic):  # the child first, so the parent rolls it up
        report, _ = services.report_request(actor=None, board=b, year="2025-26", quarter=2)
    report = BoardReport.objects.get(pk=report.pk)
    assert report.status == "ready", report.error
    services.report_publish(actor=None, report=report)
    services.report_comment_add(actor=people["member"], report=report, body="Thank you.")
    item = held.agenda.get(title="Equipment service review")
    return {"people": people, "board": strategic, "meeting": held, "report": report,
            "item": item}


@pytest.mark.parametrize("who", ["secretary", "member", "admin"])
def test_governance_pages_are_accessible(who, setup, browse, check_page):
    page = browse(setup["people"][who])
    b, held, report = setup["board"], setup["meeting"], setup["report"]
    paths = ["/", "/boards/", f"/boards/{b.pk}/", f"/meetings/{held.pk}/", "/reports/",
             f"/reports/{report.pk}/", f"/reports/{report.pk}/compare/"]
    if who != "member":
        paths += [f"/boards/{b.pk}/meetings/new/", f"/meetings/{held.pk}/items/new/",
                  f"/meetings/{held.pk}/attendance/", f"/meetings/{held.pk}/minutes/",
                  f"/agenda-items/{setup['item'].pk}/decision/"]
    for path in paths:
        check_page(page, path)


def test_the_html_report_view_and_error_states_are_accessible(setup, browse, check_page):
    from tests.browser.conftest import axe_violations

    page = browse(setup["people"]["secretary"])
    check_page(page, f"/reports/{setup['report'].pk}/")
    assert page.locator("h1").count() == 1
    assert page.locator("svg[role=img] title").count() >= 1  # the chart's text alternative
    # A decision without a reason: the GOV.UK error summary, still accessible.
    check_page(page, f"/agenda-items/{setup['item'].pk}/decision/")
    page.check("#id_outcome")
    submit(page, "#main-form button[type=submit]")
    assert "There is a problem" in page.content()
    assert axe_violations(page) == []
    # An empty comment on the report page.
    check_page(page, f"/reports/{setup['report'].pk}/")
    submit(page, "#main-form button[type=submit]")
    assert "There is a problem" in page.content()
    assert axe_violations(page) == []


def test_publish_confirmation_and_unfinished_quarter_pages_are_accessible(setup, browse,
                                                                         check_page):
    from governance.quarters import quarter_of
    from tests.browser.conftest import axe_violations

    page = browse(setup["people"]["secretary"])
    b = setup["board"]
    ready = BoardReport.objects.get(status="ready")  # the hub's; the strategic one is published
    check_page(page, f"/reports/{ready.pk}/publish/")
    assert "will be e-mailed" in page.content()
    check_page(page, f"/boards/{b.pk}/")
    year, quarter = quarter_of(date.today())
    page.fill("#id_year", year)
    page.check(f"input[name=quarter][value='{quarter}']")
    submit(page, "button:has-text('Request report')")
    assert "has not ended yet" in page.content()
    assert axe_violations(page) == []
    # A report being produced: its status page (without the self-reload, so that axe
    # does not race a reload; the reloading version differs only in one sentence).
    queued = BoardReport.objects.create(board=b, year="2025-26", quarter=1)
    check_page(page, f"/reports/{queued.pk}/?refresh=off")
    assert "Queued" in page.content()


def test_a_requested_report_page_checks_again_by_itself_without_javascript(
        setup, browser, live_server, settings):
    """Request a report with JavaScript turned off: the answer comes at once, the page says
    it is queued, and it reloads by itself (HTTP Refresh) until the report is ready."""
    import threading

    from portal import background
    from tests.browser.conftest import _pass_two_factor

    settings.CELERY_EAGER_IN_THREAD = True
    release = threading.Event()
    blocker = background.submit(release.wait, 120)  # holds the report until we have looked
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        secretary = setup["people"]["secretary"]
        page.goto(live_server.url + "/account/sign-in/")
        page.fill("#id_username", secretary.username)
        page.fill("#id_password", "secret-pass-123")
        submit(page, "button[type=submit]")
        if "/account/two-factor/" in page.url:
            _pass_two_factor(page, secretary)
        page.goto(f"{live_server.url}/boards/{setup['board'].pk}/")
        page.fill("#id_year", "2025-26")
        page.check("input[name=quarter][value='1']")
        submit(page, "button:has-text('Request report')")
        assert "/reports/" in page.url and "Queued" in page.content()
        assert "checks again by itself" in page.content()
        release.set()
        page.wait_for_selector("text=Download the PDF", timeout=180_000)
        assert "checks again by itself" not in page.content()
    finally:
        release.set()
        blocker.result(timeout=120)
        background.wait(timeout=300)
        context.close()
