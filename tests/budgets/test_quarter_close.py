"""Issue 16: a quarter is closed by every partner. The pooled fund manager submits it; a
finance officer of each contributing partner confirms it or returns it with a reason; it is
final when every partner has confirmed; reopening needs a reason and every confirmation
again. Through the services, the pages and the API, with the e-mails and the audit."""
from datetime import date

import pytest

from agencies.roles import Role
from commissioning.budgets import services
from commissioning.budgets.models import QuarterConfirmation, QuarterSnapshot
from commissioning.budgets.position import position_of
from portal.errors import ApplicationError
from tests.factories import budgets as make
from tests.factories.agencies import AgencyFactory, member

AFTER_Q2 = date(2025, 10, 3)
YEAR = "2025-26"
BASE = "/api/v1/pooled-budgets/"


_capture = []


@pytest.fixture(autouse=True)
def _on_commit(django_capture_on_commit_callbacks):
    """Run what the services queue on commit (the e-mails), as a real commit would."""
    _capture[:] = [django_capture_on_commit_callbacks]
    yield
    _capture.clear()


def committed(service, **kwargs):
    with _capture[0](execute=True):
        return service(**kwargs)


def submit(s75, actor, quarter=2, today=AFTER_Q2):
    return committed(services.quarter_submit, actor=actor, agreement=s75["agreement"],
                     year=YEAR, quarter=quarter, today=today)


def confirm(s75, actor, agency, quarter=2):
    return committed(services.quarter_confirm, actor=actor, agreement=s75["agreement"],
                     year=YEAR, quarter=quarter, agency=agency)


def test_closed_only_when_every_partner_confirms(s75, manager, finance, icb_finance, council,
                                                 icb, mailoutbox, settings):
    settings.SITE_URL = "https://portal.example.org"
    snapshot = submit(s75, manager)
    assert snapshot.status == "submitted" and snapshot.round == 1
    assert sorted(snapshot.contributing_agency_ids) == sorted([council.pk, icb.pk])
    # frozen while the partners look at it: what they confirm is what is stored
    assert position_of(s75["agreement"], YEAR, 2)["frozen"] is True
    with pytest.raises(ApplicationError) as caught:
        make.spend(s75["s1"], date(2025, 8, 1), "10.00", "Late invoice")
    assert caught.value.status == 409
    # one e-mail per contributing partner's finance officers, with a link to confirm
    asks = [m for m in mailoutbox if m.subject.startswith("Confirm the quarter")]
    assert len(asks) == 2
    by_recipient = {tuple(m.to): m.body for m in asks}
    assert (f"https://portal.example.org/pooled-budgets/{s75['agreement'].pk}/quarters/"
            f"{YEAR}/2/confirm/?agency={icb.pk}") in by_recipient[("icbfin@example.org",)]
    assert "pfm@example.org" not in {r for m in asks for r in m.to}  # the submitter

    # the submitter cannot confirm for their own partner, nor anyone for another partner
    with pytest.raises(ApplicationError, match="submitted the quarter cannot"):
        confirm(s75, manager, council)
    with pytest.raises(ApplicationError, match="finance officer of the partner") as caught:
        confirm(s75, icb_finance, council)
    assert caught.value.status == 403

    mailoutbox.clear()
    confirm(s75, finance, council)
    assert QuarterSnapshot.objects.get().status == "submitted"
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["pfm@example.org"]
    assert mailoutbox[0].subject.startswith(
        f"Confirmed by {council}: Complex cases pooled fund: Q2 2025-26")
    with pytest.raises(ApplicationError, match="already answered"):
        confirm(s75, finance, council)
    confirm(s75, icb_finance, icb)
    snapshot = QuarterSnapshot.objects.get()
    assert snapshot.status == "closed" and snapshot.closed_at is not None
    closed = mailoutbox[-1]
    assert closed.subject.startswith("Closed:")
    assert set(closed.to) == {"pfm@example.org", "fin@example.org", "icbfin@example.org"}
    # audited: each confirmation and the final close, by the person
    answers = QuarterConfirmation.objects.order_by("at")
    assert [(a.agency, a.person, a.decision, a.sha256) for a in answers] == [
        (council, finance, "confirmed", snapshot.sha256),
        (icb, icb_finance, "confirmed", snapshot.sha256)]
    assert answers[0].history.first().history_user == finance
    assert snapshot.history.first().history_user == icb_finance
    assert snapshot.history.last().history_user == manager


