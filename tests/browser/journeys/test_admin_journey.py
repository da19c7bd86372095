"""Journey 6: a local-area administrator adds a person and gives them a role with a
delegated limit (after one refused attempt), through the pages only; the person then holds
the approver's permission for that agency up to that limit.
"""
from decimal import Decimal

import pytest

from agencies import permissions as ap
from agencies.models import Membership, User
from agencies.roles import Role
from tests.factories.agencies import member

from .conftest import button, follow, main_text, nav

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_administrator_adds_an_approver_with_a_limit(area, council, icb, browse, visit):
    admin = member(council, Role.ADMIN, username="j.admin")
    page = browse(admin)
    visit(page, "/")
    follow(page, nav(page, "People"))
    follow(page, button(page, "Add a person"))
    page.fill("#id_first_name", "Alex")
    page.fill("#id_last_name", "Adebayo")
    page.fill("#id_username", "alex.adebayo")
    page.fill("#id_email", "alex.adebayo@example.org")
    page.fill("#id_job_title", "Head of Children's Commissioning")
    follow(page, button(page, "Add person"))
    person = User.objects.get(username="alex.adebayo")
    assert (person.get_full_name(), person.email, person.has_usable_password()) == (
        "Alex Adebayo", "alex.adebayo@example.org", False)
    assert not Membership.objects.filter(user=person).exists()

    # A limit on a role that carries none is refused, with the GOV.UK error summary.
    page.select_option("#id_agency", label=icb.name)
    page.get_by_label("Viewer", exact=True).check()
    page.fill("#id_delegated_limit", "150000")
    follow(page, button(page, "Add role"), expect=400)
    assert "There is a problem" in main_text(page)
    assert page.title().startswith("Error: "), page.title()
    assert not Membership.objects.filter(user=person).exists()

    page.get_by_label("Approver", exact=True).check()
    follow(page, button(page, "Add role"))
    membership = Membership.objects.get(user=person)
    assert (membership.agency_id, membership.role, membership.delegated_limit) == (
        icb.pk, Role.APPROVER, Decimal("150000.00"))
    assert "£150,000.00" in main_text(page) and icb.name in main_text(page)

    person = User.objects.get(pk=person.pk)  # grants are cached on the object
    assert ap.approver_limit(person, icb) == Decimal("150000.00")
    assert ap.can_approve_for(person, icb, Decimal("150000.00"))
    assert not ap.can_approve_for(person, icb, Decimal("150000.01"))
    assert ap.approver_limit(person, council) is None
