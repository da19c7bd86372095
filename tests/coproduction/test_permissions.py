"""Who sees and does what: a table of role x object x action, pages and API alike."""
import pytest

from commissioning.coproduction import permissions, selectors, services
from commissioning.coproduction.models import CommentStatus
from portal.errors import ApplicationError
from tests.factories.coproduction import comment

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("who, which, visible", [
    ("parent", "published", True), ("parent", "unpublished", False),
    ("parent", "sensitive", True), ("young", "unpublished", False),
    ("young", "published", True), ("commissioner", "unpublished", True),
    ("viewer", "unpublished", True), ("other_parent", "published", False),
    ("other_parent", "unpublished", False),
])
def test_who_sees_which_intention(people, intentions, who, which, visible, signed_in):
    user, intention = getattr(people, who), getattr(intentions, which)
    assert permissions.can_view_intention(user, intention).allowed is visible
    found = selectors.published_intentions(actor=user, area=intention.local_area)
    assert (intention in found) is (visible and intention.published_for_consultation)
    page = signed_in(user).get(f"/intentions/{intention.pk}/consultation/")
    assert page.status_code == (200 if visible else 404)


def test_parent_carer_never_sees_a_sensitive_value(people, intentions, signed_in):
    intention = intentions.sensitive
    assert not permissions.can_view_value(people.parent, intention)
    page = signed_in(people.parent).get(f"/intentions/{intention.pk}/consultation/")
    assert page.status_code == 200
    assert "987,654.32" not in page.content.decode() and "987654.32" not in page.content.decode()


def test_partner_commissioner_sees_the_sensitive_value(people, intentions, signed_in):
    page = signed_in(people.icb_commissioner).get(
        f"/intentions/{intentions.sensitive.pk}/consultation/")
    assert "£987,654.32" in page.content.decode()


def test_other_area_parent_gets_404_on_everything(people, intentions, consultation, signed_in,
                                                  api):
    c = comment(author=people.parent, intention=intentions.published)
    client = signed_in(people.other_parent)
    for path in [f"/intentions/{intentions.published.pk}/consultation/",
                 f"/intentions/{intentions.published.pk}/comments/new/",
                 f"/comments/{c.pk}/report/", f"/comments/{c.pk}/edit/"]:
        assert client.get(path).status_code == 404, path
    api.as_user(people.other_parent)
    assert api.get(f"/api/v1/intentions/{intentions.published.pk}/comments/").status_code == 404
    assert api.get(f"/api/v1/comments/{c.pk}/").status_code == 404
    assert api.post(f"/api/v1/intentions/{intentions.published.pk}/comments/",
                    {"body": "hello"}, format="json").status_code == 404


def test_unpublished_intention_is_404_for_parent_in_api(people, intentions, api):
    api.as_user(people.parent)
    response = api.get(f"/api/v1/intentions/{intentions.unpublished.pk}/comments/")
    assert response.status_code == 404
    assert response.json()["message"]


@pytest.mark.parametrize("who, allowed", [
    ("commissioner", True), ("icb_commissioner", True), ("parent", False), ("young", False),
    ("viewer", False), ("finance", False), ("admin", False),
])
def test_who_may_respond(people, intentions, consultation, who, allowed):
    c = comment(author=people.parent, intention=intentions.published)
    assert permissions.can_respond(getattr(people, who), c).allowed is allowed


@pytest.mark.parametrize("who, allowed", [
    ("admin", True), ("commissioner", False), ("parent", False), ("viewer", False),
])
def test_who_may_hide(people, intentions, consultation, who, allowed):
    c = comment(author=people.young, intention=intentions.published)
    assert permissions.can_hide_comment(getattr(people, who), c).allowed is allowed


def test_parent_carer_may_write_only_comments(people, intentions, consultation, api):
    """403 (with a reason) for every write but a comment or a report."""
    c = comment(author=people.young, intention=intentions.published)
    client = api.as_user(people.parent)
    response = client.post(f"/api/v1/comments/{c.pk}/responses/",
                           {"body": "x", "outcome": "changed-plan", "what_changed": "y"},
                           format="json")
    assert response.status_code == 403 and response.json()["message"]
    assert client.post(f"/api/v1/comments/{c.pk}/hide/", {"reason": "rude"},
                       format="json").status_code == 403
    assert client.patch(f"/api/v1/comments/{c.pk}/", {"body": "mine now"},
                        format="json").status_code == 403
    assert client.delete(f"/api/v1/comments/{c.pk}/").status_code == 403
    assert client.post(f"/api/v1/consultations/{consultation.pk}/publish-responses/"
                       ).status_code == 403
    with pytest.raises(ApplicationError):
        services.consultation_create(actor=people.parent, intention=intentions.published,
                                     title="Mine", opens=consultation.opens,
                                     closes=consultation.closes, audiences=["public"])
    assert client.post(f"/api/v1/comments/{c.pk}/report/", {"reason": "Off topic"},
                       format="json").status_code == 201


def test_parent_carer_pages_for_commissioners_are_404(people, intentions, consultation,
                                                      signed_in):
    c = comment(author=people.young, intention=intentions.published)
    client = signed_in(people.parent)
    for path in [f"/comments/{c.pk}/respond/", f"/comments/{c.pk}/hide/", "/comments/reported/",
                 f"/intentions/{intentions.published.pk}/consultation/new/",
                 f"/intentions/{intentions.published.pk}/milestones/",
                 f"/consultations/{consultation.pk}/publish-responses/"]:
        assert client.get(path).status_code == 404, path


def test_cannot_comment_on_an_unpublished_intention_even_internally(people, intentions):
    decision = permissions.can_comment(people.commissioner, intentions.unpublished)
    assert not decision and "not open for comments" in decision.reason


def test_drafts_are_seen_only_by_commissioners(people, intentions, consultation, signed_in):
    c = comment(author=people.parent, intention=intentions.published)
    services.response_save(actor=people.commissioner, comment=c, body="DRAFTED ANSWER",
                           outcome="already-planned")
    assert "DRAFTED ANSWER" not in signed_in(people.parent).get(
        f"/intentions/{intentions.published.pk}/consultation/").content.decode()
    assert "DRAFTED ANSWER" in signed_in(people.commissioner).get(
        f"/intentions/{intentions.published.pk}/consultation/").content.decode()
    assert c.status == CommentStatus.OPEN
