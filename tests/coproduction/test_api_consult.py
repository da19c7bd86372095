"""The API of questions, answers, documents and follows; and the public answers endpoint
(no sign-in): what is saved, 400 on bad input, 429 over a limit, the honeypot, withdraw."""
import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from commissioning.coproduction.models import (
    Answer,
    ConsultationDocument,
    Follow,
    Question,
    Submission,
)
from tests.factories.coproduction import close

from .consult_helpers import draft_consultation, link_in, pdf_bytes, public_consultation

pytestmark = pytest.mark.django_db


@pytest.fixture
def consultation(people, intentions):
    return public_consultation(actor=people.commissioner, intention=intentions.published)


def test_questions_crud_and_order_in_draft(people, intentions, api):
    draft = draft_consultation(actor=people.commissioner, intention=intentions.published)
    client = api.as_user(people.commissioner)
    url = f"/api/v1/consultations/{draft.pk}/questions/"
    bad = client.post(url, {"text": "Pick", "kind": "one", "options": ["Only"]}, format="json")
    assert bad.status_code == 400 and "options" in bad.json()["errors"]
    assert client.post(url, {"kind": "text"}, format="json").status_code == 400
    first = client.post(url, {"text": "Why?"}, format="json").json()
    second = client.post(url, {"text": "Pick", "kind": "one", "options": ["A", "B"]},
                         format="json").json()
    assert (first["position"], second["position"], second["options"]) == (1, 2, ["A", "B"])
    ordered = client.post(f"{url}order/", {"order": [second["id"], first["id"]]},
                          format="json")
    assert [q["id"] for q in ordered.json()] == [second["id"], first["id"]]
    assert client.post(f"{url}order/", {"order": [first["id"]]}, format="json"
                       ).status_code == 400
    patched = client.patch(f"/api/v1/questions/{first['id']}/", {"kind": "scale"},
                           format="json")
    assert patched.status_code == 200 and patched.json()["kind"] == "scale"
    assert client.delete(f"/api/v1/questions/{second['id']}/").status_code == 204
    assert list(Question.objects.values_list("text", flat=True)) == ["Why?"]
    # Others: the parent carer reads but may not change them.
    parent = api.as_user(people.parent)
    assert parent.get(url).status_code == 200
    assert parent.post(url, {"text": "Mine?"}, format="json").status_code == 404
    assert api.as_user(people.other_parent).get(url).status_code == 404


def test_open_consultation_questions_cannot_change(people, consultation, api):
    client = api.as_user(people.commissioner)
    response = client.post(f"/api/v1/consultations/{consultation.pk}/questions/",
                           {"text": "Late?"}, format="json")
    assert response.status_code == 409


def test_signed_in_answers_summary_and_withdraw(people, consultation, api):
    text, days, where, scale = consultation.question_items.order_by("position")
    client = api.as_user(people.parent)
    url = f"/api/v1/consultations/{consultation.pk}/answers/"
    bad = client.post(url, {"answers": {str(scale.pk): 9, str(where.pk): "West"}},
                      format="json")
    assert bad.status_code == 400
    assert set(bad.json()["errors"]) == {f"q{scale.pk}", f"q{where.pk}"}
    assert not Answer.objects.exists()
    assert client.post(url, {"answers": {"999999": "x"}}, format="json").status_code == 400
    ok = client.post(url, {"answers": {str(text.pk): "Clubs", str(days.pk): ["Saturdays"],
                                       str(where.pk): "North", str(scale.pk): 3}},
                     format="json")
    assert ok.status_code == 201, ok.json()
    assert ok.json()["answers"] == {str(text.pk): "Clubs", str(days.pk): ["Saturdays"],
                                    str(where.pk): "North", str(scale.pk): 3}
    summary = api.as_user(people.commissioner).get(
        f"/api/v1/consultations/{consultation.pk}/summary/").json()
    assert summary["counts"]["counted"] == 1
    assert summary["questions"][3]["average"] == 3.0
    assert api.as_user(people.parent).get(f"/api/v1/consultations/{consultation.pk}/summary/"
                                          ).status_code == 404
    client = api.as_user(people.parent)
    assert client.delete(url).json()["status"] == "withdrawn"
    assert client.post(url, {"answers": {str(text.pk): "Again"}}, format="json"
                       ).status_code == 409