def test_return_unfreezes_and_a_new_submission_needs_everyone_again(
        s75, manager, finance, icb_finance, council, icb, mailoutbox):
    submit(s75, manager)
    confirm(s75, finance, council)
    with pytest.raises(ApplicationError, match="Say why"):
        services.quarter_return(actor=icb_finance, agreement=s75["agreement"], year=YEAR,
                                quarter=2, agency=icb, reason="no")
    mailoutbox.clear()
    committed(services.quarter_return, actor=icb_finance, agreement=s75["agreement"],
              year=YEAR, quarter=2, agency=icb, reason="The August hoists are missing")
    assert QuarterSnapshot.objects.get().status == "returned"
    assert mailoutbox[0].to == ["pfm@example.org"]
    assert "The August hoists are missing" in mailoutbox[0].body
    # live again: the manager corrects and submits anew
    make.spend(s75["s3"], date(2025, 8, 20), "900.00", "August hoists", source=icb)
    snapshot = submit(s75, manager)
    assert snapshot.round == 2 and snapshot.position["spend_to_date"] == "272900.00"
    confirm(s75, icb_finance, icb)
    assert QuarterSnapshot.objects.get().status == "submitted"  # the council's earlier
    confirm(s75, finance, council)                             # answer does not count
    assert QuarterSnapshot.objects.get().status == "closed"


def test_reopening_needs_every_confirmation_again(s75, manager, finance, icb_finance,
                                                  council, icb, make_member, mailoutbox):
    approver = make_member(council, Role.APPROVER, username="appr", limit=1000)
    submit(s75, manager)
    confirm(s75, finance, council)
    confirm(s75, icb_finance, icb)
    mailoutbox.clear()
    committed(services.quarter_reopen, actor=approver, agreement=s75["agreement"], year=YEAR,
              quarter=2, reason="A July invoice was missed")
    assert mailoutbox[0].subject.startswith("Reopened:")
    assert {"pfm@example.org", "fin@example.org", "icbfin@example.org"} <= \
        set(mailoutbox[0].to)
    snapshot = submit(s75, manager)
    assert snapshot.round == 2 and snapshot.status == "submitted"
    confirm(s75, finance, council)
    assert QuarterSnapshot.objects.get().status == "submitted"
    confirm(s75, icb_finance, icb)
    assert QuarterSnapshot.objects.get().status == "closed"


def test_tampered_figures_cannot_be_confirmed(s75, manager, finance, council):
    snapshot = submit(s75, manager)
    QuarterSnapshot.objects.filter(pk=snapshot.pk).update(
        position={**snapshot.position, "spend_to_date": "1.00"})
    with pytest.raises(ApplicationError, match="no longer match") as caught:
        confirm(s75, finance, council)
    assert caught.value.status == 409
    assert not QuarterConfirmation.objects.exists()


def test_a_partner_contributing_nothing_is_not_asked(area, council, icb, manager, finance,
                                                     make_member):
    third = AgencyFactory(local_area=area, name="Testshire Schools Forum", code="SF1")
    third_finance = make_member(third, Role.FINANCE, username="sf")
    agreement = make.agreement(area, [council, icb, third], host=council)
    make.schedule(agreement, "S1", contributions={council: "1000.00", icb: "500.00"})
    s75 = {"agreement": agreement}
    snapshot = submit(s75, manager, quarter=1)
    assert third.pk not in snapshot.contributing_agency_ids
    with pytest.raises(ApplicationError, match="contributes nothing"):
        confirm(s75, third_finance, third, quarter=1)


def test_submitting_before_the_end_or_twice_is_refused(s75, manager):
    with pytest.raises(ApplicationError, match="has not ended"):
        submit(s75, manager, quarter=3)
    submit(s75, manager)
    with pytest.raises(ApplicationError, match="already submitted") as caught:
        submit(s75, manager)
    assert caught.value.status == 409


def test_named_pooled_fund_manager_alone_submits(area, council, icb, manager, make_member):
    named = make_member(council, Role.POOLED_FUND_MANAGER, username="named")
    agreement = make.agreement(area, [council, icb], host=council, title="Named pool",
                               pooled_fund_manager=named)
    make.schedule(agreement, "S1", contributions={council: "1000.00", icb: "500.00"})
    with pytest.raises(ApplicationError) as caught:
        submit({"agreement": agreement}, manager, quarter=1)
    assert caught.value.status == 403
    assert submit({"agreement": agreement}, named, quarter=1).status == "submitted"


