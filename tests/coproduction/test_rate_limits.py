"""Posting is rate limited per person and per IP address, with a clear message (429)."""
import pytest

from commissioning.coproduction import ratelimits
from commissioning.coproduction.models import Comment

pytestmark = pytest.mark.django_db


@pytest.fixture
def low_limits(settings):
    settings.COPRODUCTION_COMMENT_RATE_PER_PERSON = "3/h"
    settings.COPRODUCTION_COMMENT_RATE_PER_IP = "5/h"


def test_page_answers_429_with_the_message(people, intentions, signed_in, low_limits):
    client = signed_in(people.parent)
    url = f"/intentions/{intentions.published.pk}/comments/new/"
    for i in range(3):
        assert client.post(url, {"body": f"Point {i}"}).status_code == 302
    response = client.post(url, {"body": "One more"})
    assert response.status_code == 429
    page = response.content.decode()
    assert "posted a lot of comments in a short time" in page and "There is a problem" in page
    assert "One more" in page  # nothing they typed is lost
    assert Comment.objects.count() == 3


def test_api_answers_429_with_the_message(people, intentions, api, low_limits):
    client = api.as_user(people.young)
    url = f"/api/v1/intentions/{intentions.published.pk}/comments/"
    for i in range(3):
        assert client.post(url, {"body": f"Point {i}"}, format="json").status_code == 201
    response = client.post(url, {"body": "Again"}, format="json")
    assert response.status_code == 429
    assert response.json()["message"] == ratelimits.MESSAGE


def test_limit_per_ip_covers_several_people(people, intentions, api, low_limits):
    url = f"/api/v1/intentions/{intentions.published.pk}/comments/"
    statuses = []
    for user in (people.parent, people.young, people.commissioner):
        api.as_user(user)
        for i in range(2):
            statuses.append(api.post(url, {"body": f"{user.username} {i}"},
                                     format="json").status_code)
    assert statuses == [201] * 5 + [429]


def test_other_people_are_not_limited_by_one_person(people, intentions, api, low_limits):
    url = f"/api/v1/intentions/{intentions.published.pk}/comments/"
    api.as_user(people.parent)
    for i in range(4):
        api.post(url, {"body": f"Point {i}"}, format="json", REMOTE_ADDR="10.0.0.1")
    api.as_user(people.young)
    assert api.post(url, {"body": "Mine"}, format="json",
                    REMOTE_ADDR="10.0.0.2").status_code == 201


def test_reading_is_not_limited(people, intentions, api, low_limits):
    client = api.as_user(people.parent)
    for _ in range(10):
        assert client.get(f"/api/v1/intentions/{intentions.published.pk}/comments/"
                          ).status_code == 200
