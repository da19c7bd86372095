"""Questions of a consultation: add, change, reorder and remove them on pages and through
the services while it is in draft; signed-in people answer them; the summary per question."""
import pytest

from commissioning.coproduction import selectors, services
from commissioning.coproduction.models import Answer, Question, Submission
from portal.errors import ApplicationError
from tests.factories.coproduction import close

from .consult_helpers import draft_consultation, public_consultation

pytestmark = pytest.mark.django_db


def test_questions_given_as_text_or_typed_are_saved_in_order(people, intentions):
    consultation = public_consultation(actor=people.commissioner,
                                       intention=intentions.published)
    questions = list(consultation.question_items.order_by("position"))
    assert [(q.position, q.kind) for q in questions] == [
        (1, "text"), (2, "many"), (3, "one"), (4, "scale")]
    assert questions[1].options == ["Weekdays", "Saturdays", "Sundays"]
    consultation.refresh_from_db()
    assert consultation.questions[0] == "What would help your family most?"


def test_add_change_reorder_remove_on_pages_while_in_draft(people, intentions, signed_in):
    consultation = draft_consultation(actor=people.commissioner,
                                      intention=intentions.published)
    client = signed_in(people.commissioner)
    url = f"/consultations/{consultation.pk}/questions/"
    assert client.get(url).status_code == 200
    bad = client.post(url, {"text": "Which day?", "kind": "one", "options": "Only one"})
    assert bad.status_code == 400 and "Enter at least two options" in bad.content.decode()
    assert not Question.objects.filter(consultation=consultation).exists()
    for text, kind, options in (("First?", "text", ""), ("Which day?", "one", "Mon\nTue"),
                                ("Rate it", "scale", "")):
        assert client.post(url, {"text": text, "kind": kind, "options": options}
                           ).status_code == 302
    first, day, rate = consultation.question_items.order_by("position")
    assert day.options == ["Mon", "Tue"]
    client.post(f"/questions/{rate.pk}/move/", {"direction": "up"})
    assert list(consultation.question_items.order_by("position").values_list(
        "text", flat=True)) == ["First?", "Rate it", "Which day?"]
    assert client.post(f"/questions/{first.pk}/edit/", {"text": "Changed?", "kind": "text"}
                       ).status_code == 302
    assert client.post(f"/questions/{day.pk}/remove/").status_code == 302
    consultation.refresh_from_db()
    assert consultation.questions == ["Changed?", "Rate it"]
    assert [q.position for q in consultation.question_items.order_by("position")] == [1, 2]
    assert Question.history.filter(id=day.pk, history_type="-").get().history_user == \
        people.commissioner
    page = client.get(url).content.decode()
    assert "History of the questions" in page and "Removed: Question “Which day?”" in page


def test_questions_cannot_change_once_open_and_others_cannot_change_them(
        people, intentions, signed_in):
    consultation = public_consultation(actor=people.commissioner,
                                       intention=intentions.published)
    question = consultation.question_items.first()
    with pytest.raises(ApplicationError) as exc:
        services.question_update(actor=people.commissioner, question=question, text="New")
    assert exc.value.code == "conflict"
    page = signed_in(people.commissioner).get(f"/consultations/{consultation.pk}/questions/")
    assert "can be changed only before the consultation opens" in page.content.decode()
    assert 'id="add-question"' not in page.content.decode()
    draft = draft_consultation(actor=people.commissioner, intention=intentions.published,
                               questions=["One?"])
    assert signed_in(people.parent).get(f"/consultations/{draft.pk}/questions/"
                                        ).status_code == 404


def test_reorder_needs_every_question_once(people, intentions):
    consultation = draft_consultation(actor=people.commissioner,
                                      intention=intentions.published,
                                      questions=["A?", "B?", "C?"])
    a, b, c = consultation.question_items.order_by("position")
    with pytest.raises(ApplicationError):
        services.questions_reorder(actor=people.commissioner, consultation=consultation,
                                   order=[a.pk, a.pk, b.pk])
    services.questions_reorder(actor=people.commissioner, consultation=consultation,
                               order=[c.pk, a.pk, b.pk])
    consultation.refresh_from_db()
    assert consultation.questions == ["C?", "A?", "B?"]


