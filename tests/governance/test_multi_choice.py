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