# --- pages --------------------------------------------------------------------------------
def _urls(s75, agency):
    pk = s75["agreement"].pk
    base = f"/pooled-budgets/{pk}/quarters/{YEAR}/2"
    return (f"/pooled-budgets/{pk}/position/?year={YEAR}&quarter=2",
            f"{base}/confirm/?agency={agency.pk}", f"{base}/return/?agency={agency.pk}")


def test_pages_submit_confirm_and_return(signed_in, s75, manager, finance, icb_finance,
                                         council, icb, viewer):
    position, confirm_council, return_council = _urls(s75, council)
    _, confirm_icb, return_icb = _urls(s75, icb)
    page = signed_in(manager).get(position).content.decode()
    assert "Submit the quarter for the partners" in page
    assert signed_in(manager).post(
        f"/pooled-budgets/{s75['agreement'].pk}/quarters/{YEAR}/2/submit/").status_code == 302

    # the position shows who is awaited, and offers each person only their partner
    page = signed_in(finance).get(position).content.decode()
    assert page.count("Awaited") == 2
    assert f"confirm/?agency={council.pk}" in page
    assert f"confirm/?agency={icb.pk}" not in page
    # nobody else reaches the confirm and return pages
    for person in (viewer, icb_finance):
        client = signed_in(person)
        assert client.get(confirm_council).status_code == 404
        assert client.post(confirm_council).status_code == 404
        assert client.get(return_council).status_code == 404
    # the submitter sees why not, with no button
    page = signed_in(manager).get(confirm_council)
    assert page.status_code == 200
    assert "cannot also confirm" in page.content.decode()
    assert "Confirm the figures" not in page.content.decode()

    client = signed_in(finance)
    assert "Confirm the figures" in client.get(confirm_council).content.decode()
    assert client.post(confirm_council).status_code == 302
    again = client.post(confirm_council)
    assert again.status_code == 409 and "already answered" in again.content.decode()

    client = signed_in(icb_finance)
    bad = client.post(return_icb, {"reason": ""})
    assert bad.status_code == 400 and "Enter why the figures are returned" in \
        bad.content.decode()
    short = client.post(return_icb, {"reason": "too short"})
    assert short.status_code == 400 and "at least 10 characters" in short.content.decode()
    assert QuarterSnapshot.objects.get().status == "submitted"
    assert client.post(return_icb, {"reason": "August hoists are missing"}).status_code == 302
    assert QuarterSnapshot.objects.get().status == "returned"
    page = signed_in(viewer).get(position).content.decode()
    assert "August hoists are missing" in page and "were returned" in page
    why_not = signed_in(icb_finance).get(confirm_icb)  # says why not: it is not submitted
    assert why_not.status_code == 200 and "not waiting" in why_not.content.decode()


def test_other_area_gets_404_on_the_confirm_page(signed_in, s75, manager, council,
                                                 other_area):
    submit(s75, manager)
    far = member(AgencyFactory(local_area=other_area), Role.FINANCE, username="far")
    _, confirm_council, return_council = _urls(s75, council)
    client = signed_in(far)
    assert client.get(confirm_council).status_code == 404
    assert client.post(return_council, {"reason": "Not mine to return"}).status_code == 404


def test_position_page_queries_do_not_grow_with_partners(signed_in, area, council, manager,
                                                         django_assert_max_num_queries):
    def pool(partners, title):
        agencies = [council] + [AgencyFactory(local_area=area, name=f"{title} partner {n}",
                                              code=f"{title[:2]}{n}")
                                for n in range(partners)]
        agreement = make.agreement(area, agencies, host=council, title=title)
        make.schedule(agreement, "S1", contributions={a: "100.00" for a in agencies})
        services.quarter_submit(actor=manager, agreement=agreement, year=YEAR, quarter=1,
                                today=AFTER_Q2)
        return f"/pooled-budgets/{agreement.pk}/position/?year={YEAR}&quarter=1"

    small, large = pool(1, "Small"), pool(6, "Large")
    client = signed_in(manager)
    client.get(small)
    with django_assert_max_num_queries(30) as small_queries:
        client.get(small)
    with django_assert_max_num_queries(len(small_queries.captured_queries)):
        assert client.get(large).content.decode().count("Awaited") == 7


