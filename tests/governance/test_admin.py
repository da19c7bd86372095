"""Boards set up in the Django admin go through the services (audit, hierarchy rules)."""
import pytest

from governance.models import Board
from tests.factories.agencies import UserFactory

pytestmark = pytest.mark.django_db


def form(area, council, **extra):
    data = {"local_area": area.pk, "name": "SEND Strategic Board", "short_name": "",
            "purpose": "Oversees SEND.", "reports_to": [], "meeting_frequency": "quarterly",
            "delegated_limit": "2000000", "quorum": "3", "scope_agencies": [council.pk],
            "quorum_agencies": [], "_save": "Save",
            "members-TOTAL_FORMS": "0", "members-INITIAL_FORMS": "0",
            "delegations-TOTAL_FORMS": "0", "delegations-INITIAL_FORMS": "0"}
    data.update(extra)
    return data


def test_admin_creates_and_changes_a_board_through_services(signed_in, area, council):
    root = UserFactory(is_superuser=True, is_staff=True)
    client = signed_in(root)
    response = client.post("/admin/governance/board/add/", form(area, council))
    assert response.status_code == 302
    board = Board.objects.get(name="SEND Strategic Board")
    assert list(board.scope_agencies.all()) == [council]
    assert board.history.first().history_user == root
    child = client.post("/admin/governance/board/add/", form(
        area, council, name="SEND Commissioning Hub", reports_to=[board.pk]))
    assert child.status_code == 302
    hub = Board.objects.get(name="SEND Commissioning Hub")
    # A loop (the strategic board reporting to its own child) is refused with a message.
    loop = client.post(f"/admin/governance/board/{board.pk}/change/",
                       form(area, council, reports_to=[hub.pk]))
    assert loop.status_code == 200, loop.content.decode()
    assert ("SEND Strategic Board cannot report to SEND Commissioning Hub: that would make a "
            "loop") in loop.content.decode()
    board.refresh_from_db()
    assert list(board.reports_to.all()) == []
    assert list(hub.reports_to.all()) == [board]
