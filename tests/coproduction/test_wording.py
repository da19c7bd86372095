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
