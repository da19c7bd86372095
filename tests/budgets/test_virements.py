"""Issue 16: virements between an agreement's schedules. Services (rules, approval within
delegated limits, referral to a board, audit, penny-exact with hypothesis), pages and API."""
from datetime import date
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agencies.roles import Role
from commissioning.budgets import services
from commissioning.budgets.models import Virement, VirementApproval
from commissioning.budgets.position import position_of
from portal.errors import ApplicationError
from tests.conftest import pass_two_factor
from tests.factories import budgets as make
from tests.factories.agencies import AgencyFactory, member

YEAR = "2025-26"
BASE = "/api/v1/pooled-budgets/"
_capture = []


@pytest.fixture(autouse=True)
def _on_commit(django_capture_on_commit_callbacks):
    _capture[:] = [django_capture_on_commit_callbacks]
    yield
    _capture.clear()


@pytest.fixture
def approvers(council, icb, make_member):
    return {"council": make_member(council, Role.APPROVER, username="capp", limit=500000,
                                   email="capp@example.org"),
            "icb": make_member(icb, Role.APPROVER, username="iapp", limit=100000,
                               email="iapp@example.org")}


def propose(s75, actor, amount="30000.00", quarter=3, source="S1", target="S2", **kw):
    with _capture[0](execute=True):
        return services.virement_propose(
            actor=actor, agreement=s75["agreement"], year=YEAR, quarter=quarter,
            from_schedule=source, to_schedule=target, amount=amount,
            reason=kw.pop("reason", "Placements below plan; short breaks demand up"))


def approve(s75, actor, virement, agency):
    return services.virement_approve(actor=actor, agreement=s75["agreement"],
                                     virement=virement, agency=agency)


def rows(position):
    return {r["code"]: r for r in position["schedules"]}


# --- services -------------------------------------------------------------------------------
def test_approved_by_every_partner_moves_budget(s75, finance, approvers, council, icb,
                                                mailoutbox):
    virement = propose(s75, finance)
    assert virement.status == "proposed"
    # the approvers whose limits cover it were e-mailed with the link
    assert mailoutbox and set(mailoutbox[0].to) == {"capp@example.org", "iapp@example.org"}
    assert f"/virements/{virement.pk}/" in mailoutbox[0].body
    approve(s75, approvers["council"], virement, council)
    assert Virement.objects.get().status == "proposed"
    with pytest.raises(ApplicationError, match="already answered") as caught:
        approve(s75, approvers["council"], virement, council)
    assert caught.value.status == 409
    before = position_of(s75["agreement"], YEAR, 3)
    assert rows(before)["S1"]["budget"] == "1000000.00"  # not yet in effect
    approve(s75, approvers["icb"], virement, icb)
    virement.refresh_from_db()
    assert virement.status == "approved"
    assert virement.split == [{"agency": council.pk, "amount": "18000.00"},
                              {"agency": icb.pk, "amount": "12000.00"}]
    after = rows(position_of(s75["agreement"], YEAR, 3))
    assert (after["S1"]["original_budget"], after["S1"]["virements_out"],
            after["S1"]["budget"]) == ("1000000.00", "30000.00", "970000.00")
    assert (after["S2"]["virements_in"], after["S2"]["budget"]) == ("30000.00", "230000.00")
    # from its quarter on only; each partner's total and the pool's are unchanged
    assert rows(position_of(s75["agreement"], YEAR, 2))["S1"]["budget"] == "1000000.00"
    q3 = position_of(s75["agreement"], YEAR, 3)
    assert q3["total_pool"] == "1300000.00"
    assert {c["agency"]: c["amount"] for c in q3["contributions"]} == {
        council.pk: "750000.00", icb.pk: "550000.00"}
    # audited, with the people
    assert virement.history.first().history_user == approvers["icb"]
    assert virement.history.last().history_user == finance
    assert VirementApproval.objects.filter(agency=icb).get().history.first().history_user == \
        approvers["icb"]


