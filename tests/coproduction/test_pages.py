"""Page flows (no JavaScript): respond, publish together, hide, report, withdraw,
open a consultation, milestones; a bad form answers 400 with the error summary."""
import pytest
from django.core import mail

from commissioning.coproduction.models import (
    Comment,
    CommentReport,
    CommentStatus,
    Consultation,
    Milestone,
    ResponseStatus,
)
from commissioning.coproduction.selectors import intention_panel
from tests.factories.coproduction import close, comment

pytestmark = pytest.mark.django_db(transaction=True)


def test_comment_on_the_consultation_page(people, intentions, consultation, signed_in):
    client = signed_in(people.parent)
    page = client.get(f"/intentions/{intentions.published.pk}/consultation/").content.decode()
    assert "What would help your family most?" in page and "days left" in page
    response = client.post(f"/intentions/{intentions.published.pk}/comments/new/",
                           {"body": "Saturday please", "show_publicly": "on"})
    assert response.status_code == 302
    assert response["Location"].endswith(f"#comment-{Comment.objects.get().pk}")
    page = client.get(response["Location"]).content.decode()
    assert "Saturday please" in page and "Your comment was posted" in page


def test_blank_comment_is_400_with_error_summary(people, intentions, signed_in):
    response = signed_in(people.parent).post(
        f"/intentions/{intentions.published.pk}/comments/new/", {"body": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html and 'href="#id_body"' in html


def test_reply_shows_the_parent_and_posts_in_thread(people, intentions, signed_in):
    first = comment(author=people.parent, intention=intentions.published, body="First point")
    client = signed_in(people.young)
    url = f"/intentions/{intentions.published.pk}/comments/new/?in_reply_to={first.pk}"
    assert "First point" in client.get(url).content.decode()
    client.post(f"/intentions/{intentions.published.pk}/comments/new/",
                {"body": "Agreed", "in_reply_to": first.pk})
    assert Comment.objects.get(body="Agreed").in_reply_to == first
    assert client.get(f"/intentions/{intentions.published.pk}/comments/new/"
                      "?in_reply_to=99999").status_code == 404


def test_respond_draft_then_publish_all_from_the_page(people, intentions, consultation,
                                                      signed_in):
    c = comment(author=people.parent, intention=intentions.published)
    client = signed_in(people.commissioner)
    response = client.post(f"/comments/{c.pk}/respond/", {"outcome": "changed-plan",
                                                         "body": "We will"})
    assert response.status_code == 400
    assert "Enter what changed in the plan" in response.content.decode()
    response = client.post(f"/comments/{c.pk}/respond/", {
        "outcome": "changed-plan", "body": "We will", "what_changed": "Saturdays added"})
    assert response.status_code == 302
    awaiting = client.get("/comments/awaiting-response/").content.decode()
    assert "Change draft" in awaiting and "Draft: Changed the plan" in awaiting
    publish = f"/consultations/{consultation.pk}/publish-responses/"
    refused = client.post(publish)
    assert refused.status_code == 409 and "after the consultation closes" in \
        refused.content.decode()
    close(consultation)
    mail.outbox.clear()
    assert client.post(publish).status_code == 302
    c.refresh_from_db()
    assert c.status == CommentStatus.ANSWERED and c.response.status == ResponseStatus.PUBLISHED
    assert len(mail.outbox) == 1
    page = signed_in(people.parent).get(
        f"/intentions/{intentions.published.pk}/consultation/").content.decode()
    assert "Saturdays added" in page and "What changed because of what people said" in page


def test_hide_report_withdraw_from_pages(people, intentions, signed_in):
    c = comment(author=people.parent, intention=intentions.published, body="Bad words")
    assert signed_in(people.young).post(f"/comments/{c.pk}/report/",
                                        {"reason": "Rude"}).status_code == 302
    assert CommentReport.objects.count() == 1
    admin = signed_in(people.admin)
    assert "Rude" in admin.get("/comments/reported/").content.decode()
    assert admin.post(f"/comments/{c.pk}/hide/", {"reason": ""}).status_code == 400
    assert admin.post(f"/comments/{c.pk}/hide/", {"reason": "Offensive"}).status_code == 302
    c.refresh_from_db()
    assert c.status == CommentStatus.HIDDEN
    mine = comment(author=people.parent, intention=intentions.published, body="Mine")
    client = signed_in(people.parent)
    assert client.get(f"/comments/{mine.pk}/withdraw/").status_code == 200
    assert client.post(f"/comments/{mine.pk}/withdraw/").status_code == 302
    mine.refresh_from_db()
    assert mine.status == CommentStatus.WITHDRAWN
    assert client.post(f"/comments/{mine.pk}/withdraw/").status_code == 403


def test_edit_page(people, intentions, signed_in):
    c = comment(author=people.parent, intention=intentions.published, body="Typo")
    client = signed_in(people.parent)
    response = client.post(f"/comments/{c.pk}/edit/", {"body": "born on 01/02/2014"})
    assert response.status_code == 400 and "date of birth" in response.content.decode()
    assert client.post(f"/comments/{c.pk}/edit/", {"body": "Fixed"}).status_code == 302
    c.refresh_from_db()
    assert c.body == "Fixed"
    assert signed_in(people.young).get(f"/comments/{c.pk}/edit/").status_code == 404


def test_open_a_consultation_and_record_milestones(people, intentions, signed_in):
    client = signed_in(people.icb_commissioner)
    url = f"/intentions/{intentions.published.pk}/consultation/new/"
    bad = client.post(url, {"title": "", "opens": "2026-13-01"})
    assert bad.status_code == 400 and "There is a problem" in bad.content.decode()
    ok = client.post(url, {"title": "Have your say", "questions": "One?\nTwo?",
                           "audiences": ["parent-carers"], "opens": "2026-01-01",
                           "closes": "2026-02-01"})
    assert ok.status_code == 302
    assert Consultation.objects.get().questions == ["One?", "Two?"]
    url = f"/intentions/{intentions.published.pk}/milestones/"
    assert client.post(url, {"kind": "decision", "achieved_on": "2099-01-01"}).status_code == 400
    assert client.post(url, {"kind": "decision", "achieved_on": "2026-01-05",
                             "evidence": "Board minute 4"}).status_code == 302
    assert Milestone.objects.get().evidence == "Board minute 4"


def test_intention_panel_for_the_intention_page(people, intentions, consultation):
    comment(author=people.parent, intention=intentions.published)
    panel = intention_panel(actor=people.parent, intention=intentions.published)
    assert panel["current"] == consultation and panel["days_left"] == 14
    assert panel["comment_count"] == 1 and panel["awaiting_count"] == 1
    assert panel["can_comment"] and not panel["can_manage"]
    from django.template.loader import render_to_string
    html = render_to_string("coproduction/intention_panel.html", {"panel": panel})
    assert "14 days left" in html and "Read and add comments" in html
