"""No dead ends in co-production (issue 12): "Change" on a comment and "Publish it now" on a
response are offered only when the permission the service applies allows them now;
otherwise the page says why, as text."""
import html
from datetime import timedelta

import pytest
from django.utils import timezone

from commissioning.coproduction import services
from commissioning.coproduction.models import Comment, ResponseStatus
from portal.errors import ApplicationError, ErrorCode
from tests.factories.coproduction import close, comment

pytestmark = pytest.mark.django_db


def text(response):
    return html.unescape(response.content.decode())


def test_change_is_offered_only_within_the_edit_window(people, intentions, consultation,
                                                       signed_in):
    mine = comment(author=people.parent, intention=intentions.published, body="Typo here")
    client = signed_in(people.parent)
    url = f"/intentions/{intentions.published.pk}/consultation/"
    edit = f'href="/comments/{mine.pk}/edit/"'
    page = text(client.get(url))
    assert edit in page and "can be changed only in the first 15 minutes" not in page
    assert client.post(f"/comments/{mine.pk}/edit/", {"body": "Fixed"}).status_code == 302
    Comment.objects.filter(pk=mine.pk).update(
        created_at=timezone.now() - timedelta(minutes=16))
    page = text(client.get(url))
    assert edit not in page
    assert "Comments can be changed only in the first 15 minutes; you can still withdraw it." \
        in page
    assert f'href="/comments/{mine.pk}/withdraw/"' in page  # what is allowed stays
    assert client.post(f"/comments/{mine.pk}/edit/", {"body": "Again"}).status_code == 403


def test_publish_it_now_is_offered_only_once_the_consultation_has_closed(
        people, intentions, consultation, signed_in):
    theirs = comment(author=people.parent, intention=intentions.published,
                     consultation=consultation, body="More clubs please")
    client = signed_in(people.commissioner)
    url = f"/comments/{theirs.pk}/respond/"
    page = text(client.get(url))
    assert 'name="publish"' not in page and "Publish it now" not in page
    assert "It cannot be published yet: Responses to this consultation are published " \
           "together after it closes on" in page
    answer = {"outcome": "already-planned", "body": "We will add two clubs.", "publish": "on"}
    assert client.post(url, answer).status_code == 302  # saved as a draft, not refused
    assert theirs.response.status == ResponseStatus.DRAFT
    with pytest.raises(ApplicationError) as refused:  # the service applies the same rule
        services.response_save(actor=people.commissioner, comment=theirs, publish=True,
                               outcome="already-planned", body="We will add two clubs.")
    assert refused.value.code == ErrorCode.CONFLICT
    close(consultation)
    page = text(client.get(url))
    assert 'name="publish"' in page and "It cannot be published yet" not in page
    assert client.post(url, answer).status_code == 302
    theirs.response.refresh_from_db()
    assert theirs.response.status == ResponseStatus.PUBLISHED
