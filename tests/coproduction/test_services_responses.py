"""Responses: drafted, then published together when the consultation closes; e-mails."""
import pytest
from django.core import mail

from commissioning.coproduction import services, tasks
from commissioning.coproduction.models import CommentStatus, Outcome, ResponseStatus
from portal.errors import ApplicationError
from tests.factories.coproduction import close, comment, open_consultation

pytestmark = pytest.mark.django_db(transaction=True)


def _respond(people, c, **kwargs):
    kwargs.setdefault("outcome", Outcome.ALREADY_PLANNED)
    kwargs.setdefault("body", "This is already in the plan for 2027.")
    return services.response_save(actor=kwargs.pop("actor", people.commissioner), comment=c,
                                  **kwargs)


def test_consultation_opening_emails_the_audiences(people, intentions):
    mail.outbox.clear()
    consultation = open_consultation(actor=people.commissioner, intention=intentions.published)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([people.parent.email,
                                                          people.young.email])
    assert consultation.title in mail.outbox[0].subject
    # Running the task again sends nothing twice.
    assert tasks.send_consultation_opened(consultation.pk) == 0
    assert len(mail.outbox) == 2


def test_consultation_for_parent_carers_only_skips_young_people(people, intentions):
    mail.outbox.clear()
    open_consultation(actor=people.commissioner, intention=intentions.published,
                      audiences=["parent-carers"])
    assert [m.to for m in mail.outbox] == [[people.parent.email]]


def test_consultation_needs_a_published_intention(people, intentions):
    with pytest.raises(ApplicationError, match="Publish the intention"):
        open_consultation(actor=people.commissioner, intention=intentions.unpublished)


def test_consultation_dates_and_audiences_are_checked(people, intentions, consultation):
    with pytest.raises(ApplicationError) as exc:
        services.consultation_update(actor=people.commissioner, consultation=consultation,
                                     closes=consultation.opens.replace(year=2000),
                                     audiences=["martians"], title="")
    assert set(exc.value.errors) == {"closes", "audiences", "title"}


def test_responses_to_an_open_consultation_are_drafts(people, intentions, consultation):
    c = comment(author=people.parent, intention=intentions.published)
    response = _respond(people, c)
    assert response.status == ResponseStatus.DRAFT and response.agency.name.startswith(
        "Testshire County")
    with pytest.raises(ApplicationError, match="published together"):
        _respond(people, c, publish=True)
    with pytest.raises(ApplicationError, match="after the consultation closes"):
        services.consultation_publish_responses(actor=people.commissioner,
                                                consultation=consultation)


def test_publish_all_when_closed_in_one_action(people, intentions, consultation):
    comments = [comment(author=people.parent, intention=intentions.published, body=f"Idea {i}")
                for i in range(3)]
    unanswered = comment(author=people.young, intention=intentions.published, body="No answer")
    _respond(people, comments[0], outcome=Outcome.CHANGED, what_changed="Saturday sessions added")
    _respond(people, comments[1], outcome=Outcome.NOT_TAKEN_FORWARD, reason="No venue")
    _respond(people, comments[2], outcome=Outcome.UNDER_CONSIDERATION,
             actor=people.icb_commissioner)
    close(consultation)
    mail.outbox.clear()
    assert services.consultation_publish_responses(actor=people.commissioner,
                                                   consultation=consultation) == 3
    for c in comments:
        c.refresh_from_db()
        assert c.status == CommentStatus.ANSWERED
        assert c.response.status == ResponseStatus.PUBLISHED and c.response.published_at
    unanswered.refresh_from_db()
    assert unanswered.status == CommentStatus.OPEN
    assert len(mail.outbox) == 3 and all(m.to == [people.parent.email] for m in mail.outbox)
    assert "Changed the plan" in mail.outbox[0].body
    consultation.refresh_from_db()
    assert consultation.responses_published_at is not None
    with pytest.raises(ApplicationError, match="no drafted responses"):
        services.consultation_publish_responses(actor=people.commissioner,
                                                consultation=consultation)
    # the partner agency's commissioner answered for their own agency
    assert comments[2].response.agency.kind == "icb"


def test_outcome_rules(people, intentions):
    c = comment(author=people.parent, intention=intentions.published)  # no consultation
    with pytest.raises(ApplicationError) as exc:
        _respond(people, c, outcome=Outcome.NOT_TAKEN_FORWARD)
    assert "reason" in exc.value.errors
    with pytest.raises(ApplicationError) as exc:
        _respond(people, c, outcome=Outcome.CHANGED)
    assert "what_changed" in exc.value.errors
    with pytest.raises(ApplicationError) as exc:
        _respond(people, c, outcome="maybe")
    assert "outcome" in exc.value.errors


def test_response_outside_a_consultation_publishes_at_once_and_is_audited(people, intentions):
    c = comment(author=people.parent, intention=intentions.published)
    mail.outbox.clear()
    response = _respond(people, c, publish=True, outcome=Outcome.UNDER_CONSIDERATION)
    assert response.status == ResponseStatus.PUBLISHED and len(mail.outbox) == 1
    # later the answer becomes final: an update, audited, without a second e-mail
    _respond(people, c, outcome=Outcome.CHANGED, what_changed="A new Saturday club",
             body="We have added it.")
    response.refresh_from_db()
    assert response.outcome == Outcome.CHANGED and response.history.count() == 3
    assert len(mail.outbox) == 1
    assert tasks.send_comment_answered(response.pk) == 0


def test_milestones(people, intentions):
    services.milestone_set(actor=people.commissioner, intention=intentions.published,
                           kind="decision", achieved_on=intentions.published.created_at.date(),
                           evidence="Joint Commissioning Group, 3 March")
    services.milestone_set(actor=people.commissioner, intention=intentions.published,
                           kind="decision", evidence="Changed")
    assert intentions.published.milestones.count() == 1
    with pytest.raises(ApplicationError):
        services.milestone_set(actor=people.parent, intention=intentions.published,
                               kind="decision")
    with pytest.raises(ApplicationError):
        services.milestone_set(actor=people.commissioner, intention=intentions.published,
                               kind="party")
