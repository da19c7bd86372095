"""The consultation form's audiences render as checkboxes and every one ticked is kept when
the consultation is created and when another field is changed (issue 12)."""
import re

import pytest

from commissioning.coproduction.models import Consultation

pytestmark = pytest.mark.django_db


def _ticked(html):
    return re.findall(r'name="audiences" type="checkbox" value="([^"]+)" checked', html)


def test_consultation_keeps_every_audience(people, intentions, signed_in):
    client = signed_in(people.icb_commissioner)
    url = f"/intentions/{intentions.published.pk}/consultation/new/"
    page = client.get(url).content.decode()
    assert 'name="audiences" type="radio"' not in page  # several may be chosen
    audiences = re.findall(r'name="audiences" type="checkbox" value="([^"]+)"', page)
    assert len(audiences) >= 2
    response = client.post(url, {"title": "Have your say", "audiences": audiences,
                                 "opens": "2026-01-01", "closes": "2026-02-01"})
    assert response.status_code == 302
    consultation = Consultation.objects.get()
    assert sorted(consultation.audiences) == sorted(audiences)
    edit = f"/consultations/{consultation.pk}/edit/"
    ticked = _ticked(client.get(edit).content.decode())
    assert sorted(ticked) == sorted(audiences)
    response = client.post(edit, {"title": "Have your say on short breaks", "audiences": ticked,
                                  "opens": "2026-01-01", "closes": "2026-02-01"})
    assert response.status_code == 302
    consultation.refresh_from_db()
    assert consultation.title == "Have your say on short breaks"
    assert sorted(consultation.audiences) == sorted(audiences)
