"""Every foundation page, signed in as each role, passes axe with zero violations."""
import pytest

from agencies.roles import Role
from tests.browser.conftest import submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def people(area, council, icb, make_member):
    return {role: make_member(council, role, username=f"t.{role}",
                              limit=1000 if role == Role.APPROVER else 0) for role in Role}


def test_sign_in_page_is_accessible(browser, check_page):
    page = browser.new_page()
    check_page(page, "/account/sign-in/")
    submit(page, "button[type=submit]")
    assert "There is a problem" in page.content()
    from tests.browser.conftest import axe_violations
    assert axe_violations(page) == []
    page.close()


@pytest.mark.parametrize("role", list(Role))
def test_pages_for_each_role(role, people, council, browse, check_page):
    page = browse(people[role])
    paths = ["/", "/account/", "/account/tokens/new/", "/agencies/", f"/agencies/{council.pk}/"]
    if role not in (Role.PARENT_CARER, Role.YOUNG_PERSON):
        paths += ["/people/", f"/people/{people[role].pk}/"]
    if role == Role.ADMIN:
        paths += ["/areas/settings/", "/agencies/new/", "/people/new/",
                  f"/people/{people[Role.VIEWER].pk}/roles/new/", f"/agencies/{council.pk}/edit/"]
    for path in paths:
        check_page(page, path)


def test_two_factor_enrolment_and_token_pages(people, browse, check_page, live_server):
    """The first-time set-up page (asks to e-mail a link), and a new token shown once."""
    import re

    from django.core import mail

    admin = people[Role.ADMIN]
    page = browse(people[Role.COMMISSIONER])
    page.goto(live_server.url + "/account/tokens/new/")
    page.fill("#id_name", "Export")
    submit(page, "#main-form button[type=submit]")
    assert page.locator("#token-key").inner_text()
    from tests.browser.conftest import axe_violations
    assert axe_violations(page) == []
    check_page(page, "/account/")
    context = page.context.browser.new_context()
    page = context.new_page()
    page.goto(live_server.url + "/account/sign-in/")
    page.fill("#id_username", admin.username)
    page.fill("#id_password", "secret-pass-123")
    submit(page, "button[type=submit]")
    assert "/account/two-factor/" in page.url and "<svg" not in page.content()
    assert axe_violations(page) == []
    submit(page, "#main-form button[type=submit]")
    assert "Check your e-mail" in page.content() and axe_violations(page) == []
    # The e-mail links to the configured SITE_URL; the path is opened on the live server.
    link = re.search(r"https?://\S+?(/account/two-factor/set-up/\S+/)", mail.outbox[-1].body)
    page.goto(live_server.url + link.group(1))
    assert "<svg" in page.content() and axe_violations(page) == []
    context.close()