# --- API ----------------------------------------------------------------------------------
def test_api_confirm_return_and_reopen(api, s75, manager, finance, icb_finance, council, icb,
                                       make_member, viewer):
    pk = s75["agreement"].pk
    body = api.as_user(manager).post(f"{BASE}{pk}/snapshots/", {"year": YEAR, "quarter": 2},
                                     format="json")
    assert body.status_code == 201, body.json()
    snapshot = body.json()
    assert [c["decision"] for c in snapshot["confirmations"]] == [None, None]
    url = f"{BASE}{pk}/snapshots"
    q2 = {"year": YEAR, "quarter": 2}
    not_submitted = api.as_user(finance).post(f"{url}/confirm/", {
        "year": YEAR, "quarter": 1, "agency": council.pk}, format="json")
    assert not_submitted.status_code == 400 and not_submitted.json()["errors"]["quarter"]
    # bad input is a 400 with the error shape; the wrong person a 403 with the reason
    bad = api.as_user(finance).post(f"{url}/confirm/", {**q2, "agency": "council"}, format="json")
    assert bad.status_code == 400 and "agency" in bad.json()["errors"]
    stranger = api.as_user(finance).post(f"{url}/confirm/", {**q2, "agency": 999999},
                                         format="json")
    assert stranger.status_code == 400 and stranger.json()["errors"]["agency"]
    wrong = api.as_user(viewer).post(f"{url}/confirm/", {**q2, "agency": council.pk}, format="json")
    assert wrong.status_code == 403 and "finance officer" in wrong.json()["message"]

    ok = api.as_user(finance).post(f"{url}/confirm/", {**q2, "agency": council.pk}, format="json")
    assert ok.status_code == 200, ok.json()
    rows = {c["agency"]: c for c in ok.json()["confirmations"]}
    assert rows[council.pk]["decision"] == "confirmed" and rows[icb.pk]["decision"] is None
    short = api.as_user(icb_finance).post(f"{url}/return/", {**q2, "agency": icb.pk,
                                                              "reason": "no"}, format="json")
    assert short.status_code == 400 and short.json()["errors"]["reason"]
    done = api.as_user(icb_finance).post(f"{url}/confirm/", {**q2, "agency": icb.pk}, format="json")
    assert done.json()["status"] == "closed"

    approver = make_member(council, Role.APPROVER, username="appr", limit=10)
    refused = api.as_user(finance).post(f"{url}/reopen/", {**q2, "reason": "A July invoice"},
                                        format="json")
    assert refused.status_code == 403
    reopened = api.as_user(approver).post(f"{url}/reopen/",
                                          {**q2, "reason": "A July invoice was missed"},
                                          format="json")
    assert reopened.status_code == 200 and reopened.json()["status"] == "reopened"
    assert QuarterSnapshot.objects.get().reopen_reason == "A July invoice was missed"


def test_api_other_area_gets_404(api, s75, manager, council, other_area):
    snapshot = submit(s75, manager)
    far = member(AgencyFactory(local_area=other_area), Role.FINANCE, username="far")
    url = f"{BASE}{s75['agreement'].pk}/snapshots"
    assert snapshot.pk
    for action in ("confirm", "return", "reopen"):
        response = api.as_user(far).post(f"{url}/{action}/", {"year": YEAR, "quarter": 2,
                                                              "agency": council.pk,
                                                              "reason": "Not mine at all"},
                                         format="json")
        assert response.status_code == 404, action


def test_api_snapshot_list_queries_are_constant(api, s75, manager, finance, council, viewer,
                                                django_assert_max_num_queries):
    pk = s75["agreement"].pk
    client = api.as_user(viewer)
    submit(s75, manager, quarter=1)
    confirm(s75, finance, council, quarter=1)
    client.get(f"{BASE}{pk}/snapshots/")
    with django_assert_max_num_queries(20) as one:
        assert len(client.get(f"{BASE}{pk}/snapshots/").json()) == 1
    for quarter in (2, 3, 4):
        submit(s75, manager, quarter=quarter, today=date(2026, 4, 10))
        confirm(s75, finance, council, quarter=quarter)
    with django_assert_max_num_queries(len(one.captured_queries)):
        body = client.get(f"{BASE}{pk}/snapshots/").json()
    assert [s["status"] for s in body] == ["submitted"] * 4
    assert all(s["confirmations"][0]["decision"] == "confirmed" for s in body)
