"""Posting, replying, editing in the window, withdrawing, hiding and reporting comments."""
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from commissioning.coproduction import services
from commissioning.coproduction.models import Comment, CommentReport, CommentStatus
from portal.errors import ApplicationError
from tests.factories.coproduction import close, comment

pytestmark = pytest.mark.django_db(transaction=True)


def test_comment_joins_the_open_consultation(people, intentions, consultation):
    c = comment(author=people.parent, intention=intentions.published)
    assert c.consultation == consultation
    assert c.author_kind == "parent-carer" and c.attribution == "a parent carer"
    assert c.history.count() == 1 and c.history.first().history_user == people.parent


def test_young_person_is_anonymised_as_such_unless_they_choose_their_name(people, intentions):
    anon = comment(author=people.young, intention=intentions.published)
    named = comment(author=people.young, intention=intentions.published, body="Me again",
                    show_name=True)
    assert anon.attribution == "a young person"
    assert named.attribution == "Yas Young"


def test_show_name_needs_public(people, intentions):
    c = comment(author=people.young, intention=intentions.published, show_publicly=False,
                show_name=True)
    assert not c.show_name


def test_closed_consultation_takes_no_comments(people, intentions, consultation):
    close(consultation)
    with pytest.raises(ApplicationError, match="closed on"):
        services.comment_create(actor=people.parent, intention=intentions.published,
                                body="Too late", consultation=consultation)


def test_empty_and_long_bodies_are_refused(people, intentions):
    with pytest.raises(ApplicationError) as exc:
        comment(author=people.parent, intention=intentions.published, body="   \n ")
    assert exc.value.errors == {"body": ["Enter the comment"]}
    with pytest.raises(ApplicationError):
        comment(author=people.parent, intention=intentions.published, body="x" * 5001)
    assert Comment.objects.count() == 0


def test_reply_must_be_on_the_same_intention(people, intentions):
    first = comment(author=people.parent, intention=intentions.published)
    reply = comment(author=people.young, intention=intentions.published, body="Agreed",
                    in_reply_to=first)
    assert reply.in_reply_to == first
    with pytest.raises(ApplicationError, match="same intention"):
        comment(author=people.parent, intention=intentions.sensitive, in_reply_to=first)


def test_edit_within_the_window_only(people, intentions):
    c = comment(author=people.parent, intention=intentions.published)
    services.comment_update(actor=people.parent, comment=c, body="Better words")
    c.refresh_from_db()
    assert c.body == "Better words" and c.edited_at is not None
    Comment.objects.filter(pk=c.pk).update(created_at=timezone.now() - timedelta(minutes=16))
    with pytest.raises(ApplicationError, match="first 15 minutes"):
        services.comment_update(actor=people.parent, comment=c, body="Again")
    with pytest.raises(ApplicationError, match="Only its author"):
        services.comment_update(actor=people.young, comment=c, body="Hijack")


def test_withdraw_keeps_the_record_but_hides_the_text(people, intentions, signed_in):
    c = comment(author=people.parent, intention=intentions.published, body="Withdraw me please")
    services.comment_withdraw(actor=people.parent, comment=c)
    c.refresh_from_db()
    assert c.status == CommentStatus.WITHDRAWN and not c.show_publicly
    assert c.history.count() == 2  # the audit keeps what was said
    page = signed_in(people.commissioner).get(
        f"/intentions/{intentions.published.pk}/consultation/").content.decode()
    assert "Withdraw me please" not in page and "withdrew this comment" in page


def test_hide_needs_a_reason_is_audited_and_tells_the_author(people, intentions):
    c = comment(author=people.parent, intention=intentions.published, body="Something rude")
    with pytest.raises(ApplicationError):
        services.comment_hide(actor=people.admin, comment=c, reason=" ")
    mail.outbox.clear()
    services.comment_hide(actor=people.admin, comment=c, reason="It names a member of staff")
    c.refresh_from_db()
    assert c.status == CommentStatus.HIDDEN and c.hidden_by == people.admin
    assert c.history.first().history_user == people.admin
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [people.parent.email]
    assert "It names a member of staff" in mail.outbox[0].body
    assert c.hidden_reason in mail.outbox[0].body
    c.refresh_from_db()
    assert c.hidden_notified_at is not None


def test_report_once_and_hiding_resolves_reports(people, intentions):
    c = comment(author=people.parent, intention=intentions.published)
    services.comment_report(actor=people.young, comment=c, reason="Off topic")
    with pytest.raises(ApplicationError, match="already reported"):
        services.comment_report(actor=people.young, comment=c, reason="Again")
    with pytest.raises(ApplicationError, match="your own"):
        services.comment_report(actor=people.parent, comment=c, reason="Mine")
    services.comment_hide(actor=people.admin, comment=c, reason="Off topic", notify=False)
    assert CommentReport.objects.get().resolved_at is not None


def test_failed_write_saves_nothing(people, intentions):
    c = comment(author=people.parent, intention=intentions.published)
    with pytest.raises(ApplicationError):
        services.comment_update(actor=people.parent, comment=c, body="")
    c.refresh_from_db()
    assert c.edited_at is None and c.history.count() == 1
