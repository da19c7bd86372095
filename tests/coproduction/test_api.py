"""The authenticated co-production API: comments, edits, withdrawal, responses, moderation."""
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from commissioning.coproduction.models import Comment, CommentStatus
from tests.factories.coproduction import close, comment

pytestmark = pytest.mark.django_db(transaction=True)


def test_post_and_list_comments(people, intentions, consultation, api):
    client = api.as_user(people.parent)
    url = f"/api/v1/intentions/{intentions.published.pk}/comments/"
    created = client.post(url, {"body": "Line one\nhttps://example.org/page",
                                "in_reply_to": None, "public": True}, format="json")
    assert created.status_code == 201
    data = created.json()
    assert data["by"] == "a parent carer" and data["consultation"] == consultation.pk
    assert data["show_publicly"] is True and data["is_mine"] is True
    assert '<a class="govuk-link" href="https://example.org/page"' in data["body_html"]
    assert "<br>" in data["body_html"]
    reply = client.post(url, {"body": "Adding to that", "in_reply_to": data["id"]},
                        format="json").json()
    assert reply["in_reply_to"] == data["id"]
    listing = api.as_user(people.young).get(url).json()
    assert listing["count"] == 2 and [r["id"] for r in listing["results"]] == [data["id"],
                                                                               reply["id"]]
    assert listing["results"][0]["is_mine"] is False


def test_bad_input_is_400_with_the_error_shape(people, intentions, api):
    client = api.as_user(people.parent)
    url = f"/api/v1/intentions/{intentions.published.pk}/comments/"
    response = client.post(url, {"body": ""}, format="json")
    assert response.status_code == 400
    assert set(response.json()) >= {"message", "errors"} and "body" in response.json()["errors"]
    response = client.post(url, {"body": "x", "in_reply_to": 999999}, format="json")
    assert response.status_code == 400 and "in_reply_to" in response.json()["errors"]
    response = client.post(url, {"body": "x" * 5001}, format="json")
    assert response.status_code == 400
    assert Comment.objects.count() == 0


def test_comment_on_unpublished_intention_is_404_for_parent_403_for_staff(people, intentions,
                                                                         api):
    url = f"/api/v1/intentions/{intentions.unpublished.pk}/comments/"
    assert api.as_user(people.parent).post(url, {"body": "x"}, format="json").status_code == 404
    response = api.as_user(people.commissioner).post(url, {"body": "x"}, format="json")
    assert response.status_code == 403 and "not open for comments" in response.json()["message"]


def test_patch_in_window_then_refused(people, intentions, api):
    client = api.as_user(people.parent)
    c = comment(author=people.parent, intention=intentions.published)
    response = client.patch(f"/api/v1/comments/{c.pk}/", {"body": "Changed", "public": False},
                            format="json")
    assert response.status_code == 200
    assert response.json()["body"] == "Changed" and response.json()["edited_at"]
    Comment.objects.filter(pk=c.pk).update(created_at=timezone.now() - timedelta(hours=1))
    response = client.patch(f"/api/v1/comments/{c.pk}/", {"body": "Late"}, format="json")
    assert response.status_code == 403 and "withdraw" in response.json()["message"]


def test_delete_withdraws_and_keeps_the_record(people, intentions, api):
    c = comment(author=people.parent, intention=intentions.published, body="Gone soon")
    response = api.as_user(people.parent).delete(f"/api/v1/comments/{c.pk}/")
    assert response.status_code == 200
    assert response.json()["status"] == "withdrawn" and response.json()["body"] == ""
    assert Comment.objects.get(pk=c.pk).body == "Gone soon"  # the record stays
    again = api.get(f"/api/v1/comments/{c.pk}/").json()
    assert again["body"] == "" and again["body_html"] == ""


def test_responses_endpoint(people, intentions, consultation, api):
    c = comment(author=people.parent, intention=intentions.published)
    url = f"/api/v1/comments/{c.pk}/responses/"
    client = api.as_user(people.icb_commissioner)
    response = client.post(url, {"body": "We will", "outcome": "changed-plan"}, format="json")
    assert response.status_code == 400 and "what_changed" in response.json()["errors"]
    response = client.post(url, {"body": "We will", "outcome": "changed-plan",
                                 "what_changed": "More sessions", "publish": True},
                           format="json")
    assert response.status_code == 409 and "published together" in response.json()["message"]
    response = client.post(url, {"body": "We will", "outcome": "changed-plan",
                                 "what_changed": "More sessions"}, format="json")
    assert response.status_code == 201 and response.json()["status"] == "draft"
    assert response.json()["agency"] == "NHS Testshire ICB"
    # the author does not see the draft
    seen = api.as_user(people.parent).get(f"/api/v1/comments/{c.pk}/").json()
    assert seen["response"] is None
    close(consultation)
    mail.outbox.clear()
    published = api.as_user(people.commissioner).post(
        f"/api/v1/consultations/{consultation.pk}/publish-responses/")
    assert published.status_code == 200 and published.json() == {"published": 1}
    seen = api.as_user(people.parent).get(f"/api/v1/comments/{c.pk}/").json()
    assert seen["status"] == "answered" and seen["response"]["outcome"] == "changed-plan"
    assert len(mail.outbox) == 1


def test_hide_endpoint(people, intentions, api):
    c = comment(author=people.young, intention=intentions.published)
    url = f"/api/v1/comments/{c.pk}/hide/"
    assert api.as_user(people.commissioner).post(url, {"reason": "x"},
                                                 format="json").status_code == 403
    response = api.as_user(people.admin).post(url, {"reason": ""}, format="json")
    assert response.status_code == 400
    response = api.as_user(people.admin).post(url, {"reason": "Personal details"},
                                              format="json")
    assert response.status_code == 200
    assert response.json()["status"] == CommentStatus.HIDDEN
    assert response.json()["hidden_reason"] == "Personal details"
    assert response.json()["body"] == ""
    assert api.as_user(people.admin).post(url, {"reason": "again"},
                                          format="json").status_code == 403


def test_unauthenticated_is_refused(intentions, client):
    response = client.get(f"/api/v1/intentions/{intentions.published.pk}/comments/")
    assert response.status_code in (401, 403)


def test_schema_builds(client, db):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "/api/v1/intentions/{id}/comments/" in text or \
        "/api/v1/intentions/{pk}/comments/" in text