def test_limits_four_eyes_and_rejection(s75, finance, approvers, council, icb, make_member):
    senior = make_member(icb, Role.APPROVER, username="senior", limit=1000000)
    virement = propose(s75, approvers["council"], amount="150000.00")
    assert virement.status == "proposed"
    # the ICB approver's limit is £100,000, so they may not approve it
    with pytest.raises(ApplicationError, match="exceeds your delegated limit") as caught:
        approve(s75, approvers["icb"], virement, icb)
    assert caught.value.status == 403
    # the proposer cannot approve it too
    with pytest.raises(ApplicationError, match="proposed the virement cannot"):
        approve(s75, approvers["council"], virement, council)
    with pytest.raises(ApplicationError, match="at least 10"):
        services.virement_reject(actor=senior, agreement=s75["agreement"], virement=virement,
                                 agency=icb, reason="no")
    services.virement_reject(actor=senior, agreement=s75["agreement"], virement=virement,
                             agency=icb, reason="Placements will pick up in Q4")
    assert Virement.objects.get().status == "rejected"
    with pytest.raises(ApplicationError, match="no longer awaiting") as caught:
        approve(s75, make_member(council, Role.APPROVER, username="c2", limit=10 ** 6),
                virement, council)
    assert caught.value.status == 409
    assert rows(position_of(s75["agreement"], YEAR, 3))["S1"]["budget"] == "1000000.00"


def test_above_every_limit_is_referred_to_a_board(s75, finance, approvers, council, icb,
                                                  mailoutbox):
    virement = propose(s75, finance, amount="200000.00")  # above the ICB's only approver
    assert virement.status == "referred"
    assert "a board must decide" in mailoutbox[0].body
    with pytest.raises(ApplicationError, match="board must decide") as caught:
        approve(s75, approvers["council"], virement, council)
    assert caught.value.status == 409


@pytest.mark.parametrize(("kwargs", "field", "message"), [
    ({"amount": "0"}, "amount", "more than zero"),
    ({"amount": "-5"}, "amount", "more than zero"),
    ({"amount": "10.001"}, "amount", "two decimal places"),
    ({"amount": "1E+3"}, "amount", "two decimal places"),
    ({"amount": "abc"}, "amount", "pounds and pence"),
    ({"amount": "1000000000000000"}, "amount", "too large"),
    ({"target": "S1"}, "to_schedule", "different schedule"),
    ({"target": "S9"}, "to_schedule", "schedule of this agreement"),
    ({"reason": "short"}, "reason", "reason"),
    # S1 has £1,000,000 less £260,000 spent by Q3
    ({"amount": "740000.01"}, "amount", "£740,000.00 of budget left"),
])
def test_bad_input_is_refused_and_nothing_saved(s75, finance, kwargs, field, message):
    with pytest.raises(ApplicationError, match=message) as caught:
        propose(s75, finance, **kwargs)
    assert caught.value.status == 400 and field in caught.value.errors
    assert not Virement.objects.exists()


def test_other_agreements_schedule_is_refused(s75, finance, area, council, icb):
    other = make.agreement(area, [council, icb], host=council, title="Other pool")
    foreign = make.schedule(other, "X1", contributions={council: "1000.00"})
    with pytest.raises(ApplicationError, match="schedule of this agreement"):
        propose(s75, finance, target=foreign)
    assert not Virement.objects.exists()


def test_pending_virements_hold_the_remaining_budget(s75, finance, approvers):
    propose(s75, finance, amount="700000.00")  # referred (above the ICB's limit)
    with pytest.raises(ApplicationError, match="£40,000.00 of budget left"):
        propose(s75, finance, amount="40000.01")
    assert propose(s75, finance, amount="40000.00").pk


