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


def axe_violations(page):
    if not AXE.exists():
        pytest.fail("axe-core is missing: run `npm ci`")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS)
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
    contexts = []

    def open_as(user, password="secret-pass-123"):
        context = browser.new_context()
        contexts.append(context)
        page = context.new_page()
        page.goto(live_server.url + "/account/sign-in/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", password)
        page.click("button[type=submit]")
        if "/account/two-factor/" in page.url:
            _pass_two_factor(page, user)
        return page

    yield open_as
    for context in contexts:
        context.close()


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
    page.click("#main-form button[type=submit]")  # not the navigation's sign-out button
    assert not re.search("/account/two-factor/", page.url), "two-factor sign-in failed"
