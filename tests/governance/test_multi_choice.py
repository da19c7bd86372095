"""The attendance form's multi-choice field renders as checkboxes and keeps every seat
ticked (a radio list would record one person as present; issue 12)."""
import re

import pytest

from tests.factories.governance import meeting

pytestmark = pytest.mark.django_db


def test_attendance_keeps_every_person_present(gov, signed_in):
    held = meeting(gov.board)
    client = signed_in(gov.secretary)
    url = f"/meetings/{held.pk}/attendance/"
    page = client.get(url).content.decode()
    assert 'type="radio"' not in page
    seats = re.findall(r'name="present" type="checkbox" value="(\d+)"', page)
    assert len(seats) == 3
    assert client.post(url, {"present": seats}).status_code == 302
    # Saved again as the page now shows it: every seat stays present.
    page = client.get(url).content.decode()
    ticked = re.findall(r'name="present" type="checkbox" value="(\d+)" checked', page)
    assert sorted(ticked) == sorted(seats)
    assert client.post(url, {"present": ticked}).status_code == 302
    present = held.attendance.filter(present=True).values_list("member_id", flat=True)
    assert sorted(map(str, present)) == sorted(seats)


def test_board_page_shows_who_changed_seats_scope_and_limit(gov, signed_in, make_member):
    from governance import services
    from tests.factories.agencies import AgencyFactory

    trust = AgencyFactory(local_area=gov.area, name="Health Trust", kind="nhs-trust")
    services.board_update(actor=gov.admin, board=gov.board, scope_agencies=[gov.council, trust],
                          delegated_limit="2500000")
    newcomer = make_member(trust, "board-member", username="newcomer", first_name="Nia",
                           last_name="Newcomer")
    seat = services.board_member_add(actor=gov.admin, board=gov.board, user=newcomer,
                                     agency=trust)
    services.board_member_end(actor=gov.admin, seat=seat)
    page = signed_in(gov.member).get(f"/boards/{gov.board.pk}/").content.decode()
    changes = page[page.index('id="changes"'):]
    admin = str(gov.admin)
    for what in ("Agencies in the board&#x27;s scope added: Health Trust",
                 "Agencies in the board&#x27;s scope removed: " + gov.icb.name,
                 "Delegated limit changed from £2,000,000.00 to £2,500,000.00",
                 "Added: Seat of Nia Newcomer",
                 "Seat of Nia Newcomer: End date changed from none to "):
        assert what in changes, what
    assert changes.count(admin) >= 4