def test_closed_or_submitted_quarters_are_not_changed(s75, finance, approvers, council, icb,
                                                      manager):
    services.quarter_close(actor=None, agreement=s75["agreement"], year=YEAR, quarter=2,
                           today=date(2025, 10, 3))
    with pytest.raises(ApplicationError,
                       match=r"Q2 2025-26 \(July to September 2025\) is submitted") as caught:
        propose(s75, finance, quarter=1)
    assert caught.value.status == 409
    virement = propose(s75, finance, quarter=3)
    approve(s75, approvers["council"], virement, council)
    # Q3 submitted meanwhile: the last approval would change frozen figures
    services.quarter_submit(actor=manager, agreement=s75["agreement"], year=YEAR, quarter=3,
                            today=date(2026, 1, 5))
    with pytest.raises(ApplicationError, match=r"Q3 2025-26 .* is submitted or closed") as caught:
        approve(s75, approvers["icb"], virement, icb)
    assert caught.value.status == 409
    assert Virement.objects.get().status == "proposed"
    assert not VirementApproval.objects.filter(agency=icb).exists()  # nothing half-saved


def test_only_writers_propose(s75, viewer):
    with pytest.raises(ApplicationError) as caught:
        propose(s75, viewer)
    assert caught.value.status == 403


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.too_slow])
@given(data=st.data(),
       contributions=st.lists(st.lists(st.integers(0, 10 ** 8), min_size=3, max_size=3),
                              min_size=2, max_size=4))
def test_revised_budgets_add_up_to_the_original_total(db, area, data, contributions):
    """Penny-exact over random pools and random approved virements: the revised budgets add
    to the original total, each partner's total is unchanged, and each schedule's revised
    budget = original + in - out."""
    with transaction.atomic():
        parties = [AgencyFactory(local_area=area) for _ in range(3)]
        agreement = make.agreement(area, parties, title="Hypothesis pool")
        for n, amounts in enumerate(contributions):
            make.schedule(agreement, f"S{n + 1}", contributions={
                p: Decimal(a) / 100 for p, a in zip(parties, amounts, strict=True) if a})
        boss = [member(p, Role.APPROVER, limit=10 ** 9) for p in parties]
        original = position_of(agreement, YEAR, 4)
        for _ in range(data.draw(st.integers(1, 4))):
            rows_now = position_of(agreement, YEAR, 4)["schedules"]
            source = data.draw(st.sampled_from(rows_now))
            target = data.draw(st.sampled_from([r for r in rows_now if r is not source]))
            left = int(Decimal(source["budget"]) * 100)
            if left <= 0:
                continue
            pennies = data.draw(st.integers(1, left))
            virement = services.virement_propose(
                actor=None, agreement=agreement, year=YEAR, quarter=data.draw(
                    st.integers(1, 4)), from_schedule=source["code"],
                to_schedule=target["code"], amount=Decimal(pennies) / 100,
                reason="Moving budget for the property test")
            for party, person in zip(parties, boss, strict=True):
                services.virement_approve(actor=person, agreement=agreement,
                                          virement=virement, agency=party)
            virement.refresh_from_db()
            assert sum(Decimal(p["amount"]) for p in virement.split) == virement.amount
        after = position_of(agreement, YEAR, 4)
        assert after["total_pool"] == original["total_pool"]
        assert sum(Decimal(r["budget"]) for r in after["schedules"]) == \
            Decimal(original["total_pool"])
        assert after["contributions"] == original["contributions"]
        for row in after["schedules"]:
            assert Decimal(row["budget"]) == Decimal(row["original_budget"]) + \
                Decimal(row["virements_in"]) - Decimal(row["virements_out"])
            assert all(Decimal(f["planned"]) >= 0 for f in row["funding"])
            assert Decimal(row["budget"]) >= 0
        transaction.set_rollback(True)


# --- pages ----------------------------------------------------------------------------------
@pytest.fixture
def signed_in(client):
    def sign_in(user):
        pass_two_factor(client, user)
        return client
    return sign_in


