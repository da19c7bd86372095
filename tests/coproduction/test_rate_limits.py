"""Posting is rate limited per person and per local area, with a clear message (429);
refused attempts use up nobody's allowance and people behind one IP address never limit
each other (issue 14)."""
import pytest

from commissioning.coproduction import ratelimits
from commissioning.coproduction.models import Comment

pytestmark = pytest.mark.django_db


@pytest.fixture
def low_limits(settings):
    settings.COPRODUCTION_COMMENT_RATE_PER_PERSON = "3/h"
    settings.COPRODUCTION_COMMENT_RATE_PER_AREA = "5/h"


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


def test_limit_per_area_covers_several_people(people, intentions, api, low_limits):
    url = f"/api/v1/intentions/{intentions.published.pk}/comments/"
    statuses = []
    for user in (people.parent, people.young, people.commissioner):
        api.as_user(user)
        for i in range(2):
            statuses.append(api.post(url, {"body": f"{user.username} {i}"},
                                     format="json").status_code)
    assert statuses == [201] * 5 + [429]
    refused = api.post(url, {"body": "more"}, format="json")
    assert refused.json()["message"] == ratelimits.AREA_MESSAGE


def test_one_person_behind_a_shared_ip_does_not_block_the_others(
        people, intentions, api, low_limits):
    """One person keeps trying long after their limit, from the proxy everyone shares: their
    refused attempts count for nobody, so the others still post, in this area and another."""
    url = f"/api/v1/intentions/{intentions.published.pk}/comments/"
    api.as_user(people.parent)
    statuses = [api.post(url, {"body": f"Point {i}"}, format="json",
                         REMOTE_ADDR="10.9.9.9").status_code for i in range(30)]
    assert statuses == [201] * 3 + [429] * 27
    assert Comment.objects.count() == 3
    api.as_user(people.young)
    assert api.post(url, {"body": "Mine"}, format="json",
                    REMOTE_ADDR="10.9.9.9").status_code == 201
    api.as_user(people.commissioner)
    assert api.post(url, {"body": "And mine"}, format="json",
                    REMOTE_ADDR="10.9.9.9").status_code == 201


def test_refused_attempts_use_up_no_allowance(people, intentions, consultation, signed_in,
                                             low_limits, settings):
    """Invalid posts (an empty comment) and posts over the area's limit are not counted:
    only comments actually posted are."""
    client = signed_in(people.parent)
    url = f"/intentions/{intentions.published.pk}/comments/new/"
    for _ in range(10):
        assert client.post(url, {"body": ""}).status_code == 400
    for i in range(3):
        assert client.post(url, {"body": f"Point {i}"}).status_code == 302


def test_the_limits_of_one_area_do_not_reach_another(people, intentions, other_area, api,
                                                     low_limits, make_member):
    from tests.factories.agencies import AgencyFactory
    from tests.factories.coproduction import IntentionFactory

    url = f"/api/v1/intentions/{intentions.published.pk}/comments/"
    for user in (people.parent, people.young):
        api.as_user(user)
        for i in range(3 if user == people.parent else 2):
            api.post(url, {"body": f"{user.username} {i}"}, format="json")
    assert Comment.objects.count() == 5  # the area's limit is reached
    other_council = AgencyFactory(local_area=other_area, name="Otherton Council")
    elsewhere = IntentionFactory(local_area=other_area, lead_agency=other_council,
                                 reference="OTH-2026-001")
    api.as_user(people.other_parent)
    assert api.post(f"/api/v1/intentions/{elsewhere.pk}/comments/", {"body": "Hello"},
                    format="json").status_code == 201


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
