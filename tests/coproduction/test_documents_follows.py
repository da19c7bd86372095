"""Documents consulted on (type by content, size, headers, who may read them) and follows
(e-mail on stage change, published responses and decisions; one-click unsubscribe)."""
import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from commissioning.coproduction import services
from commissioning.coproduction.models import ConsultationDocument, Follow, FollowNotice
from tests.factories.coproduction import close, comment, open_consultation

from .consult_helpers import docx_bytes, link_in, pdf_bytes, public_consultation

pytestmark = pytest.mark.django_db


@pytest.fixture
def consultation(people, intentions):
    return public_consultation(actor=people.commissioner, intention=intentions.published)


def _upload(client, consultation, name, content, **extra):
    return client.post(f"/consultations/{consultation.pk}/documents/", {
        "title": extra.pop("title", "The draft specification"), "kind": extra.pop("kind", "full"),
        "summary": "What we propose", "file": SimpleUploadedFile(name, content), **extra})


def test_pdf_and_docx_are_stored_and_served_with_headers(people, consultation, signed_in,
                                                         client, area):
    manager = signed_in(people.commissioner)
    assert manager.get(f"/consultations/{consultation.pk}/documents/").status_code == 200
    assert _upload(manager, consultation, "spec.pdf", pdf_bytes()).status_code == 302
    assert _upload(manager, consultation, "easy read.docx", docx_bytes(), kind="easy-read",
                   title="Easy read").status_code == 302
    pdf, docx = ConsultationDocument.objects.order_by("id")
    assert (pdf.content_type, pdf.filename, pdf.size) == ("application/pdf", "spec.pdf",
                                                          len(pdf_bytes()))
    assert docx.content_type.endswith("wordprocessingml.document")
    assert pdf.file.name.startswith("consultations/") and "spec" not in pdf.file.name
    response = manager.get(f"/documents/{pdf.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="spec.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == pdf_bytes()
    # The public reads it when the consultation is public.
    client.logout()
    public = client.get(f"/public/{area.slug}/consultations/{consultation.pk}/documents/"
                        f"{docx.pk}/")
    assert public.status_code == 200 and public["X-Content-Type-Options"] == "nosniff"
    assert "Easy read" in client.get(f"/public/{area.slug}/consultations/{consultation.pk}/"
                                     ).content.decode()


@pytest.mark.parametrize("name,content,message", [
    ("spec.pdf", b"<html>not a pdf</html>", "must be a PDF or DOCX"),
    ("spec.docx", pdf_bytes(), "must be a PDF or DOCX"),  # content and name disagree
    ("spec.docx", b"PK\x03\x04broken zip", "must be a PDF or DOCX"),
    ("spec.exe", pdf_bytes(), "must be a PDF or DOCX"),
    ("spec.pdf", b"", "empty"),
])
def test_wrong_type_is_400_and_nothing_is_stored(people, consultation, signed_in, name,
                                                 content, message):
    response = _upload(signed_in(people.commissioner), consultation, name, content)
    assert response.status_code == 400 and message in response.content.decode()
    assert not ConsultationDocument.objects.exists()


def test_too_big_is_400(people, consultation, signed_in, settings):
    settings.COPRODUCTION_DOCUMENT_MAX_BYTES = 100
    response = _upload(signed_in(people.commissioner), consultation, "spec.pdf",
                       pdf_bytes() + b" " * 200)
    assert response.status_code == 400 and "must be smaller than" in response.content.decode()
    assert not ConsultationDocument.objects.exists()


def test_documents_of_a_private_consultation_are_not_public(
        people, intentions, signed_in, client, area):
    private = open_consultation(actor=people.commissioner, intention=intentions.published,
                                title="Forum only")
    _upload(signed_in(people.commissioner), private, "spec.pdf", pdf_bytes())
    document = ConsultationDocument.objects.get()
    assert signed_in(people.parent).get(f"/documents/{document.pk}/").status_code == 200
    assert signed_in(people.other_parent).get(f"/documents/{document.pk}/").status_code == 404
    signed_in(people.parent)
    client.logout()
    assert client.get(f"/public/{area.slug}/consultations/{private.pk}/documents/"
                      f"{document.pk}/").status_code == 404
    assert client.get(f"/documents/{document.pk}/").status_code == 302  # sign in first
    # Only commissioners of the consultation upload (the page is a 404 for the others).
    assert signed_in(people.finance).get(f"/consultations/{private.pk}/documents/"
                                         ).status_code == 404


def test_follow_on_the_page_then_email_on_publish_and_one_click_unsubscribe(
        people, intentions, consultation, signed_in, client,
        django_capture_on_commit_callbacks):
    parent = signed_in(people.parent)
    assert parent.post("/follow/", {"consultation": consultation.pk}).status_code == 302
    follow = Follow.objects.get(user=people.parent)
    assert follow.is_active and follow.consultation == consultation
    made = comment(author=people.young, intention=intentions.published)
    services.response_save(actor=people.commissioner, comment=made, body="Yes",
                           outcome="already-planned")
    close(consultation)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.consultation_publish_responses(actor=people.commissioner,
                                                consultation=consultation)
    (message,) = [m for m in mail.outbox if people.parent.email in m.to]
    assert "responses were published" in message.subject
    unsubscribe = link_in(message, "/follow/unsubscribe/")
    assert message.extra_headers["List-Unsubscribe"].endswith(f"{unsubscribe}>")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert FollowNotice.objects.filter(follow=follow).count() == 1
    client.logout()
    assert client.post(unsubscribe).status_code == 200  # one click, no form token
    follow.refresh_from_db()
    assert follow.unsubscribed_at is not None
    # A decision is made: nobody unsubscribed is told.
    mail.outbox.clear()
    from django.utils import timezone
    with django_capture_on_commit_callbacks(execute=True):
        services.milestone_set(actor=people.commissioner, intention=intentions.published,
                               kind="decision", achieved_on=timezone.localdate())
    assert not [m for m in mail.outbox if people.parent.email in m.to]


def test_public_follow_confirm_and_decision_email(
        people, intentions, consultation, client, area, django_capture_on_commit_callbacks):
    from django.utils import timezone

    url = f"/public/{area.slug}/consultations/{consultation.pk}/follow/"
    assert client.post(url, {"email": "bad"}).status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"email": "kim@example.org"}).status_code == 200
    follow = Follow.objects.get(email="kim@example.org")
    assert not follow.is_active
    confirm = link_in(mail.outbox[-1], "/follow/confirm/")
    client.post(confirm)
    follow.refresh_from_db()
    assert follow.is_active
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.milestone_set(actor=people.commissioner, intention=intentions.published,
                               kind="decision", achieved_on=timezone.localdate(),
                               evidence="Board decision 12")
    (message,) = mail.outbox
    assert message.to == ["kim@example.org"] and "a decision was made" in message.subject
    # The task is idempotent: running it again sends nothing.
    from commissioning.coproduction.tasks import send_follow_event
    event = FollowNotice.objects.get().event
    assert send_follow_event(event, intentions.published.pk) == 0
    # Honeypot: nothing kept.
    client.post(url, {"email": "bot@example.org", "website": "x"})
    assert not Follow.objects.filter(email="bot@example.org").exists()


def test_stage_change_emails_followers(people, intentions, signed_in,
                                       django_capture_on_commit_callbacks):
    from commissioning.coproduction.tasks import send_follow_event

    client = signed_in(people.parent)
    page = f"/intentions/{intentions.published.pk}/consultation/"
    assert "Follow this intention by e-mail" in client.get(page).content.decode()
    assert client.post("/follow/", {"intention": intentions.published.pk}).status_code == 302
    assert "Stop following this intention" in client.get(page).content.decode()
    follow = Follow.objects.get(user=people.parent, intention=intentions.published)
    assert send_follow_event("stage-1", intentions.published.pk) == 1
    assert FollowNotice.objects.filter(follow=follow, event="stage-1").exists()
    assert send_follow_event("stage-1", intentions.published.pk) == 0
    assert signed_in(people.other_parent).post(
        "/follow/", {"intention": intentions.published.pk}).status_code == 404
