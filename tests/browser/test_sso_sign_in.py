"""Organisation sign-in end to end: Chromium, the portal and a real OpenID Connect provider."""
import pytest

from agencies.roles import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in_with_organisation(page, live_server, email):
    page.goto(live_server.url + "/account/sign-in/")
    page.click("text=Sign in with your organisation's account")
    page.fill("#id_email", email)
    page.click("#main-form button[type=submit]")
    # The provider's own sign-in and consent pages.
    page.wait_for_selector("input[name=login]")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", "anything")
    page.click("button[type=submit]")
    page.wait_for_load_state()
    if page.locator("button[autofocus]").count():
        page.click("button[autofocus]")  # "Continue" on the consent page
    page.wait_for_url(f"{live_server.url}/**")


def test_a_council_officer_signs_in_with_their_organisation_account(
        browser, live_server, sign_in_provider, council, make_member, check_page):
    officer = make_member(council, Role.COMMISSIONER, username="ofc",
                          email="Officer.One@Testshire.gov.uk")
    page = browser.new_context().new_page()
    _sign_in_with_organisation(page, live_server, "officer.one@testshire.gov.uk")
    assert page.url == live_server.url + "/"
    officer.refresh_from_db()
    assert officer.last_login is not None
    assert "Sign out" in page.content()
    check_page(page, "/")


@pytest.mark.parametrize(("email", "reason"), [
    ("nobody@testshire.gov.uk", "No portal account uses nobody@testshire.gov.uk"),
    ("unverified.officer@testshire.gov.uk", "has not confirmed"),
])
def test_organisation_sign_in_refuses_unknown_or_unverified_addresses(
        browser, live_server, sign_in_provider, council, make_member, email, reason,
        check_page):
    make_member(council, Role.COMMISSIONER, username="uv",
                email="unverified.officer@testshire.gov.uk")
    page = browser.new_context().new_page()
    check_page(page, "/account/sign-in/organisation/")
    _sign_in_with_organisation(page, live_server, email)
    assert page.url.startswith(live_server.url + "/account/sign-in/")
    assert reason in page.content()
    assert "Sign out" not in page.content()


def test_an_administrator_signing_in_with_their_organisation_still_needs_two_factor(
        browser, live_server, sign_in_provider, council, make_member):
    make_member(council, Role.ADMIN, username="adm", email="admin@testshire.gov.uk")
    page = browser.new_context().new_page()
    _sign_in_with_organisation(page, live_server, "admin@testshire.gov.uk")
    page.goto(live_server.url + "/")
    assert "/account/two-factor/" in page.url
