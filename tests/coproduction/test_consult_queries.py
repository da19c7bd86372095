"""Constant queries for the new lists: the summary per question (page and API), the board
report's answers per question, the public consultation page and the API's public list."""
from datetime import timedelta

import pytest
from django.utils import timezone

from commissioning.coproduction import board_report, public
from commissioning.coproduction.models import Answer, Submission

from .consult_helpers import public_consultation

pytestmark = pytest.mark.django_db


def _answers(consultation, people_count):
    now = timezone.now()
    questions = list(consultation.question_items.order_by("position"))
    for i in range(people_count):
        submission = Submission.objects.create(
            consultation=consultation, email=f"p{i}@example.org", status="submitted",
            submitted_at=now, confirmed_at=now, approved_at=now, show_publicly=True)
        Answer.objects.bulk_create([
            Answer(submission=submission, question=questions[0], text=f"Idea {i % 3}"),
            Answer(submission=submission, question=questions[1], choices=["Saturdays"]),
            Answer(submission=submission, question=questions[2], choices=["North"]),
            Answer(submission=submission, question=questions[3], scale=1 + i % 5)])


@pytest.mark.parametrize("size", [3, 30])
def test_summary_page_and_api(people, intentions, signed_in, api, size,
                              django_assert_max_num_queries):
    consultation = public_consultation(actor=people.commissioner,
                                       intention=intentions.published)
    _answers(consultation, size)
    client = signed_in(people.commissioner)
    client.get(f"/consultations/{consultation.pk}/answers/")
    with django_assert_max_num_queries(18):
        page = client.get(f"/consultations/{consultation.pk}/answers/")
    assert f"{size} people have answered" in page.content.decode()
    with django_assert_max_num_queries(12):
        data = api.as_user(people.commissioner).get(
            f"/api/v1/consultations/{consultation.pk}/summary/").json()
    assert data["questions"][1]["counts"][1]["count"] == size


@pytest.mark.parametrize("size", [3, 30])
def test_public_results_and_list(client, area, people, intentions, size,
                                 django_assert_max_num_queries):
    for i in range(2 if size == 3 else 6):
        consultation = public_consultation(actor=people.commissioner,
                                           intention=intentions.published, title=f"C{i}")
        _answers(consultation, size)
    consultation.opens = timezone.localdate() - timedelta(days=30)
    consultation.closes = timezone.localdate() - timedelta(days=1)
    consultation.save()
    with django_assert_max_num_queries(8):
        page = client.get(f"/public/{area.slug}/consultations/{consultation.pk}/")
    assert "We asked" in page.content.decode() and "Idea 2" in page.content.decode()
    with django_assert_max_num_queries(4):
        listing = client.get(f"/api/v1/public/{area.slug}/consultations/").json()
    assert len(listing["closed"]) == 1


@pytest.mark.parametrize("size", [2, 6])
def test_board_report_answers_per_question(people, intentions, council, size,
                                           django_assert_num_queries):
    today = timezone.localdate()
    for i in range(size):
        consultation = public_consultation(actor=people.commissioner,
                                           intention=intentions.published, title=f"C{i}")
        _answers(consultation, 3)
        consultation.opens, consultation.closes = today - timedelta(days=20), today
        consultation.save()
    year = public.current_financial_year(today)
    quarter = {4: 1, 5: 1, 6: 1, 7: 2, 8: 2, 9: 2, 10: 3, 11: 3, 12: 3}.get(today.month, 4)
    with django_assert_num_queries(6):
        data = board_report.section(board=None, year=year, quarter=quarter,
                                    agencies=[council])
    assert len(data["question_summaries"]) == size
    first = data["question_summaries"][0]["questions"]
    assert first[0]["answered"] == 3 and first[3]["average"] == 2.0
    assert "Idea" not in str(data)  # counts only, no written answers


@pytest.mark.parametrize("size", [2, 12])
def test_questions_documents_and_follows_lists(people, intentions, signed_in, api, size,
                                               django_assert_max_num_queries):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from commissioning.coproduction import services

    from .consult_helpers import draft_consultation, pdf_bytes

    draft = draft_consultation(actor=people.commissioner, intention=intentions.published,
                               questions=[f"Question {i}?" for i in range(size)])
    for i in range(size):
        services.document_add(actor=people.commissioner, consultation=draft,
                              title=f"Paper {i}",
                              upload=SimpleUploadedFile(f"p{i}.pdf", pdf_bytes()))
        other = draft_consultation(actor=people.commissioner, intention=intentions.published,
                                   title=f"Other {i}")
        services.follow_start(actor=people.parent, subject=other)
    client = signed_in(people.commissioner)
    client.get(f"/consultations/{draft.pk}/questions/")
    with django_assert_max_num_queries(22):
        page = client.get(f"/consultations/{draft.pk}/questions/")
    assert page.content.decode().count("Move down") == size - 1
    with django_assert_max_num_queries(18):
        page = client.get(f"/consultations/{draft.pk}/documents/")
    assert page.content.decode().count("govuk-visually-hidden\"> Paper ") == size
    with django_assert_max_num_queries(10):
        follows = api.as_user(people.parent).get("/api/v1/follows/").json()
    assert len(follows) == size
    parent = signed_in(people.parent)
    parent.get(f"/intentions/{intentions.published.pk}/consultation/")
    with django_assert_max_num_queries(30):
        page = parent.get(f"/intentions/{intentions.published.pk}/consultation/")
    assert page.content.decode().count("Stop following") == size
