"""Co-production as a forum expects it (issue 12) and the reply-form leak (issue 14 #5):
a comment is public only once let through (pre- or post-moderation chosen by the area and
by each consultation); the text of a hidden, withdrawn or waiting comment never reaches
the reply form (page and API); a viewer reads but never posts; the form says how the
comment will appear; a comment made after a consultation closed is not listed under it."""
from datetime import timedelta

import pytest
from django.utils import timezone

from commissioning.coproduction import services
from commissioning.coproduction.models import (
    AreaModeration,
    Comment,
    CommentStatus,
    Moderation,
)
from portal.errors import ApplicationError
from tests.factories.coproduction import close, comment

pytestmark = pytest.mark.django_db

SECRET = "The text only its author and the moderator should ever read"


def _reply_url(intention, target):
    return f"/intentions/{intention.pk}/comments/new/?in_reply_to={target.pk}"


# --- issue 14 #5: hidden and withdrawn comments leak through the reply form ----------------
def test_the_reply_form_never_shows_a_hidden_withdrawn_or_waiting_comment(
        people, intentions, signed_in):
    intention = intentions.published
    hidden = comment(author=people.parent, intention=intention, body=f"Hidden: {SECRET}")
    services.comment_hide(actor=people.admin, comment=hidden, reason="Rude", notify=False)
    withdrawn = comment(author=people.parent, intention=intention, body=f"Gone: {SECRET}")
    services.comment_withdraw(actor=people.parent, comment=withdrawn)
    waiting = comment(author=people.young, intention=intention, body=f"Waiting: {SECRET}",
                      let_through=False)
    shown = comment(author=people.parent, intention=intention, body="Shown to everyone")
    for reader in (people.other_parent, people.parent, people.commissioner, people.admin):
        client = signed_in(reader)
        for target in (hidden, withdrawn, waiting):
            page = client.get(_reply_url(intention, target))
            assert page.status_code == 404, (reader, target)
            assert SECRET not in page.content.decode()
            posted = client.post(_reply_url(intention, target),
                                 {"body": "A reply", "in_reply_to": target.pk})
            assert posted.status_code == 404 and SECRET not in posted.content.decode()
    page = signed_in(people.parent).get(_reply_url(intention, shown))
    assert page.status_code == 200 and "Shown to everyone" in page.content.decode()
    assert not Comment.objects.filter(body="A reply").exists()


def test_the_api_refuses_replies_to_them_without_their_text(people, intentions, api):
    intention = intentions.published
    hidden = comment(author=people.parent, intention=intention, body=f"Hidden: {SECRET}")
    services.comment_hide(actor=people.admin, comment=hidden, reason="Rude", notify=False)
    withdrawn = comment(author=people.parent, intention=intention, body=f"Gone: {SECRET}")
    services.comment_withdraw(actor=people.parent, comment=withdrawn)
    waiting = comment(author=people.young, intention=intention, body=f"Waiting: {SECRET}",
                      let_through=False)
    client = api.as_user(people.commissioner)
    url = f"/api/v1/intentions/{intention.pk}/comments/"
    for target in (hidden, withdrawn, waiting):
        refused = client.post(url, {"body": "A reply", "in_reply_to": target.pk},
                              format="json")
        assert refused.status_code == 400 and "in_reply_to" in refused.json()["errors"]
        assert SECRET not in refused.content.decode()
    listed = client.get(url).content.decode()
    assert SECRET not in listed  # hidden/withdrawn without text; waiting not listed
    assert client.get(f"/api/v1/comments/{waiting.pk}/").status_code == 404
    assert client.get(f"/api/v1/comments/{hidden.pk}/").json()["body"] == ""


