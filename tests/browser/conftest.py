"""Browser tests: Playwright drives Debian's Chromium; axe-core checks every page.

`browse(user)` gives a Playwright page signed in as that person (2FA done when needed);
`check_page(page, path)` opens a path, asserts a 200-class status and zero axe violations
against WCAG 2.0/2.1/2.2 A and AA rules.
"""
import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


def _axe_source():
    global _AXE_SOURCE
    if _AXE_SOURCE is None:
        _AXE_SOURCE = AXE.read_text()
    return _AXE_SOURCE


_AXE_SOURCE = None


def submit(page, selector):
    """Click what loads a new page (a submit button, a link) and wait until that page has
    loaded: reading `page.content()` straight after a plain click can catch the new document
    before it has any content (it did in CI: '' instead of the error page)."""
    with page.expect_navigation():
        page.click(selector)
    return page


def axe_violations(page, extra_rules=()):
    """The page's axe violations of the WCAG rules, and of `extra_rules` too (one run)."""
    if not AXE.exists():
        pytest.fail("axe-core is missing: run `npm ci`")
    # Evaluated, not added as a <script> tag: the pages' Content-Security-Policy forbids
    # inline script, and would block a tag (DevTools evaluation is not subject to it).
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.evaluate(_axe_source())
    # `rules` enables rules beyond the tags; resultTypes only spares axe collecting every
    # passing node (the violations are reported in full either way).
    result = page.evaluate(
        """([tags, extra]) => axe.run(document, {
            runOnly: {type: 'tag', values: tags},
            rules: Object.fromEntries(extra.map(id => [id, {enabled: true}])),
            resultTypes: ['violations']})""", [WCAG_TAGS, list(extra_rules)])
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"],
         "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]


@pytest.fixture
def check_page(live_server):
    def check(page, path, *, status=200):
        response = page.goto(live_server.url + path)
        assert response is not None and response.status == status, (
            f"{path} answered {response.status if response else 'nothing'}")
        # A redirect (say, to the sign-in page) would test the wrong page.
        assert urlsplit(page.url).path == urlsplit(path).path, f"{path} ended at {page.url}"
        violations = axe_violations(page)
        assert violations == [], f"axe on {path}:\n{json.dumps(violations, indent=1)}"
        return page
    return check


@pytest.fixture
def browse(browser, live_server):
    """`browse(user)`: a blank page signed in as the person. The session is made
    with Django's test client and planted as a cookie: the sign-in and two-factor forms are
    tested where signing in is the subject (test_agencies_pages, test_sso_sign_in,
    tests/agencies/test_auth.py); `browse(user, by_form=True)` goes through the forms and
    ends at the home page."""
    contexts = []

    def open_as(user, password="secret-pass-123", *, by_form=False):
        context = browser.new_context()
        contexts.append(context)
        page = context.new_page()
        if by_form:
            _sign_in_by_form(page, live_server, user, password)
        else:  # the page opens nothing yet: every test goes to its own first page
            context.add_cookies([_session_cookie(user, live_server.url)])
        return page

    yield open_as
    for context in contexts:
        context.close()


def _sign_in_by_form(page, live_server, user, password):
    page.goto(live_server.url + "/account/sign-in/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", password)
    submit(page, "button[type=submit]")
    if "/account/two-factor/" in page.url:
        _pass_two_factor(page, user)


def _session_cookie(user, url):
    """A session for `user` as the sign-in forms would leave it: signed in and, for people
    who have or need a second factor, past it (enrolled as _pass_two_factor takes them)."""
    from django.test import Client
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from agencies.twofactor import requires_second_factor

    client = Client()
    client.force_login(user)
    if requires_second_factor(user):
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
            type(user).objects.filter(pk=user.pk).update(two_factor_enrolled=True)
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()
    return {"name": settings.SESSION_COOKIE_NAME,
            "value": client.cookies[settings.SESSION_COOKIE_NAME].value, "url": url}


def _pass_two_factor(page, user):
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        # First-time enrolment goes through an e-mailed link (tests/agencies/test_auth.py
        # covers it); here the person is taken as already enrolled.
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
        type(user).objects.filter(pk=user.pk).update(two_factor_enrolled=True)
        page.reload()
    page.fill("#id_otp_token", f"{totp(device.bin_key):06d}")
    submit(page, "#main-form button[type=submit]")  # not the navigation's sign-out button
    assert not re.search("/account/two-factor/", page.url), "two-factor sign-in failed"
