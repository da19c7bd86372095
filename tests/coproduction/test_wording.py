"""A closed consultation says "Closed on 16 November 2026", not "Closed closed 16 November
2026", with the one date style (issue 12)."""
import re

import pytest

from portal.dates import long_date
from tests.factories.coproduction import close

pytestmark = pytest.mark.django_db


def test_closed_consultation_is_said_once_with_its_date(people, intentions, consultation,
                                                        signed_in):
    close(consultation, days_ago=3)
    page = signed_in(people.commissioner).get(
        f"/intentions/{intentions.published.pk}/consultation/").content.decode()
    text = re.sub(r"<[^>]+>", " ", page)
    text = re.sub(r"\s+", " ", text)
    assert f"Closed on {long_date(consultation.closes)}" in text
    assert not re.search(r"closed closed", text, re.IGNORECASE)
    assert not re.search(r"\b0\d (January|February|March|April|May|June|July|August|"
                         r"September|October|November|December)\b", text)


def test_response_form_marks_and_requires_the_reason_the_same_way(people, intentions,
                                                                  consultation, signed_in):
    from tests.factories.coproduction import comment

    c = comment(author=people.parent, intention=intentions.published)
    client = signed_in(people.commissioner)
    url = f"/comments/{c.pk}/respond/"
    page = client.get(url).content.decode()
    label = re.search(r'<label[^>]*for="id_reason"[^>]*>(.*?)</label>', page, re.S).group(1)
    assert label.strip() == "Why it is not taken forward"  # not "(optional)"
    assert "Required if the outcome is “Not taken forward”" in page
    assert "(optional)" not in re.search(r'<label[^>]*for="id_what_changed"[^>]*>.*?</label>',
                                         page, re.S).group(0)
    missing = client.post(url, {"outcome": "not-taken-forward", "body": "Not this year"})
    html = missing.content.decode()
    assert missing.status_code == 400
    assert re.search(r'id="id_reason-error"[^>]*>.*Enter why it is not taken forward', html,
                     re.S)
    assert client.post(url, {"outcome": "not-taken-forward", "body": "Not this year",
                             "reason": "No budget until April"}).status_code == 302
