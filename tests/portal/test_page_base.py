"""What every page pays before its own content (issue 15, "Pages under load"): the session,
the person, their second factor, their grants, the current area and their roles there.

The header's navigation, the area bar and the footer read what those queries already
fetched, so a plain page costs the same few queries however many areas, agencies and roles
the person holds."""
import re

import pytest

from agencies.roles import Role
from tests.factories.agencies import AgencyFactory

pytestmark = pytest.mark.django_db
NAV_LINK = re.compile(r'class="govuk-service-navigation__link" href="([^"]+)"')

# session + user + OTP device + area grants (every permission at once) + current area +
# roles in it.
PLAIN_PAGE_QUERIES = 6


def test_plain_page_costs_a_fixed_number_of_queries(signed_in, council, other_area,
                                                    make_member, django_assert_max_num_queries):
    person = make_member(council, Role.COMMISSIONER)
    client = signed_in(person)
    client.get("/help/")  # the session's first request writes its start time
    with django_assert_max_num_queries(PLAIN_PAGE_QUERIES):
        page = client.get("/help/").content.decode()
    assert "/intentions/" in NAV_LINK.findall(page) and "/contracts/" in NAV_LINK.findall(page)
    assert "Local area: <strong>Testshire</strong>" in page
    assert "your roles: commissioner" in page and "Change local area" not in page

    # More roles, agencies and areas: the same queries, and the area bar offers the switch.
    make_member(council, Role.APPROVER, user=person, limit=1000)
    make_member(AgencyFactory(local_area=other_area), Role.VIEWER, user=person)
    with django_assert_max_num_queries(PLAIN_PAGE_QUERIES):
        page = client.get("/help/").content.decode()
    assert "your roles: approver, commissioner" in page and "Change local area" in page


def test_co_production_roles_see_no_internal_sections(signed_in, council, make_member,
                                                      django_assert_max_num_queries):
    client = signed_in(make_member(council, Role.PARENT_CARER))
    client.get("/help/")
    with django_assert_max_num_queries(PLAIN_PAGE_QUERIES):
        page = client.get("/help/").content.decode()
    links = NAV_LINK.findall(page)
    assert "/intentions/" in links and "/contracts/" not in links and "/people/" not in links