def test_propose_page(s75, finance, signed_in, approvers):
    client = signed_in(finance)
    pk = s75["agreement"].pk
    detail = client.get(f"/pooled-budgets/{pk}/")
    assert f"/pooled-budgets/{pk}/virements/" in detail.content.decode()
    listing = client.get(f"/pooled-budgets/{pk}/virements/")
    assert listing.status_code == 200 and "Propose a virement" in listing.content.decode()
    page = client.get(f"/pooled-budgets/{pk}/virements/new/")
    assert page.status_code == 200
    form = {"from_schedule": s75["s1"].pk, "to_schedule": s75["s2"].pk, "amount": "2500.50",
            "year": YEAR, "quarter": "3", "reason": "Short breaks demand is up"}
    bad = client.post(f"/pooled-budgets/{pk}/virements/new/", {**form, "amount": "999999999"})
    assert bad.status_code == 400 and "govuk-error-summary" in bad.content.decode()
    assert "budget left" in bad.content.decode()
    missing = client.post(f"/pooled-budgets/{pk}/virements/new/", {**form, "reason": ""})
    assert missing.status_code == 400 and "Enter the reason" in missing.content.decode()
    assert not Virement.objects.exists()
    done = client.post(f"/pooled-budgets/{pk}/virements/new/", form)
    virement = Virement.objects.get()
    assert done.status_code == 302 and done.url.endswith(f"/virements/{virement.pk}/")
    assert (virement.amount, virement.from_schedule, virement.quarter) == \
        (Decimal("2500.50"), s75["s1"], 3)
    shown = client.get(done.url).content.decode()
    assert "Awaited" in shown and "Virement proposed" in shown
    assert "Approve for" not in shown  # the proposer is not an approver


def test_approve_and_reject_pages(s75, finance, signed_in, approvers, council, icb):
    virement = propose(s75, finance)
    pk = s75["agreement"].pk
    url = f"/pooled-budgets/{pk}/virements/{virement.pk}/"
    client = signed_in(approvers["council"])
    page = client.get(url).content.decode()
    assert f"Approve for {council.display_name}" in page
    assert f"Approve for {icb.display_name}" not in page
    # another partner: 404 for the reject page, 403 for the approve POST
    assert client.get(f"{url}reject/?agency={icb.pk}").status_code == 404
    assert client.post(f"{url}approve/", {"agency": icb.pk}).status_code == 403
    assert client.post(f"{url}approve/", {"agency": council.pk}).status_code == 302
    client = signed_in(approvers["icb"])
    short = client.post(f"{url}reject/?agency={icb.pk}", {"reason": "no"})
    assert short.status_code == 400
    assert client.post(f"{url}reject/?agency={icb.pk}",
                       {"reason": "Wait for the Q3 figures"}).status_code == 302
    virement.refresh_from_db()
    assert virement.status == "rejected"
    assert "Wait for the Q3 figures" in client.get(url).content.decode()


def test_pages_are_hidden_from_others(s75, signed_in, viewer, other_area, make_member,
                                      finance):
    virement = propose(s75, finance)
    pk = s75["agreement"].pk
    client = signed_in(viewer)
    assert client.get(f"/pooled-budgets/{pk}/virements/").status_code == 200
    assert client.get(f"/pooled-budgets/{pk}/virements/new/").status_code == 404
    outsider = make_member(AgencyFactory(local_area=other_area), Role.FINANCE,
                           username="out")
    client = signed_in(outsider)
    assert client.get(f"/pooled-budgets/{pk}/virements/").status_code == 404
    assert client.get(f"/pooled-budgets/{pk}/virements/{virement.pk}/").status_code == 404


def test_position_shows_original_virements_and_revised(s75, finance, approvers, council, icb,
                                                       signed_in):
    virement = propose(s75, finance)
    approve(s75, approvers["council"], virement, council)
    approve(s75, approvers["icb"], virement, icb)
    client = signed_in(finance)
    pk = s75["agreement"].pk
    page = client.get(f"/pooled-budgets/{pk}/position/?year={YEAR}&quarter=3")
    text = page.content.decode()
    assert "Original budget" in text and "Revised budget" in text
    assert "£970,000.00" in text and "£30,000.00" in text
    csv_text = client.get(f"/pooled-budgets/{pk}/position.csv?year={YEAR}&quarter=3") \
        .content.decode()
    assert csv_text.splitlines()[0].endswith("original_budget,virements_in,virements_out")
    assert "970000.00" in csv_text and "1000000.00,0.00,30000.00" in csv_text