# --- pre- and post-moderation ---------------------------------------------------------------
def test_young_peoples_comments_wait_for_a_moderator_by_default(
        people, intentions, consultation, signed_in, client, area):
    intention = intentions.published
    young = signed_in(people.young)
    posted = young.post(f"/intentions/{intention.pk}/comments/new/",
                        {"body": "Clubs on Saturdays please", "show_publicly": "on"})
    assert posted.status_code == 302
    made = Comment.objects.get()
    assert made.is_pending and made.approved_at is None
    own = young.get(posted["Location"]).content.decode()
    assert "Clubs on Saturdays please" in own and "Waiting for a moderator" in own
    assert "sent to the moderators" in own

    # Nobody else sees it: not another parent carer, not a commissioner, not the public.
    assert "Clubs on Saturdays" not in signed_in(people.parent).get(
        f"/intentions/{intention.pk}/consultation/").content.decode()
    commissioner = signed_in(people.commissioner)
    assert "Clubs on Saturdays" not in commissioner.get(
        f"/intentions/{intention.pk}/consultation/").content.decode()
    assert "Clubs on Saturdays" not in commissioner.get("/comments/awaiting-response/"
                                                        ).content.decode()
    client.logout()
    assert "Clubs on Saturdays" not in client.get(
        f"/public/{area.slug}/you-said-we-did/").content.decode()

    # The moderator finds it (home panel, queue) and lets it through.
    moderator = signed_in(people.admin)
    assert "Comments waiting for a moderator" in moderator.get("/").content.decode()
    queue = moderator.get("/comments/moderation/").content.decode()
    assert "Clubs on Saturdays please" in queue and "Let it through" in queue
    assert moderator.post(f"/comments/{made.pk}/approve/").status_code == 302
    made.refresh_from_db()
    assert made.approved_at is not None and made.approved_by == people.admin
    assert "Clubs on Saturdays" in signed_in(people.parent).get(
        f"/intentions/{intention.pk}/consultation/").content.decode()
    client.logout()
    assert "Clubs on Saturdays" in client.get(
        f"/public/{area.slug}/you-said-we-did/").content.decode()


def test_parent_carers_comments_are_shown_at_once_by_default(people, intentions, api):
    made = api.as_user(people.parent).post(
        f"/api/v1/intentions/{intentions.published.pk}/comments/", {"body": "Hello"},
        format="json")
    assert made.status_code == 201 and made.json()["awaiting_moderation"] is False
    listed = api.as_user(people.young).get(
        f"/api/v1/intentions/{intentions.published.pk}/comments/").json()
    assert [c["body"] for c in listed["results"]] == ["Hello"]


def test_the_area_and_a_consultation_choose_their_rule(people, intentions, consultation,
                                                      signed_in, area):
    moderator = signed_in(people.admin)
    assert moderator.get("/comments/moderation/rules/").status_code == 200
    assert moderator.post("/comments/moderation/rules/", {}).status_code == 400
    saved = moderator.post("/comments/moderation/rules/",
                           {"comments": "pre", "young_people": "post"})
    assert saved.status_code == 302
    rule = AreaModeration.objects.get(local_area=area)
    assert (rule.comments, rule.young_people) == (Moderation.PRE, Moderation.POST)
    assert rule.history.count() == 1  # audited
    # Now parent carers wait and young people do not.
    assert comment(author=people.parent, intention=intentions.published,
                   let_through=False).is_pending
    assert not comment(author=people.young, intention=intentions.published,
                       body="Young and shown", let_through=False).is_pending
    # The consultation's own rule wins over the area's, for everyone in it.
    services.consultation_update(actor=people.commissioner, consultation=consultation,
                                 moderation=Moderation.POST)
    assert not comment(author=people.parent, intention=intentions.published,
                       body="In the consultation", let_through=False).is_pending
    edit = signed_in(people.commissioner).get(f"/consultations/{consultation.pk}/edit/")
    assert 'name="moderation"' in edit.content.decode()
    # Only the area's moderators set the rules.
    assert signed_in(people.commissioner).get("/comments/moderation/rules/").status_code == 404
    assert signed_in(people.parent).get("/comments/moderation/").status_code == 404


def test_only_moderators_let_a_comment_through_on_the_api(people, intentions, api):
    waiting = comment(author=people.young, intention=intentions.published, let_through=False)
    assert api.as_user(people.commissioner).post(
        f"/api/v1/comments/{waiting.pk}/approve/").status_code == 404
    assert api.as_user(people.young).post(
        f"/api/v1/comments/{waiting.pk}/approve/").status_code == 404
    approved = api.as_user(people.admin).post(f"/api/v1/comments/{waiting.pk}/approve/")
    assert approved.status_code == 200 and approved.json()["awaiting_moderation"] is False
    again = api.as_user(people.admin).post(f"/api/v1/comments/{waiting.pk}/approve/")
    assert again.status_code == 403


