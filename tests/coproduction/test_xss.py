"""Every text field, filled with each of 60+ XSS payloads, is inert in every page and the API.

One area holds an intention per payload, with the payload as its title and summary, the
consultation's title, description and question, a comment, a reply, the response's body,
reason and what-changed, a moderator's reason, a report's reason, a milestone's evidence
and note, and a named author. Pages are parsed: no element, attribute, URL scheme or
script may come from the data. The API returns the text verbatim as JSON.
"""
from datetime import timedelta

import pytest
from django.utils import timezone

from agencies.roles import Role
from commissioning.coproduction import services
from tests.coproduction.html_check import injection_problems
from tests.coproduction.xss_payloads import PAYLOADS
from tests.factories.coproduction import IntentionFactory, close

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(area, council, icb, people, forum, make_member):
    named = make_member(forum, Role.PARENT_CARER, username="named",
                        first_name=PAYLOADS[7][:150], last_name=PAYLOADS[23][:150])
    today = timezone.localdate()
    made = []
    for i, payload in enumerate(PAYLOADS):
        intention = IntentionFactory(local_area=area, lead_agency=council, partners=[icb],
                                     reference=f"TST-X-{i:03d}", title=payload[:250],
                                     summary=payload, owner=people.commissioner)
        consultation = services.consultation_create(
            actor=people.commissioner, intention=intention, title=f"{i} {payload}"[:200],
            description=payload, questions=[payload], audiences=["parent-carers", "public"],
            opens=today - timedelta(days=10), closes=today + timedelta(days=5), notify=False)
        author = named if i % 2 else people.parent
        comment = services.comment_create(actor=author, intention=intention, body=payload,
                                          show_publicly=True, show_name=bool(i % 2),
                                          confirm_personal_data=True)
        reply = services.comment_create(actor=people.young, intention=intention,
                                        body=payload + "\nreply", in_reply_to=comment,
                                        show_publicly=True, confirm_personal_data=True)
        # A young person's comment is pre-moderated: a moderator lets it through.
        reply = services.comment_approve(actor=people.admin, comment=reply)
        outcome = ["changed-plan", "already-planned", "not-taken-forward",
                   "under-consideration"][i % 4]
        services.response_save(actor=people.commissioner, comment=comment, body=payload,
                               outcome=outcome, reason=payload, what_changed=payload)
        hidden = services.comment_create(actor=people.parent, intention=intention,
                                         body="to hide " + payload, confirm_personal_data=True)
        services.comment_report(actor=people.parent, comment=reply, reason=payload)
        services.comment_hide(actor=people.admin, comment=hidden, reason=payload, notify=False)
        services.milestone_set(actor=people.commissioner, intention=intention, kind="decision",
                               planned_on=today, evidence=payload[:250], note=payload)
        made.append((intention, consultation, comment, reply))
    # close and publish half, so both draft and published responses are rendered
    for _intention, consultation, *_ in made[::2]:
        close(consultation)
        services.consultation_publish_responses(actor=people.commissioner,
                                                consultation=consultation, notify=False)
    return made


def _check(response, where):
    assert response.status_code == 200, where
    problems = injection_problems(response.content.decode())
    assert problems == [], f"{where}: {problems}"


def test_pages_render_every_payload_inert(loaded, people, area, signed_in):
    for user in (people.parent, people.commissioner, people.admin):
        client = signed_in(user)
        for intention, *_ in loaded:
            page = client.get(f"/intentions/{intention.pk}/consultation/")
            _check(page, f"consultation page of {intention.reference} as {user}")
            assert "&lt;" in page.content.decode() or "<" not in intention.title
        for path in ["/", "/consultations/", "/comments/mine/", "/comments/awaiting-response/",
                     "/comments/reported/"]:
            response = client.get(path)
            if response.status_code != 404:
                _check(response, f"{path} as {user}")
    client = signed_in(people.commissioner)
    intention, consultation, comment, reply = loaded[1]
    for path in [f"/comments/{comment.pk}/respond/", f"/comments/{reply.pk}/report/",
                 f"/consultations/{consultation.pk}/edit/",
                 f"/consultations/{loaded[0][1].pk}/publish-responses/",
                 f"/intentions/{intention.pk}/milestones/",
                 f"/intentions/{intention.pk}/comments/new/?in_reply_to={comment.pk}"]:
        _check(client.get(path), path)
    _check(signed_in(people.young).get(f"/comments/{reply.pk}/edit/"), "edit form")


def test_public_pages_render_every_payload_inert(loaded, area, client):
    for path in ["you-said-we-did/", "transparency/", "open-data/", ""]:
        _check(client.get(f"/public/{area.slug}/{path}"), path)
    page = client.get(f"/public/{area.slug}/you-said-we-did/").content.decode()
    assert "&lt;script&gt;alert(&#x27;XSS&#x27;)&lt;/script&gt;" in page


def test_open_data_and_api_return_text_verbatim_as_json(loaded, area, client, api, people):
    bodies = {c.body for _, _, c, _ in loaded}
    for url in [f"/api/v1/public/{area.slug}/you-said-we-did/",
                f"/public/{area.slug}/open-data/you-said-we-did.json"]:
        response = client.get(url)
        assert response["Content-Type"].startswith("application/json")
        rows = response.json()["results" if "/api/" in url else "rows"]
        said = {row["you_said"] for row in rows}
        assert bodies <= said
    csv = client.get(f"/public/{area.slug}/open-data/intentions.csv")
    assert csv["Content-Type"].startswith("text/csv")
    api.as_user(people.commissioner)
    for intention, _, comment, _ in loaded:
        response = api.get(f"/api/v1/intentions/{intention.pk}/comments/")
        assert response["Content-Type"].startswith("application/json")
        results = response.json()["results"]
        first = next(r for r in results if r["id"] == comment.pk)
        assert first["body"] == comment.body
        assert injection_problems(first["body_html"]) == []
        assert injection_problems(first["response"]["body_html"]) == []
        assert first["response"]["reason"] == comment.body.strip()
