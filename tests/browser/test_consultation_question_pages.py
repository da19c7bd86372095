"""The pages of questions, answers, summaries, documents, follows and the public links pass
axe with zero violations (issue 16), error states included."""
from types import SimpleNamespace

import pytest
from django.utils import timezone

from agencies.roles import Role
from commissioning.coproduction import services, tokens
from commissioning.coproduction.models import ConsultationDocument, Follow, Submission
from tests.browser.conftest import submit
from tests.coproduction.consult_helpers import draft_consultation, pdf_bytes, public_consultation
from tests.factories.agencies import AgencyFactory
from tests.factories.coproduction import IntentionFactory, close, fresh_rate_limits

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(area, council, icb, make_member, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fresh_rate_limits(settings)
    forum = AgencyFactory(local_area=area, name="Testshire Parent Carer Forum",
                          kind="parent-carer-forum")
    people = SimpleNamespace(
        commissioner=make_member(council, Role.COMMISSIONER, username="q.comm"),
        parent=make_member(forum, Role.PARENT_CARER, username="q.parent"),
        admin=make_member(council, Role.ADMIN, username="q.admin"),
    )
    intention = IntentionFactory(local_area=area, lead_agency=council, partners=[icb],
                                 reference="TST-2026-030", title="Short breaks",
                                 owner=people.commissioner)
    open_one = public_consultation(actor=people.commissioner, intention=intention)
    draft = draft_consultation(actor=people.commissioner, intention=intention,
                               questions=["First?", {"text": "Pick", "kind": "one",
                                                     "options": ["A", "B"]}])
    closed = public_consultation(actor=people.commissioner, intention=intention,
                                 title="Last year's review")
    services.document_add(actor=people.commissioner, consultation=open_one, title="The plan",
                          upload=SimpleUploadedFile("plan.pdf", pdf_bytes()),
                          summary="What we propose")
    now = timezone.now()
    public_answers = Submission.objects.create(
        consultation=open_one, email="sam@example.org", status="submitted", submitted_at=now,
        confirmed_at=now)
    from commissioning.coproduction.models import Answer
    Answer.objects.create(submission=public_answers,
                          question=open_one.question_items.first(), text="Saturdays")
    services.submission_answer(actor=people.parent, consultation=closed, answers={
        str(q.pk): v for q, v in zip(closed.question_items.order_by("position"),
                                     ["Clubs", ["Sundays"], "North", 4], strict=True)})
    close(closed)
    follow = Follow.objects.create(email="kim@example.org", consultation=open_one)
    return SimpleNamespace(people=people, intention=intention, open_one=open_one,
                           draft=draft, closed=closed, public_answers=public_answers,
                           follow=follow, document=ConsultationDocument.objects.get())


def test_commissioner_pages(world, browse, check_page):
    w = world
    page = browse(w.people.commissioner)
    question = w.draft.question_items.first()
    closed_question = w.closed.question_items.first()
    for path in [f"/intentions/{w.intention.pk}/consultation/",
                 f"/consultations/{w.draft.pk}/questions/",
                 f"/consultations/{w.open_one.pk}/questions/",
                 f"/questions/{question.pk}/edit/", f"/questions/{question.pk}/remove/",
                 f"/consultations/{w.closed.pk}/answers/",
                 f"/questions/{closed_question.pk}/we-did/",
                 f"/consultations/{w.open_one.pk}/documents/"]:
        check_page(page, path)
    # error states
    check_page(page, f"/consultations/{w.draft.pk}/questions/")
    page.get_by_label("Choose one", exact=True).check()
    page.fill("#id_text", "Which?")
    submit(page, "#main-form button[type=submit]")
    assert "Enter at least two options" in page.inner_text("main")
    from tests.browser.conftest import axe_violations
    assert axe_violations(page) == []
    check_page(page, f"/consultations/{w.open_one.pk}/documents/")
    page.fill("#id_title", "Bad")
    page.check("input[name=kind][value=summary]")
    page.set_input_files("#id_file", {"name": "bad.pdf", "mimeType": "application/pdf",
                                      "buffer": b"not a pdf"})
    submit(page, "#main-form button[type=submit]")
    assert "must be a PDF or DOCX" in page.inner_text("main")
    assert axe_violations(page) == []


def test_parent_and_moderator_pages(world, browse, check_page):
    w = world
    page = browse(w.people.parent)
    for path in [f"/intentions/{w.intention.pk}/consultation/",
                 f"/consultations/{w.open_one.pk}/answer/"]:
        check_page(page, path)
    page = browse(w.people.admin)
    for path in ["/comments/moderation/", f"/answers/{w.public_answers.pk}/hide/"]:
        check_page(page, path)


def test_public_link_pages(world, browser, check_page, area):
    w = world
    page = browser.new_page()
    base = f"/public/{area.slug}"
    for path in [f"{base}/consultations/", f"{base}/consultations/?theme=Nothing&q=none",
                 f"{base}/consultations/{w.open_one.pk}/",
                 f"{base}/consultations/{w.closed.pk}/",
                 f"{base}/consultations/{w.open_one.pk}/respond/",
                 f"{base}/consultations/{w.open_one.pk}/follow/",
                 f"{base}/consultations/withdraw/"
                 f"{tokens.make('withdraw', w.public_answers.pk)}/",
                 f"{base}/consultations/confirm/{tokens.make('confirm', w.public_answers.pk)}/",
                 f"{base}/follow/confirm/{tokens.make('follow', w.follow.pk)}/",
                 f"/follow/unsubscribe/{tokens.make('unsubscribe', w.follow.pk)}/"]:
        check_page(page, path)
    check_page(page, f"{base}/consultations/{w.open_one.pk}/respond/")
    page.fill("#id_email", "nope")
    submit(page, "#main-form button[type=submit]")
    assert "There is a problem" in page.inner_text("main")
    from tests.browser.conftest import axe_violations
    assert axe_violations(page) == []
    page.close()