def test_a_waiting_comment_cannot_be_answered_or_reported(people, intentions):
    waiting = comment(author=people.young, intention=intentions.published, let_through=False)
    with pytest.raises(ApplicationError):
        services.response_save(actor=people.commissioner, comment=waiting, body="Thanks",
                               outcome="already-planned")
    with pytest.raises(ApplicationError):
        services.comment_report(actor=people.parent, comment=waiting, reason="Spam")


# --- who may comment, and as whom --------------------------------------------------------
def test_a_viewer_reads_comments_but_cannot_post(people, intentions, consultation, signed_in,
                                                 api):
    comment(author=people.parent, intention=intentions.published, body="Readable")
    client = signed_in(people.viewer)
    page = client.get(f"/intentions/{intentions.published.pk}/consultation/").content.decode()
    assert "Readable" in page and 'id="add-comment"' not in page
    form = client.get(f"/intentions/{intentions.published.pk}/comments/new/").content.decode()
    assert "read-only" in form and "Post comment" not in form
    posted = client.post(f"/intentions/{intentions.published.pk}/comments/new/",
                         {"body": "I want to say"})
    assert posted.status_code == 400 and "read-only" in posted.content.decode()
    refused = api.as_user(people.viewer).post(
        f"/api/v1/intentions/{intentions.published.pk}/comments/", {"body": "Via the API"},
        format="json")
    assert refused.status_code == 403 and "read-only" in refused.json()["message"]
    assert not Comment.objects.filter(author=people.viewer).exists()


@pytest.mark.parametrize("who,appears_as", [
    ("parent", "a parent carer"), ("young", "a young person"),
    ("commissioner", "a partner organisation"), ("finance", "a partner organisation")])
def test_the_form_says_how_the_comment_will_appear(people, intentions, consultation,
                                                   signed_in, who, appears_as):
    client = signed_in(getattr(people, who))
    form = client.get(f"/intentions/{intentions.published.pk}/comments/new/").content.decode()
    assert f"appears as from “{appears_as}”" in form
    assert f"shown as from “{appears_as}”" in form
    other = {"a parent carer", "a young person", "a partner organisation"} - {appears_as}
    assert not any(f"“{label}”" in form for label in other)
    client.post(f"/intentions/{intentions.published.pk}/comments/new/", {"body": "Said"})
    made = Comment.objects.get(author=getattr(people, who))
    assert made.attribution == appears_as


# --- comments and the consultation's dates -----------------------------------------------
def test_a_reply_after_the_consultation_closed_is_not_listed_under_it(people, intentions,
                                                                      consultation, api):
    during = comment(author=people.parent, intention=intentions.published)
    assert during.consultation == consultation
    close(consultation)
    reply = comment(author=people.commissioner, intention=intentions.published,
                    in_reply_to=during, body="Later")
    assert reply.consultation is None
    shown = api.as_user(people.parent).get(f"/api/v1/comments/{reply.pk}/").json()
    assert shown["consultation"] is None


def test_a_consultation_cannot_close_before_comments_made_in_it(people, intentions,
                                                                consultation):
    comment(author=people.parent, intention=intentions.published)
    today = timezone.localdate()
    with pytest.raises(ApplicationError) as refused:
        services.consultation_update(actor=people.commissioner, consultation=consultation,
                                     closes=today - timedelta(days=1))
    assert "closes" in refused.value.errors
    services.consultation_update(actor=people.commissioner, consultation=consultation,
                                 closes=today)


def test_the_migration_detaches_comments_made_after_their_consultation_closed(
        people, intentions, consultation):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("commissioning.coproduction.migrations.0002_comment_moderation")
    inside = comment(author=people.parent, intention=intentions.published, body="Inside")
    close(consultation, days_ago=3)  # as the demo loader's dates once left it
    Comment.objects.filter(pk=inside.pk).update(approved_at=None)
    migration.let_existing_comments_through(apps, None)
    inside.refresh_from_db()
    assert inside.consultation is None and inside.approved_at == inside.created_at
    assert inside.status == CommentStatus.OPEN
