"""Issue 12 and 14 in the browser: a sample of pages for each role, at a phone's width
(390 px) and a desktop's (1,280 px), passes axe with zero violations, never scrolls
sideways, and raises no Content-Security-Policy violation; the navigation fits on one row;
a success banner takes focus.

Lean on purpose (CI has 2 cores): one browser context per person, each page loaded once
and checked at both widths.
"""
import json
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import axe_violations, submit
from tests.portal.world import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (390, 1280)
# Recorded in the page before any of its scripts run; DevTools' init script is not
# subject to the page's policy.
WATCH_CSP = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', e => window.__cspViolations.push(
  e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' ' + (e.sourceFile || '')));
"""


@pytest.fixture
def world(area, council, icb):
    return build_world(area, council, icb)


def open_page(browser, live_server, user=None):
    context = browser.new_context(viewport={"width": WIDTHS[0], "height": 900})
    context.add_init_script(WATCH_CSP)
    page = context.new_page()
    page.console_problems = []
    page.on("console", lambda m: page.console_problems.append(m.text)
            if "Content Security Policy" in m.text or "Content-Security-Policy" in m.text
            else None)
    if user is not None:
        from tests.browser.conftest import _pass_two_factor

        page.goto(live_server.url + "/account/sign-in/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", "secret-pass-123")
        submit(page, "#main-form button[type=submit]")
        if "/account/two-factor/" in page.url:
            _pass_two_factor(page, user)
    return page


def check_at_both_widths(page, base, path):
    """Loads `path` once; at each width: no sideways scroll, axe zero, no CSP violation."""
    problems = []
    page.set_viewport_size({"width": WIDTHS[0], "height": 900})
    page.console_problems.clear()
    response = page.goto(base + path)
    if response is None or response.status != 200 or urlsplit(page.url).path != path.split("?")[0]:
        return [f"{path}: answered {response.status if response else None} at {page.url}"]
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_timeout(50)  # let ResizeObserver mark wide tables
        scroll = page.evaluate("document.documentElement.scrollWidth")
        if scroll > width:
            problems.append(f"{path} at {width}px scrolls sideways: {scroll}px wide")
        violations = axe_violations(page)
        if violations:
            problems.append(f"axe on {path} at {width}px: {json.dumps(violations)}")
    csp = page.evaluate("window.__cspViolations") + page.console_problems
    if csp:
        problems.append(f"{path}: CSP violations {csp}")
    return problems


def test_sample_pages_per_role_reflow_pass_axe_and_keep_to_the_policy(
        world, browser, live_server, area):
    people, intention = world.people, world.intentions[0]
    sample = {
        None: ["/accessibility/", "/account/sign-in/", f"/public/{area.slug}/"],
        people.commissioner: ["/", "/intentions/", f"/intentions/{intention.pk}/",
                              f"/contracts/{world.contract.pk}/"],
        people.finance: [f"/pooled-budgets/{world.pool.pk}/position/?year=2025-26&quarter=1"],
        people.parent_carer: ["/", f"/intentions/{intention.pk}/consultation/"],
        people.admin: ["/people/", "/agencies/new/"],
        people.board_secretary: [f"/boards/{world.board.pk}/"],
    }
    problems = []
    for user, paths in sample.items():
        page = open_page(browser, live_server, user)
        try:
            for path in paths:
                problems += check_at_both_widths(page, live_server.url, path)
        finally:
            page.context.close()
    assert problems == [], "\n".join(problems)


def test_position_table_shows_its_last_column_at_desktop_width(world, browser, live_server):
    page = open_page(browser, live_server, world.people.finance)
    try:
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto(f"{live_server.url}/pooled-budgets/{world.pool.pk}/position/"
                  "?year=2025-26&quarter=1")
        box = page.locator("[aria-label^='Position by schedule']")
        assert box.get_attribute("tabindex") == "0" and box.get_attribute("role") == "region"
        widths = box.evaluate("b => [b.scrollWidth, b.clientWidth]")
        assert widths[0] <= widths[1], f"the table scrolls at 1280 px: {widths}"
        # At 390 px it scrolls inside its own focusable region, with a visible cue.
        page.set_viewport_size({"width": 390, "height": 900})
        widths = box.evaluate("b => [b.scrollWidth, b.clientWidth]")
        assert widths[0] > widths[1]
        # its own cue (the server's; cues portal.mjs adds to other tables are aria-hidden)
        assert page.locator(".portal-table-scroll__cue:not([aria-hidden])").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        page.context.close()


def test_navigation_fits_one_row_at_desktop_width(world, browser, live_server):
    page = open_page(browser, live_server, world.people.admin)
    try:
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto(live_server.url + "/")
        tops = page.eval_on_selector_all(
            ".govuk-service-navigation__item",
            "items => items.map(i => Math.round(i.getBoundingClientRect().top))")
        assert len(tops) >= 8 and len(set(tops)) == 1, tops
        colour = page.eval_on_selector("button.portal-link-button",
                                       "b => getComputedStyle(b).color")
        assert colour == "rgb(255, 255, 255)", "Sign out looks like the header's other links"
        assert page.eval_on_selector("button.portal-link-button",
                                     "b => getComputedStyle(b).textDecorationLine") == "underline"
    finally:
        page.context.close()


def test_success_banner_takes_focus_after_posting_a_comment(world, browser, live_server,
                                                           settings):
    from commissioning.coproduction.models import Comment
    from tests.factories.coproduction import fresh_rate_limits

    fresh_rate_limits(settings)
    intention = world.intentions[0]
    page = open_page(browser, live_server, world.people.parent_carer)
    try:
        page.set_viewport_size({"width": 390, "height": 700})
        page.goto(f"{live_server.url}/intentions/{intention.pk}/comments/new/")
        page.fill("#id_body", "Holiday clubs that can support autistic children, please.")
        submit(page, "#main-form button[type=submit]")
        page.wait_for_selector("#notification-banner")
        focused = page.evaluate("document.activeElement.id")
        assert focused == "notification-banner"
        in_view = page.eval_on_selector(
            "#notification-banner",
            "b => { const r = b.getBoundingClientRect();"
            " return r.top >= 0 && r.top < innerHeight }")
        assert in_view, "the banner is on screen"
        assert "Your comment was posted" in page.inner_text("#notification-banner")
        assert Comment.objects.filter(intention=intention, author=world.people.parent_carer,
                                      body__startswith="Holiday clubs").exists()
    finally:
        page.context.close()

