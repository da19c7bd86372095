"""A person's page says who gave, changed or ended each role and how a delegated limit
moved, from the audit (issue 12: every change of agencies or money is shown)."""
from decimal import Decimal

import pytest

from agencies import services
from agencies.models import Membership
from agencies.roles import Role
from tests.factories.agencies import member

pytestmark = pytest.mark.django_db


def test_person_page_shows_role_and_limit_changes_by_whom(area, council, icb, signed_in):
    admin = member(council, Role.ADMIN, username="admin", first_name="Ada", last_name="Admin")
    person = member(icb, Role.APPROVER, limit="250000", username="approver")
    membership = Membership.objects.get(user=person, agency=icb, role=Role.APPROVER)
    services.membership_update(actor=admin, membership=membership,
                               delegated_limit=Decimal("400000"))
    services.membership_end(actor=admin, membership=membership)
    page = signed_in(admin).get(f"/people/{person.pk}/").content.decode()
    changes = page[page.index('id="changes"'):]
    approver = f"Approver at {icb.name}"
    for what in (f"Added: {approver}",
                 f"{approver}: Delegated limit changed from £250,000.00 to £400,000.00",
                 f"{approver}: End date changed from none to "):
        assert what in changes, what
    assert changes.count("Ada Admin") >= 2