def test_a_parent_carer_answers_on_one_page_and_the_summary_counts(
        people, intentions, signed_in):
    consultation = public_consultation(actor=people.commissioner,
                                       intention=intentions.published)
    text, days, where, scale = consultation.question_items.order_by("position")
    client = signed_in(people.parent)
    url = f"/consultations/{consultation.pk}/answer/"
    assert client.get(url).status_code == 200
    bad = client.post(url, {f"q{scale.pk}": "9", f"q{where.pk}": "Nowhere"})
    assert bad.status_code == 400
    assert not Submission.objects.exists()
    ok = client.post(url, {f"q{text.pk}": "More Saturday clubs",
                           f"q{days.pk}": ["Saturdays", "Sundays"], f"q{where.pk}": "North",
                           f"q{scale.pk}": "2"})
    assert ok.status_code == 302
    submission = Submission.objects.get()
    assert (submission.author, submission.status) == (people.parent, "submitted")
    assert submission.approved_at is not None  # parent carers are post-moderated
    assert {a.question_id: (a.text, a.choices, a.scale) for a in Answer.objects.all()} == {
        text.pk: ("More Saturday clubs", [], None), days.pk: ("", ["Saturdays", "Sundays"], None),
        where.pk: ("", ["North"], None), scale.pk: ("", [], 2)}
    rows = {r["question"].pk: r for r in selectors.question_summary(consultation=consultation)}
    assert rows[days.pk]["counts"] == [
        {"label": "Weekdays", "count": 0, "percent": 0},
        {"label": "Saturdays", "count": 1, "percent": 100},
        {"label": "Sundays", "count": 1, "percent": 100}]
    assert rows[scale.pk]["average"] == 2.0
    assert rows[text.pk]["groups"] == [{"text": "More Saturday clubs", "count": 1}]
    summary = signed_in(people.commissioner).get(f"/consultations/{consultation.pk}/answers/")
    assert summary.status_code == 200 and "More Saturday clubs" in summary.content.decode()
    # Withdrawn answers are kept but no longer counted.
    assert signed_in(people.parent).post(f"/consultations/{consultation.pk}/answer/withdraw/"
                                         ).status_code == 302
    rows = selectors.question_summary(consultation=consultation)
    assert all(r["answered"] == 0 for r in rows)
    assert Submission.objects.get().status == "withdrawn"


def test_free_text_answers_are_grouped(people, intentions):
    consultation = public_consultation(actor=people.commissioner,
                                       intention=intentions.published,
                                       questions=["Anything else?"])
    question = consultation.question_items.get()
    for user, text in ((people.parent, "More clubs!"), (people.young, "more clubs"),
                       (people.commissioner, "Longer hours")):
        services.submission_answer(actor=user, consultation=consultation,
                                   answers={question.pk: text})
    Submission.objects.update(approved_at=Submission.objects.first().created_at)
    (row,) = selectors.question_summary(consultation=consultation)
    assert row["answered"] == 3
    assert row["groups"] == [{"text": "More clubs!", "count": 2},
                             {"text": "Longer hours", "count": 1}]


def test_we_did_is_recorded_after_closing(people, intentions, signed_in):
    consultation = public_consultation(actor=people.commissioner,
                                       intention=intentions.published)
    question = consultation.question_items.first()
    client = signed_in(people.commissioner)
    assert client.get(f"/questions/{question.pk}/we-did/").status_code == 302  # not yet
    close(consultation)
    assert client.post(f"/questions/{question.pk}/we-did/", {"we_did": ""}).status_code == 400
    assert client.post(f"/questions/{question.pk}/we-did/",
                       {"we_did": "Saturday clubs from April"}).status_code == 302
    question.refresh_from_db()
    assert question.we_did == "Saturday clubs from April"
