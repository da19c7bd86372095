"""Journey 5: a parent carer comments on an open consultation, a commissioner answers, the
consultation closes, the responses are published and the public "You said, we did" page
shows the comment and what changed — through the pages only.
"""
import pytest

from agencies.roles import Role
from commissioning.coproduction.models import Comment, Response
from tests.factories.agencies import AgencyFactory, member
from tests.factories.coproduction import (
    IntentionFactory,
    close,
    fresh_rate_limits,
    open_consultation,
)

from .conftest import button, follow, link, main_text, nav

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SAID = "Please run short breaks on Saturdays: our children cannot manage after school."
DID = "Saturday sessions added at two centres from April."


@pytest.fixture
def world(area, council, icb, settings):
    fresh_rate_limits(settings)
    forum = AgencyFactory(local_area=area, name="Testshire Parent Carer Forum",
                          kind="parent-carer-forum")
    commissioner = member(council, Role.COMMISSIONER, username="j.commissioner")
    carer = member(forum, Role.PARENT_CARER, username="j.carer",
                   email="carer@example.org")
    intention = IntentionFactory(local_area=area, lead_agency=council, partners=[icb],
                                 reference="TST-2026-020", title="Short breaks",
                                 owner=commissioner)
    consultation = open_consultation(actor=commissioner, intention=intention,
                                     title="Short breaks review")
    return {"commissioner": commissioner, "carer": carer, "intention": intention,
            "consultation": consultation}


def test_a_comment_is_answered_and_shown_publicly(world, area, browse, browser, visit,
                                                  fresh_mail):
    consultation, carer = world["consultation"], world["carer"]

    # The parent carer comments from the consultations list.
    page = browse(carer)
    visit(page, "/")
    follow(page, nav(page, "Consultations"))
    follow(page, link(page, "Short breaks review", exact=True))
    page.fill("#id_body", SAID)
    page.get_by_label("You may show my comment", exact=False).check()
    follow(page, button(page, "Post comment"))
    comment = Comment.objects.get(author=carer)
    assert (comment.body, comment.consultation_id, comment.show_publicly) == (
        SAID, consultation.pk, True)
    banner = page.locator(".govuk-notification-banner--success")
    assert banner.count() == 1 and banner.is_visible()
    box = banner.bounding_box()
    assert 0 <= box["y"] < page.viewport_size["height"], \
        "the success banner is off-screen after posting a comment"
    page.context.close()

    # The commissioner answers from the home page; the answer waits for the closing date.
    page = browse(world["commissioner"])
    visit(page, "/")
    follow(page, link(page, f"{world['intention'].reference}: comment from"))
    assert page.get_by_label("Publish it now").count() == 0, \
        "the response form offers to publish now while the consultation is open"
    page.get_by_label("Changed the plan", exact=True).check()
    page.fill("#id_body", "Thank you: we heard this from many families.")
    page.fill("#id_what_changed", DID)
    follow(page, button(page, "Save response"))
    response = Response.objects.get(comment=comment)
    assert (response.status, response.what_changed, response.author_id) == (
        "draft", DID, world["commissioner"].pk)

    # The consultation closes (as time would); the commissioner publishes the responses.
    close(consultation)
    visit(page, f"/intentions/{world['intention'].pk}/consultation/")
    follow(page, link(page, "Publish responses"))
    follow(page, button(page, "Publish all drafted responses"))
    response.refresh_from_db()
    consultation.refresh_from_db()
    assert response.status == "published" and consultation.responses_published_at
    assert any(carer.email in m.to for m in fresh_mail), [m.to for m in fresh_mail]
    assert DID in main_text(page)
    page.context.close()

    # Anyone, signed out, reads it on the public page.
    public = browser.new_context().new_page()
    visit(public, f"/public/{area.slug}/you-said-we-did/")
    text = main_text(public)
    assert SAID in text and DID in text
    assert "a parent carer" in text.lower()
    public.context.close()
