"""Helpers for the journeys: a person moves through the pages by clicking what the pages
offer, every page they reach answers without error and passes axe, and the test reads the
database after each step to prove what was saved.

Each journey builds its own small world with the factories (function-scoped, on the
transactional live server), so the journeys run in any order and under pytest-xdist.
"""
import json
import re

import pytest

from tests.browser.conftest import axe_violations

# Besides the WCAG rules the shared check runs: axe's `region` rule (every piece of content
# sits in a landmark), which the issue names as failing on every signed-in page.
EXTRA_RULES = ["region"]


def assert_accessible(page, what=""):
    violations = axe_violations(page, EXTRA_RULES)  # the WCAG rules and these, in one run
    assert violations == [], f"axe on {what or page.url}:\n{json.dumps(violations, indent=1)}"


def follow(page, target, *, expect=None):
    """Click a link or press a button that loads a page; the page it lands on must answer
    below 400 (or `expect`) and pass axe. Returns the response."""
    with page.expect_navigation() as navigation:
        target.click()
    response = navigation.value
    status = response.status if response else None
    if expect is None:
        assert status is not None and status < 400, f"{page.url} answered {status}"
    else:
        assert status == expect, f"{page.url} answered {status}, expected {expect}"
    assert_accessible(page)
    return response


def button(page, name):
    """A button (or a link styled as one) by its accessible name, within the main content."""
    pattern = name if isinstance(name, re.Pattern) else re.compile(f"^{re.escape(name)}",
                                                                   re.IGNORECASE)
    main = page.locator("main")
    found = main.get_by_role("button", name=pattern)
    if found.count() == 0:
        found = main.get_by_role("link", name=pattern)
    assert found.count() >= 1, f"no button “{name}” on {page.url}"
    return found.first


def link(page, name, *, exact=False):
    found = page.get_by_role("link", name=name, exact=exact)
    assert found.count() >= 1, f"no link “{name}” on {page.url}"
    return found.first


def nav(page, label):
    """A section of the service navigation (`label` a string or a pattern)."""
    found = page.locator(".govuk-service-navigation").get_by_role("link", name=label,
                                                                  exact=True)
    assert found.count() == 1, f"no “{label}” in the navigation of {page.url}"
    return found


def main_text(page):
    return page.inner_text("main")


def no_sideways_scroll(page, width=390):
    """At a phone's width the page itself never scrolls sideways (wide tables scroll inside
    their own container)."""
    before = page.viewport_size
    page.set_viewport_size({"width": width, "height": 844})
    try:
        scroll = page.evaluate("document.documentElement.scrollWidth")
        assert scroll <= width, f"{page.url} is {scroll} px wide at {width} px"
    finally:
        page.set_viewport_size(before)


@pytest.fixture
def visit(live_server):
    """Open a path (as a person would from a bookmark or the address bar): it answers
    `status` at that path, and passes axe."""
    from urllib.parse import urlsplit

    def go(page, path, *, status=200):
        response = page.goto(live_server.url + path)
        assert response is not None and response.status == status, (
            f"{path} answered {response.status if response else 'nothing'}")
        assert urlsplit(page.url).path == urlsplit(path).path, f"{path} ended at {page.url}"
        assert_accessible(page)
        return page
    return go


@pytest.fixture
def fresh_mail(mailoutbox):
    """The locmem outbox, shared with the live server's thread."""
    return mailoutbox