def test_public_answers_confirm_withdraw(client, area, consultation,
                                         django_capture_on_commit_callbacks):
    text, days, where, scale = consultation.question_items.order_by("position")
    url = f"/api/v1/public/{area.slug}/consultations/{consultation.pk}/answers/"
    bad = client.post(url, {"email": "nope", "answers": {}}, content_type="application/json")
    assert bad.status_code == 400 and "email" in bad.json()["errors"]
    bad = client.post(url, {"email": "a@example.org", "answers": {str(scale.pk): 0}},
                      content_type="application/json")
    assert bad.status_code == 400
    assert not Submission.objects.exists()  # nothing half-saved
    with django_capture_on_commit_callbacks(execute=True):
        ok = client.post(url, {"email": "A@Example.org", "public": True, "answers": {
            str(text.pk): "More clubs", str(days.pk): ["Sundays"]}},
            content_type="application/json")
    assert ok.status_code == 202
    submission = Submission.objects.get()
    assert (submission.email, submission.show_publicly, submission.confirmed_at) == (
        "a@example.org", True, None)
    withdraw = link_in(mail.outbox[-1], "/withdraw/")
    assert client.post(withdraw).status_code == 200
    submission.refresh_from_db()
    assert submission.status == "withdrawn"


def test_public_api_honeypot_and_rate_limit(client, area, consultation, settings):
    settings.COPRODUCTION_PUBLIC_RATE_PER_IP = "3/h"
    question = consultation.question_items.first()
    url = f"/api/v1/public/{area.slug}/consultations/{consultation.pk}/answers/"
    body = {"email": "bot@example.org", "website": "spam", "answers": {str(question.pk): "x"}}
    assert client.post(url, body, content_type="application/json").status_code == 202
    assert not Submission.objects.exists()
    codes = [client.post(url, {**body, "website": "", "email": f"p{i}@example.org"},
                         content_type="application/json").status_code for i in range(3)]
    assert codes == [202, 202, 429]
    assert Submission.objects.count() == 2


def test_public_list_and_detail(client, area, consultation, people, intentions):
    listing = client.get(f"/api/v1/public/{area.slug}/consultations/?q=short").json()
    assert [c["id"] for c in listing["open"]] == [consultation.pk]
    detail = client.get(f"/api/v1/public/{area.slug}/consultations/{consultation.pk}/").json()
    assert len(detail["questions"]) == 4 and detail["decision"] is None
    assert client.get(f"/api/v1/public/{area.slug}/consultations/999999/").status_code == 404


def test_documents_and_follows(people, consultation, intentions, api):
    client = api.as_user(people.commissioner)
    url = f"/api/v1/consultations/{consultation.pk}/documents/"
    bad = client.post(url, {"title": "Spec", "file": SimpleUploadedFile("spec.pdf", b"hello")},
                      format="multipart")
    assert bad.status_code == 400 and "file" in bad.json()["errors"]
    made = client.post(url, {"title": "Spec", "kind": "summary",
                             "file": SimpleUploadedFile("spec.pdf", pdf_bytes())},
                       format="multipart")
    assert made.status_code == 201 and made.json()["content_type"] == "application/pdf"
    assert [d["title"] for d in api.as_user(people.parent).get(url).json()] == ["Spec"]
    assert api.as_user(people.parent).post(url, {}, format="multipart").status_code == 404
    assert api.as_user(people.commissioner).delete(
        f"/api/v1/documents/{made.json()['id']}/").status_code == 204
    assert ConsultationDocument.objects.get().removed_at is not None
    parent = api.as_user(people.parent)
    assert parent.post("/api/v1/follows/", {}, format="json").status_code == 400
    follow = parent.post("/api/v1/follows/", {"intention": intentions.published.pk},
                         format="json")
    assert follow.status_code == 201
    assert [f["intention"] for f in parent.get("/api/v1/follows/").json()] == [
        intentions.published.pk]
    assert api.as_user(people.other_parent).post(
        "/api/v1/follows/", {"intention": intentions.published.pk}, format="json"
    ).status_code == 404
    assert api.as_user(people.other_parent).delete(
        f"/api/v1/follows/{follow.json()['id']}/").status_code == 404
    assert api.as_user(people.parent).delete(
        f"/api/v1/follows/{follow.json()['id']}/").status_code == 204
    assert Follow.objects.get().unsubscribed_at is not None


def test_we_did_after_closing_through_the_api(people, consultation, api):
    question = consultation.question_items.first()
    client = api.as_user(people.commissioner)
    assert client.patch(f"/api/v1/questions/{question.pk}/", {"we_did": "Done"},
                        format="json").status_code == 409
    close(consultation)
    assert client.patch(f"/api/v1/questions/{question.pk}/", {"we_did": "Done"},
                        format="json").json()["we_did"] == "Done"
