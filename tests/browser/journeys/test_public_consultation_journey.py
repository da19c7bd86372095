"""Journey: a member of the public answers a Worcestershire consultation question by
question (no account), confirms their e-mail address by the link, follows the consultation;
a moderator lets the answers through; the consultation closes, commissioners record what
they did and the decision; the person reads "we asked, you said, we did" and the follow
e-mail arrives — every page through axe.
"""
import re

import pytest
from django.conf import settings
from django.utils import timezone

from agencies.models import User
from commissioning.coproduction import services
from commissioning.coproduction.models import Consultation, Follow, Submission
from tests.factories.coproduction import close, fresh_rate_limits

from .conftest import button, follow, link, main_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Redesigning the autism pathway with families"
SAID = "A named contact while we wait would have made all the difference."
DID = "Every family on the waiting list now has a named contact."


@pytest.fixture
def worcestershire(transactional_db, settings):
    from portal import area_files

    fresh_rate_limits(settings)
    return area_files.load(settings.BASE_DIR / "demo" / "areas" / "worcestershire.yaml",
                           password=settings.DEMO_PASSWORD)


def _mail_link(outbox, to, pattern):
    for message in reversed(outbox):
        if to in message.to:
            found = re.search(r"https?://[^/\s]+(\S*?" + pattern + r"\S*)", message.body)
            if found:
                return found.group(1)
    raise AssertionError(f"no e-mail to {to} with {pattern}: {[m.to for m in outbox]}")


def test_the_public_answer_question_by_question_and_later_see_what_was_done(
        worcestershire, browser, browse, visit, live_server, fresh_mail):
    consultation = Consultation.objects.get(title=TITLE)
    email = "sam.parent@example.org"
    page = browser.new_context().new_page()

    # From the area's public front page to the consultation.
    visit(page, "/public/worcestershire/")
    follow(page, link(page, "Consultations", exact=True))
    follow(page, link(page, TITLE, exact=True))
    follow(page, button(page, "Answer the questions"))
    page.fill("#id_email", email)
    follow(page, button(page, "Start"))

    # One question on each page.
    assert "Question 1 of 5" in main_text(page)
    page.fill("textarea[name=answer]", SAID)
    follow(page, button(page, "Continue"))
    page.get_by_label("A named contact", exact=True).check()
    page.get_by_label("Parent workshops", exact=True).check()
    follow(page, button(page, "Continue"))
    page.get_by_label("At a local family hub", exact=True).check()
    follow(page, button(page, "Continue"))
    page.get_by_label("2", exact=True).check()
    follow(page, button(page, "Continue"))
    follow(page, button(page, "Continue"))  # the last question may be left blank
    assert SAID in main_text(page) and "Parent workshops" in main_text(page)
    page.get_by_label("You may show my written answers", exact=False).check()
    follow(page, button(page, "Send my answers"))
    assert "Check your e-mail" in main_text(page)
    submission = Submission.objects.get(email=email)
    assert (submission.status, submission.show_publicly, submission.confirmed_at) == (
        "submitted", True, None)
    assert {a.question.position: (a.text, a.choices, a.scale)
            for a in submission.answers.select_related("question")} == {
        1: (SAID, [], None), 2: ("", ["A named contact", "Parent workshops"], None),
        3: ("", ["At a local family hub"], None), 4: ("", [], 2)}

    # The e-mailed link confirms the address.
    visit(page, _mail_link(fresh_mail, email, "/confirm/"))
    follow(page, button(page, "Confirm my answers"))
    submission.refresh_from_db()
    assert submission.confirmed_at is not None and submission.approved_at is None

    # They follow the consultation by e-mail, confirmed by a link too.
    visit(page, f"/public/worcestershire/consultations/{consultation.pk}/")
    follow(page, link(page, "Get e-mails about this consultation"))
    page.fill("#id_email", email)
    follow(page, button(page, "Send me e-mails"))
    visit(page, _mail_link(fresh_mail, email, "/follow/confirm/"))
    follow(page, button(page, "Confirm"))
    assert Follow.objects.get(email=email).is_active
    page.context.close()

    # A moderator lets the answers through from the existing queue.
    admin = User.objects.get(username="worcestershire.admin")
    moderator = browse(admin, password=settings.DEMO_PASSWORD)
    visit(moderator, "/comments/moderation/")
    assert SAID in main_text(moderator)
    follow(moderator, button(moderator, "Let these answers through"))
    submission.refresh_from_db()
    assert submission.approved_by == admin
    moderator.context.close()

    # Time passes: the consultation closes; commissioners record what they did and the
    # decision (followers are e-mailed about the decision).
    close(consultation)
    commissioner = User.objects.get(username="tom.hughes")
    first = consultation.question_items.order_by("position").first()
    services.question_we_did(actor=commissioner, question=first, we_did=DID)
    fresh_mail.clear()
    services.milestone_set(actor=commissioner, intention=consultation.intention,
                           kind="decision", achieved_on=timezone.localdate(),
                           evidence="Joint commissioning board, decision 14")
    to_them = [m for m in fresh_mail if email in m.to]
    assert len(to_them) == 1 and "a decision was made" in to_them[0].subject
    assert to_them[0].extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # Later, they see "we asked, you said, we did".
    later = browser.new_context().new_page()
    visit(later, "/public/worcestershire/consultations/")
    follow(later, link(later, TITLE, exact=True))
    text = main_text(later)
    assert "We asked" in text and SAID in text and DID in text
    assert "Joint commissioning board, decision 14" in text
    assert email not in text
    later.context.close()
