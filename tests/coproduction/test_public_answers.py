"""A member of the public answers a public consultation question by question, with no
account: e-mail confirmed by a link, pre-moderation, honeypot, rate limits, withdraw."""
import pytest
from django.core import mail

from commissioning.coproduction.models import Answer, Submission
from tests.factories.coproduction import close

from .consult_helpers import link_in, public_consultation

pytestmark = pytest.mark.django_db


@pytest.fixture
def consultation(people, intentions):
    return public_consultation(actor=people.commissioner, intention=intentions.published)


def _answer_all(client, area, consultation, email="sam@example.org", **extra):
    base = f"/public/{area.slug}/consultations/{consultation.pk}/respond/"
    response = client.post(base, {"email": email, "website": "", **extra})
    assert response.status_code == 302, response.content.decode()[:2000]
    text, days, where, scale = consultation.question_items.order_by("position")
    for number, data in ((1, {"answer": "Saturday clubs please"}),
                         (2, {"answer": ["Saturdays"]}), (3, {"answer": "South"}),
                         (4, {"answer": "4"})):
        response = client.post(f"{base}{number}/", data)
        assert response.status_code == 302, response.content.decode()[:3000]
    return base


def test_question_by_question_then_confirm_then_moderate_then_we_did(
        client, area, people, consultation, signed_in, django_capture_on_commit_callbacks):
    listing = client.get(f"/public/{area.slug}/consultations/").content.decode()
    assert consultation.title in listing
    page = client.get(f"/public/{area.slug}/consultations/{consultation.pk}/").content.decode()
    assert "Answer the questions" in page
    base = _answer_all(client, area, consultation)
    check = client.get(f"{base}check/")
    assert check.status_code == 200 and "Saturday clubs please" in check.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(f"{base}check/", {"show_publicly": "on"})
    assert sent.status_code == 302
    submission = Submission.objects.get()
    assert (submission.email, submission.status, submission.author) == (
        "sam@example.org", "submitted", None)
    assert submission.confirmed_at is None and submission.approved_at is None
    assert Answer.objects.filter(submission=submission).count() == 4
    (message,) = mail.outbox
    assert message.to == ["sam@example.org"]
    confirm = link_in(message, "/confirm/")
    withdraw = link_in(message, "/withdraw/")
    assert client.get(confirm).status_code == 200  # a mail scanner's GET changes nothing
    submission.refresh_from_db()
    assert submission.confirmed_at is None
    assert client.post(confirm).status_code == 200
    submission.refresh_from_db()
    assert submission.confirmed_at is not None and submission.is_pending
    # The moderators see it in the existing queue and let it through.
    moderator = signed_in(people.admin)
    queue = moderator.get("/comments/moderation/").content.decode()
    assert "Saturday clubs please" in queue and "sam@example.org" not in queue
    assert moderator.post(f"/answers/{submission.pk}/approve/").status_code == 302
    submission.refresh_from_db()
    assert submission.approved_at is not None and submission.approved_by == people.admin
    # After closing, "we asked, you said, we did".
    close(consultation)
    question = consultation.question_items.order_by("position").first()
    question.we_did = "Saturday clubs open in April"
    question.save()
    page = client.get(f"/public/{area.slug}/consultations/{consultation.pk}/").content.decode()
    assert "We asked" in page and "Saturday clubs please" in page
    assert "Saturday clubs open in April" in page
    # A withdraw link still works after closing; withdrawn answers are not counted.
    assert client.post(withdraw).status_code == 200
    submission.refresh_from_db()
    assert submission.status == "withdrawn"
    page = client.get(f"/public/{area.slug}/consultations/{consultation.pk}/").content.decode()
    assert "Saturday clubs please" not in page


def test_bad_email_and_bad_answers_are_400_and_nothing_is_saved(client, area, consultation):
    base = f"/public/{area.slug}/consultations/{consultation.pk}/respond/"
    response = client.post(base, {"email": "not-an-address"})
    assert response.status_code == 400 and "There is a problem" in response.content.decode()
    assert not Submission.objects.exists()
    client.post(base, {"email": "sam@example.org"})
    response = client.post(f"{base}4/", {"answer": "7"})
    assert response.status_code == 400
    assert not Answer.objects.exists()


def test_honeypot_keeps_nothing(client, area, consultation):
    response = client.post(f"/public/{area.slug}/consultations/{consultation.pk}/respond/",
                           {"email": "bot@example.org", "website": "http://spam.example"})
    assert response.status_code == 302 and response["Location"].endswith("/respond/sent/")
    assert not Submission.objects.exists() and not mail.outbox


