"""Consultations through the API: list, create, read, close (issue 13: the API covers
what the pages do), and the page that closes one now."""
from datetime import timedelta

import pytest
from django.utils import timezone

from commissioning.coproduction.models import Consultation
from tests.factories.coproduction import close, comment, open_consultation

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def _new(intention, **changes):
    today = TODAY()
    return {"intention": intention.pk, "title": "Autism support review",
            "audiences": ["parent-carers"], "opens": str(today),
            "closes": str(today + timedelta(days=21)), **changes}


def test_create_then_read_and_list(people, intentions, api):
    client = api.as_user(people.commissioner)
    response = client.post("/api/v1/consultations/", _new(intentions.published,
                                                          description="What works?"),
                           format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    saved = Consultation.objects.get(pk=body["id"])
    assert (saved.title, saved.audiences, saved.description, saved.created_by) == (
        "Autism support review", ["parent-carers"], "What works?", people.commissioner)
    assert (body["state"], body["local_area"], body["intention_reference"]) == (
        "open", "testshire", "TST-2026-001")
    assert client.get(f"/api/v1/consultations/{saved.pk}/").json()["title"] == saved.title
    listed = api.as_user(people.parent).get("/api/v1/consultations/?state=open").json()
    assert [c["id"] for c in listed["results"]] == [saved.pk]
    assert listed["results"][0]["comment_count"] == 0


def test_bad_input_is_400_with_field_errors_and_saves_nothing(people, intentions, api):
    client = api.as_user(people.commissioner)
    today = TODAY()
    response = client.post("/api/v1/consultations/", _new(
        intentions.published, audiences=["martians"], closes=str(today - timedelta(days=1)),
        title=""), format="json")
    assert response.status_code == 400
    assert {"audiences", "title"} <= set(response.json()["errors"])
    response = client.post("/api/v1/consultations/", _new(
        intentions.published, closes=str(today - timedelta(days=1))), format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["closes"] == [
        "The closing date must be on or after the opening date"]
    response = client.post("/api/v1/consultations/", _new(intentions.unpublished),
                           format="json")
    assert response.status_code == 409
    assert client.get("/api/v1/consultations/?state=soon").status_code == 400
    assert not Consultation.objects.exists()


def test_only_commissioners_create_or_close_and_other_areas_see_nothing(people, intentions,
                                                                         consultation, api):
    response = api.as_user(people.parent).post("/api/v1/consultations/",
                                               _new(intentions.published), format="json")
    assert response.status_code == 403
    response = api.as_user(people.parent).post(f"/api/v1/consultations/{consultation.pk}/close/")
    assert response.status_code == 403
    stranger = api.as_user(people.other_parent)
    assert stranger.get(f"/api/v1/consultations/{consultation.pk}/").status_code == 404
    assert stranger.post(f"/api/v1/consultations/{consultation.pk}/close/").status_code == 404
    assert stranger.get("/api/v1/consultations/").json()["count"] == 0
    consultation.refresh_from_db()
    assert consultation.closes == TODAY() + timedelta(days=14)


def test_close_ends_it_yesterday_or_today_when_comments_came_today(people, intentions,
                                                                   consultation, api):
    client = api.as_user(people.commissioner)
    response = client.post(f"/api/v1/consultations/{consultation.pk}/close/")
    assert response.status_code == 200, response.json()
    assert response.json()["state"] == "closed"
    consultation.refresh_from_db()
    assert consultation.closes == TODAY() - timedelta(days=1)
    again = client.post(f"/api/v1/consultations/{consultation.pk}/close/")
    assert again.status_code == 409 and "already closed" in again.json()["message"]

    second = open_consultation(actor=people.commissioner, intention=intentions.published,
                               title="Second round")
    comment(author=people.parent, intention=intentions.published)
    client.post(f"/api/v1/consultations/{second.pk}/close/")
    second.refresh_from_db()
    assert second.closes == TODAY()  # today's comment stays inside its dates


def test_upcoming_consultations_cannot_be_closed(people, intentions, api):
    today = TODAY()
    later = Consultation.objects.create(intention=intentions.published, title="Later",
                                        audiences=["parent-carers"],
                                        opens=today + timedelta(days=3),
                                        closes=today + timedelta(days=30))
    response = api.as_user(people.commissioner).post(f"/api/v1/consultations/{later.pk}/close/")
    assert response.status_code == 409
    assert "has not opened yet" in response.json()["message"]


def test_close_page_asks_then_closes(people, intentions, consultation, signed_in):
    client = signed_in(people.commissioner)
    page = client.get(f"/consultations/{consultation.pk}/close/")
    assert page.status_code == 200
    assert b"Close the consultation</button>" in page.content
    listing = client.get(f"/intentions/{intentions.published.pk}/consultation/")
    assert f"/consultations/{consultation.pk}/close/".encode() in listing.content
    response = client.post(f"/consultations/{consultation.pk}/close/")
    assert response.status_code == 302
    consultation.refresh_from_db()
    assert consultation.closes == TODAY() - timedelta(days=1)
    page = client.get(f"/consultations/{consultation.pk}/close/")
    assert page.status_code == 409 and b"already closed" in page.content
    assert b"Close the consultation</button>" not in page.content


def test_close_page_refuses_people_who_do_not_run_it(people, consultation, signed_in):
    client = signed_in(people.parent)
    assert client.post(f"/consultations/{consultation.pk}/close/").status_code == 404
    consultation.refresh_from_db()
    assert consultation.closes > TODAY()


@pytest.mark.parametrize("count", [1, 15])
def test_list_costs_constant_queries(count, people, intentions, api,
                                     django_assert_max_num_queries):
    for n in range(count):
        close(open_consultation(actor=people.commissioner, intention=intentions.published,
                                title=f"Round {n}"), days_ago=n + 1)
    client = api.as_user(people.parent)
    with django_assert_max_num_queries(8):
        body = client.get("/api/v1/consultations/?local_area=testshire").json()
    assert body["count"] == count