def test_list_costs_constant_queries(s75, finance, signed_in, approvers, api, council,
                                     django_assert_max_num_queries):
    client = signed_in(finance)
    pk = s75["agreement"].pk
    virement = propose(s75, finance, amount="10.00")
    approve(s75, approvers["council"], virement, council)
    client.get(f"/pooled-budgets/{pk}/virements/")
    with django_assert_max_num_queries(20) as page_small:
        client.get(f"/pooled-budgets/{pk}/virements/")
    with django_assert_max_num_queries(12) as api_small:
        api.as_user(finance).get(f"{BASE}{pk}/virements/")
    for n in range(12):
        approve(s75, approvers["council"], propose(s75, finance, amount=f"{n + 1}.00"),
                council)
    with django_assert_max_num_queries(len(page_small.captured_queries)):
        response = client.get(f"/pooled-budgets/{pk}/virements/")
    assert response.status_code == 200 and response.content.decode().count("£12.00") == 1
    with django_assert_max_num_queries(len(api_small.captured_queries)):
        response = api.as_user(finance).get(f"{BASE}{pk}/virements/")
    assert response.json()["count"] == 13


# --- API ------------------------------------------------------------------------------------
def test_api_propose_approve_reject(s75, finance, approvers, council, icb, api, viewer,
                                    make_member):
    pk = s75["agreement"].pk
    body = {"year": YEAR, "quarter": 3, "from_schedule": "S1", "to_schedule": "S2",
            "amount": "1234.56", "reason": "Short breaks demand is up"}
    bad = api.as_user(finance).post(f"{BASE}{pk}/virements/", {**body, "amount": "1.234"},
                                    format="json")
    assert bad.status_code == 400 and set(bad.json()) >= {"message", "errors", "code"}
    assert "amount" in bad.json()["errors"]
    assert api.as_user(viewer).post(f"{BASE}{pk}/virements/", body,
                                    format="json").status_code == 403
    made = api.as_user(finance).post(f"{BASE}{pk}/virements/", body, format="json")
    assert made.status_code == 201, made.json()
    data = made.json()
    assert (data["status"], data["amount"], data["from_schedule"]) == \
        ("proposed", "1234.56", "S1")
    assert [a["decision"] for a in data["approvals"]] == [None, None]
    vid = data["id"]
    denied = api.as_user(approvers["icb"]).post(f"{BASE}{pk}/virements/{vid}/approve/",
                                                {"agency": council.pk}, format="json")
    assert denied.status_code == 403
    for who, agency in ((approvers["council"], council), (approvers["icb"], icb)):
        answered = api.as_user(who).post(f"{BASE}{pk}/virements/{vid}/approve/",
                                         {"agency": agency.pk}, format="json")
        assert answered.status_code == 200
    data = answered.json()
    assert data["status"] == "approved"
    assert sum(Decimal(p["amount"]) for p in data["split"]) == Decimal("1234.56")
    again = api.as_user(approvers["icb"]).post(f"{BASE}{pk}/virements/{vid}/reject/",
                                               {"agency": icb.pk, "reason": "Changed my mind"},
                                               format="json")
    assert again.status_code == 409
    listing = api.as_user(viewer).get(f"{BASE}{pk}/virements/?year={YEAR}")
    assert listing.status_code == 200 and listing.json()["results"][0]["id"] == vid
    assert api.as_user(viewer).get(f"{BASE}{pk}/virements/?year=nope").status_code == 400
    position = api.as_user(viewer).get(f"{BASE}{pk}/position/?year={YEAR}&quarter=3").json()
    s1 = next(r for r in position["schedules"] if r["code"] == "S1")
    assert (s1["original_budget"], s1["virements_out"], s1["budget"]) == \
        ("1000000.00", "1234.56", "998765.44")


def test_api_hides_other_areas(s75, finance, api, other_area, make_member):
    virement = propose(s75, finance)
    pk = s75["agreement"].pk
    outsider = make_member(AgencyFactory(local_area=other_area), Role.APPROVER,
                           username="out", limit=10 ** 9)
    assert api.as_user(outsider).get(f"{BASE}{pk}/virements/").status_code == 404
    assert api.as_user(outsider).post(f"{BASE}{pk}/virements/{virement.pk}/approve/",
                                      {"agency": 1}, format="json").status_code == 404