def test_rate_limited_per_email_and_per_address(client, area, consultation, settings):
    settings.COPRODUCTION_PUBLIC_RATE_PER_EMAIL = "2/h"
    settings.COPRODUCTION_PUBLIC_RATE_PER_IP = "4/h"
    url = f"/public/{area.slug}/consultations/{consultation.pk}/respond/"
    codes = [client.post(url, {"email": "sam@example.org"}).status_code for _ in range(3)]
    assert codes == [302, 302, 429]
    codes = [client.post(url, {"email": f"p{i}@example.org"}).status_code for i in range(2)]
    assert codes == [302, 429]  # the address has now made 5 attempts
    limited = client.post(url, {"email": "other@example.org"})
    assert "Too many answers" in limited.content.decode()
    assert Submission.objects.count() == 3


def test_personal_data_warning_needs_confirming(client, area, consultation,
                                                django_capture_on_commit_callbacks):
    base = f"/public/{area.slug}/consultations/{consultation.pk}/respond/"
    client.post(base, {"email": "sam@example.org"})
    client.post(f"{base}1/", {"answer": "Write to me at sam@example.org"})
    response = client.post(f"{base}check/", {})
    assert response.status_code == 400 and "Tick the box" in response.content.decode()
    assert Submission.objects.get().status == "draft"
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"{base}check/", {"confirm_personal_data": "on"}
                           ).status_code == 302
    submission = Submission.objects.get()
    assert submission.status == "submitted" and submission.personal_data_confirmed


def test_not_public_or_closed_consultations_take_no_public_answers(
        client, area, people, intentions, consultation):
    from tests.factories.coproduction import open_consultation

    private = open_consultation(actor=people.commissioner, intention=intentions.published,
                                title="Forum only")
    assert client.get(f"/public/{area.slug}/consultations/{private.pk}/").status_code == 404
    close(consultation)
    response = client.post(f"/public/{area.slug}/consultations/{consultation.pk}/respond/",
                           {"email": "sam@example.org"})
    assert response.status_code == 200 and "closed on" in response.content.decode()
    assert not Submission.objects.exists()


def test_bad_tokens_are_404(client, area):
    for path in ("consultations/confirm/nonsense", "consultations/withdraw/x:y:z",
                 "follow/confirm/abc"):
        assert client.get(f"/public/{area.slug}/{path}/").status_code == 404


def test_list_filters_by_theme_and_search_and_orders_by_closing(
        client, area, people, intentions):
    from commissioning.models import Intention

    soon = public_consultation(actor=people.commissioner, intention=intentions.published,
                               days_left=3, title="Closing soon")
    public_consultation(actor=people.commissioner, intention=intentions.published,
                        days_left=30, title="Closing later")
    other = public_consultation(actor=people.icb_commissioner, intention=intentions.sensitive,
                                title="Therapies")
    Intention.objects.filter(pk=intentions.sensitive.pk).update(thematic_area="Therapies")
    page = client.get(f"/public/{area.slug}/consultations/").content.decode()
    assert page.index("Closing soon") < page.index("Closing later")
    page = client.get(f"/public/{area.slug}/consultations/?theme=Therapies").content.decode()
    assert other.title in page and soon.title not in page
    page = client.get(f"/public/{area.slug}/consultations/?q=later").content.decode()
    assert "Closing later" in page and "Closing soon" not in page


@pytest.mark.parametrize("size", [2, 8])
def test_public_list_and_moderation_queue_have_constant_queries(
        client, area, people, intentions, size, django_assert_max_num_queries, signed_in):
    from django.utils import timezone

    for i in range(size):
        c = public_consultation(actor=people.commissioner, intention=intentions.published,
                                title=f"Consultation {i}")
        question = c.question_items.first()
        submission = Submission.objects.create(consultation=c, email=f"p{i}@example.org",
                                               status="submitted",
                                               confirmed_at=timezone.now(),
                                               submitted_at=timezone.now())
        Answer.objects.create(submission=submission, question=question, text="Yes")
    with django_assert_max_num_queries(8):
        assert client.get(f"/public/{area.slug}/consultations/").status_code == 200
    moderator = signed_in(people.admin)
    moderator.get("/comments/moderation/")
    with django_assert_max_num_queries(22):
        page = moderator.get("/comments/moderation/")
    assert page.content.decode().count("Let these answers through") == size
