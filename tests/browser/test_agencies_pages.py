"""Every foundation page, signed in as each role, passes axe with zero violations."""
import pytest

from agencies.roles import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def people(area, council, icb, make_member):
    return {role: make_member(council, role, username=f"t.{role}",
                              limit=1000 if role == Role.APPROVER else 0) for role in Role}


def test_sign_in_page_is_accessible(browser, check_page):
    page = browser.new_page()
    check_page(page, "/account/sign-in/")
    page.click("button[type=submit]")
    assert "There is a problem" in page.content()
    from tests.browser.conftest import axe_violations
    assert axe_violations(page) == []
    page.close()


@pytest.mark.parametrize("role", list(Role))
def test_pages_for_each_role(role, people, council, browse, check_page):
    page = browse(people[role])
    paths = ["/", "/account/", "/agencies/", f"/agencies/{council.pk}/"]
    if role not in (Role.PARENT_CARER, Role.YOUNG_PERSON):
        paths += ["/people/", f"/people/{people[role].pk}/"]
    if role == Role.ADMIN:
        paths += ["/areas/settings/", "/agencies/new/", "/people/new/",
                  f"/people/{people[Role.VIEWER].pk}/roles/new/", f"/agencies/{council.pk}/edit/"]
    for path in paths:
        check_page(page, path)
