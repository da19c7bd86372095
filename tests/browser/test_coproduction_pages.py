"""Co-production pages pass axe with zero violations for every role that uses them, and a
parent carer can comment using the keyboard alone (including the personal-data warning)."""
from types import SimpleNamespace

import pytest

from agencies.roles import Role
from commissioning.coproduction import services
from tests.browser.conftest import submit
from tests.factories.agencies import AgencyFactory
from tests.factories.coproduction import (
    IntentionFactory,
    close,
    comment,
    fresh_rate_limits,
    open_consultation,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(area, council, icb, make_member, settings):
    fresh_rate_limits(settings)
    forum = AgencyFactory(local_area=area, name="Testshire Parent Carer Forum",
                          kind="parent-carer-forum")
    people = SimpleNamespace(
        commissioner=make_member(council, Role.COMMISSIONER, username="b.comm"),
        parent=make_member(forum, Role.PARENT_CARER, username="b.parent"),
        young=make_member(forum, Role.YOUNG_PERSON, username="b.young"),
        admin=make_member(council, Role.ADMIN, username="b.admin"),
    )
    open_one = IntentionFactory(local_area=area, lead_agency=council, partners=[icb],
                                reference="TST-2026-010", title="Short breaks",
                                owner=people.commissioner)
    closed_one = IntentionFactory(local_area=area, lead_agency=council,
                                  reference="TST-2026-011", title="Respite care",
                                  owner=people.commissioner)
    consultation = open_consultation(actor=people.commissioner, intention=open_one)
    past = open_consultation(actor=people.commissioner, intention=closed_one,
                             title="Respite review")
    first = comment(author=people.parent, intention=open_one,
                    body="Saturday sessions please.\nSee https://example.org/survey")
    reply = comment(author=people.young, intention=open_one, body="Yes, and holiday clubs.",
                    in_reply_to=first, show_name=True)
    services.response_save(actor=people.commissioner, comment=first, body="Drafted answer",
                           outcome="changed-plan", what_changed="Saturday sessions added")
    answered = comment(author=people.parent, intention=closed_one, body="More overnight stays")
    services.response_save(actor=people.commissioner, comment=answered, body="Agreed",
                           outcome="changed-plan", what_changed="Overnight stays added")
    close(past)
    services.consultation_publish_responses(actor=people.commissioner, consultation=past,
                                            notify=False)
    services.milestone_set(actor=people.commissioner, intention=closed_one, kind="decision",
                           achieved_on=past.closes, evidence="JCG decision")
    services.comment_report(actor=people.parent, comment=reply, reason="Check this")
    return SimpleNamespace(people=people, open_one=open_one, closed_one=closed_one,
                           consultation=consultation, past=past, first=first, reply=reply)


def test_public_pages_without_sign_in(world, browser, check_page, area):
    page = browser.new_page()
    for path in ["", "you-said-we-did/", "transparency/", "open-data/"]:
        check_page(page, f"/public/{area.slug}/{path}")
    assert "Overnight stays added" in page.goto(
        page.url.replace("open-data/", "you-said-we-did/")).text()
    page.close()


def test_parent_carer_pages(world, browse, check_page):
    w = world
    page = browse(w.people.parent)
    for path in ["/", "/consultations/", f"/intentions/{w.open_one.pk}/consultation/",
                 f"/intentions/{w.closed_one.pk}/consultation/",
                 f"/intentions/{w.open_one.pk}/comments/new/",
                 f"/intentions/{w.open_one.pk}/comments/new/?in_reply_to={w.reply.pk}",
                 "/comments/mine/", f"/comments/{w.first.pk}/edit/",
                 f"/comments/{w.first.pk}/withdraw/", f"/comments/{w.reply.pk}/report/"]:
        check_page(page, path)
    # the error states are accessible too
    check_page(page, f"/intentions/{w.open_one.pk}/comments/new/")
    submit(page, "button:has-text('Post comment')")
    assert "There is a problem" in page.content()
    from tests.browser.conftest import axe_violations
    assert axe_violations(page) == []
    page.fill("#id_body", "Call me on 07700 900123")
    submit(page, "button:has-text('Post comment')")
    assert "seems to contain personal information" in page.content()
    assert axe_violations(page) == []


def test_commissioner_pages(world, browse, check_page):
    w = world
    page = browse(w.people.commissioner)
    for path in ["/", "/comments/awaiting-response/", f"/comments/{w.reply.pk}/respond/",
                 f"/intentions/{w.open_one.pk}/consultation/",
                 f"/intentions/{w.open_one.pk}/consultation/new/",
                 f"/consultations/{w.consultation.pk}/edit/",
                 f"/consultations/{w.past.pk}/publish-responses/",
                 f"/intentions/{w.closed_one.pk}/milestones/",
                 f"/consultations/{w.consultation.pk}/close/"]:
        check_page(page, path)
    # closing one already closed: the reason, no button (409)
    check_page(page, f"/consultations/{w.past.pk}/close/", status=409)
    assert "already closed" in page.content()
    assert "Close the consultation</button>" not in page.content()
    check_page(page, f"/comments/{w.reply.pk}/respond/")
    submit(page, "button:has-text('Save response')")
    assert "There is a problem" in page.content()
    from tests.browser.conftest import axe_violations
    assert axe_violations(page) == []


def test_moderator_pages(world, browse, check_page):
    w = world
    page = browse(w.people.admin)
    waiting = comment(author=w.people.young, intention=w.open_one, body="Please read me",
                      let_through=False)
    for path in ["/", "/comments/moderation/", "/comments/moderation/rules/",
                 "/comments/reported/", f"/comments/{w.reply.pk}/hide/",
                 f"/comments/{waiting.pk}/hide/",
                 f"/intentions/{w.open_one.pk}/consultation/"]:
        check_page(page, path)


def _tab_to(page, selector, limit=150):
    """Press Tab until the focused element matches `selector`; fail if it never does."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)",
                         selector):
            return
    raise AssertionError(f"could not reach {selector} with the keyboard")


def _enter(page):
    """Press Enter on the focused link or button and wait for the next page."""
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_keyboard_only_walk_through_commenting(world, browse, live_server):
    w = world
    page = browse(w.people.young)
    page.goto(f"{live_server.url}/intentions/{w.open_one.pk}/consultation/")
    # 1. a new comment, made public, posted with Enter
    _tab_to(page, "#id_body")
    page.keyboard.type("Evening sessions would help young people who work.")
    _tab_to(page, "#id_show_publicly")
    page.keyboard.press("Space")
    assert page.is_checked("#id_show_publicly")
    _tab_to(page, "#main-form button[type=submit]")
    _enter(page)
    # A young person's comment is pre-moderated: its author sees it, waiting.
    assert "Your comment was sent to the moderators" in page.content()
    assert "Evening sessions would help young people who work." in page.content()
    # 2. reply to the first comment: follow the Reply link from the keyboard
    _tab_to(page, f"a[href$='in_reply_to={w.first.pk}']")
    _enter(page)
    assert "Reply to a comment" in page.content()
    # 3. personal data: the warning, then confirm with the keyboard (no JavaScript needed)
    _tab_to(page, "#id_body")
    page.keyboard.type("My son Oliver (7) agrees.")
    _tab_to(page, "#main-form button[type=submit]")
    _enter(page)
    assert "seems to contain personal information" in page.content()
    _tab_to(page, "#id_confirm_personal_data")
    page.keyboard.press("Space")
    _tab_to(page, "#main-form button[type=submit]")
    _enter(page)
    assert "Your comment was sent to the moderators" in page.content()
    assert "My son Oliver (7) agrees." in page.content()
