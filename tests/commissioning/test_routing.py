"""Issue 13: a referral goes to a board that decides for its agency (the lowest limit for that
agency that covers the value), else up the reports-to graph, else it is kept with no board,
visibly, saying why and who can fix it. Every referral records why it went where it went."""
from decimal import Decimal
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agencies.roles import Role
from commissioning import services
from commissioning.models import BoardReferral, ReferralStatus
from governance import services as governance_services
from governance.referrals import Router, route
from tests.factories.agencies import AgencyFactory, member
from tests.factories.commissioning import intention, tick_all
from tests.factories.governance import board

pytestmark = pytest.mark.django_db


@pytest.fixture
def parties(area):
    """A council (DCC) and an ICB whose approvers' limits are £500,000 and £250,000."""

    class Parties:
        pass

    p = Parties()
    p.area = area
    p.dcc = AgencyFactory(local_area=area, name="Derbyshire County Council", short_name="DCC")
    p.icb = AgencyFactory(local_area=area, name="NHS Derby and Derbyshire ICB",
                          short_name="DDICB", kind="icb", code="QJ2")
    p.commissioner = member(p.dcc, Role.COMMISSIONER, username="commissioner")
    p.icb_commissioner = member(p.icb, Role.COMMISSIONER, username="icb-commissioner")
    p.dcc_approver = member(p.dcc, Role.APPROVER, limit="500000", username="dcc-approver")
    p.icb_approver = member(p.icb, Role.APPROVER, limit="250000", username="icb-approver")
    p.admin = member(p.dcc, Role.ADMIN, username="area-admin")
    return p


def submit(lead, owner, value, partners=()):
    made = intention(lead_agency=lead, owner=owner, partners=list(partners), value=value)
    tick_all(made)
    return services.gate_submit(actor=owner, intention=made)


def referrals(gate):
    return {r.agency.short_name: r for r in BoardReferral.objects.filter(gate=gate)
            .select_related("board", "agency")}


def sovereign_bodies(p):
    cabinet = board(p.area, name="Derbyshire County Council Cabinet",
                    delegated_limit="50000000", decides_for=[p.dcc])
    icb_board = board(p.area, name="NHS Derby and Derbyshire ICB Board",
                      delegated_limit="50000000", decides_for=[p.icb])
    # A council body with a lower limit that does not decide for the ICB: the old rule
    # ("the lowest limit that covers the value, whatever the agency") sent the ICB here.
    commissioning_board = board(p.area, name="Commissioning Board",
                                delegated_limit="2000000", decides_for=[p.dcc])
    return cabinet, icb_board, commissioning_board


def test_council_and_icb_led_intentions_each_go_to_their_own_sovereign_body(parties):
    p = parties
    cabinet, icb_board, commissioning_board = sovereign_bodies(p)
    council_led = referrals(submit(p.dcc, p.commissioner, "3000000"))
    assert council_led["DCC"].board == cabinet
    assert council_led["DCC"].status == ReferralStatus.AWAITING
    assert council_led["DCC"].route_reason == (
        "DCC's approvers' highest limit is £500,000.00; the Derbyshire County Council "
        "Cabinet decides for DCC up to £50,000,000.00.")
    icb_led = referrals(submit(p.icb, p.icb_commissioner, "1500000"))
    assert icb_led["DDICB"].board == icb_board  # not the council's Commissioning Board
    assert icb_led["DDICB"].route_reason == (
        "DDICB's approvers' highest limit is £250,000.00; the NHS Derby and Derbyshire ICB "
        "Board decides for DDICB up to £50,000,000.00.")
    # Within the council's lower-limit body's reach, the lowest limit that covers it wins.
    small = referrals(submit(p.dcc, p.commissioner, "1500000"))
    assert small["DCC"].board == commissioning_board


def test_a_joint_board_takes_both_when_its_scope_and_limit_cover_them(parties):
    p = parties
    sovereign_bodies(p)
    joint = board(p.area, name="SEND Strategic Board", delegated_limit="1500000",
                  decides_for=[p.dcc, (p.icb, Decimal("1000000"))])
    both = referrals(submit(p.dcc, p.commissioner, "900000", partners=[p.icb]))
    assert (both["DCC"].board, both["DDICB"].board) == (joint, joint)
    assert "the SEND Strategic Board decides for DDICB up to £1,000,000.00" in \
        both["DDICB"].route_reason
    # Above the joint board's limit for the ICB (but not for the council), each agency goes
    # to the lowest board that decides for it up to that value.
    split = referrals(submit(p.dcc, p.commissioner, "1200000", partners=[p.icb]))
    assert split["DCC"].board == joint
    assert split["DDICB"].board.name == "NHS Derby and Derbyshire ICB Board"


def test_above_every_deciding_board_it_goes_up_the_reports_to_graph(parties):
    p = parties
    hwb = board(p.area, name="Health and Wellbeing Board", delegated_limit="10000000")
    partnership = board(p.area, name="Children's Partnership", delegated_limit="5000000",
                        reports_to=[hwb])
    hub = board(p.area, name="SEND Commissioning Hub", delegated_limit="1000000",
                reports_to=[partnership], decides_for=[p.dcc])
    # The nearest board above that can take it: the partnership for £4m ...
    four = referrals(submit(p.dcc, p.commissioner, "4000000"))["DCC"]
    assert four.board == partnership
    assert four.route_reason == (
        "DCC's approvers' highest limit is £500,000.00; no board that decides for DCC can "
        "take £4,000,000.00 (the highest is the SEND Commissioning Hub, up to "
        "£1,000,000.00), so it goes up to the Children's Partnership, to which the SEND "
        "Commissioning Hub reports, which decides up to £5,000,000.00.")
    # ... the Health and Wellbeing Board, two levels up, for £8m.
    assert referrals(submit(p.dcc, p.commissioner, "8000000"))["DCC"].board == hwb
    assert Router(p.area.pk).route(p.dcc, Decimal("20000000"), None).board is None
    assert hub.pk  # the Hub itself could not take either


def test_no_board_is_a_visible_state_that_a_new_board_resolves(
        parties, django_capture_on_commit_callbacks):
    p = parties
    gate = submit(p.icb, p.icb_commissioner, "800000", partners=[p.dcc])
    found = referrals(gate)
    assert {k: (r.board, r.status) for k, r in found.items()} == {
        "DDICB": (None, ReferralStatus.NO_BOARD), "DCC": (None, ReferralStatus.NO_BOARD)}
    assert found["DDICB"].route_reason == (
        "DDICB's approvers' highest limit is £250,000.00; no board decides for DDICB, so no "
        "board can take this. A local-area administrator can fix this on the boards page: "
        "add NHS Derby and Derbyshire ICB to the agencies a board decides for, with a limit "
        "that covers the value.")
    # Setting up a board that decides for the ICB sends the ICB's referral on (not DCC's).
    with django_capture_on_commit_callbacks(execute=True):
        icb_board = governance_services.board_create(
            actor=p.admin, local_area=p.area, name="NHS Derby and Derbyshire ICB Board",
            delegated_limit=Decimal("50000000"), decides_for=[p.icb])
    found = referrals(gate)
    assert (found["DDICB"].board, found["DDICB"].status) == (icb_board, ReferralStatus.AWAITING)
    assert found["DDICB"].history.first().history_user is None  # the portal sent it on
    assert (found["DCC"].board, found["DCC"].status) == (None, ReferralStatus.NO_BOARD)


def test_a_referral_no_board_could_take_can_be_referred_by_hand(parties):
    p = parties
    gate = submit(p.dcc, p.commissioner, "800000")
    chosen = board(p.area, name="Cabinet", delegated_limit="1000000")
    referral = services.board_referral_create(actor=p.dcc_approver, intention=gate.intention,
                                              agency=p.dcc, board=chosen)
    assert (referral.board, referral.status) == (chosen, ReferralStatus.AWAITING)
    assert BoardReferral.objects.filter(gate=gate).count() == 1  # the same row, sent on
    assert referral.route_reason.startswith("Referred to the Cabinet by ")


def test_route_is_one_function_the_service_pages_and_api_share(parties):
    p = parties
    cabinet, _, _ = sovereign_bodies(p)
    answer = route(area_id=p.area.pk, agency=p.dcc, amount=Decimal("3000000"),
                   approver_limit=Decimal("500000"))
    assert (answer.board, answer.via) == (cabinet, "decides-for")
    other = AgencyFactory(local_area=p.area, name="Parent Carer Forum")
    assert route(area_id=p.area.pk, agency=other, amount=Decimal("1")).via == "none"


def test_routing_costs_three_queries_whatever_the_number_of_boards(
        parties, django_assert_num_queries):
    p = parties
    for n in range(12):
        board(p.area, name=f"Locality board {n}", delegated_limit=str(100000 * (n + 1)),
              decides_for=[p.dcc])
    with django_assert_num_queries(3):
        router = Router(p.area.pk)
    with django_assert_num_queries(0):
        for value in ("50000", "750000", "99000000"):
            router.route(p.dcc, Decimal(value), Decimal("10000"))
            router.route(p.icb, Decimal(value), None)


def test_a_disagreement_with_a_board_that_reports_to_two_asks_which_one(parties):
    from portal.errors import ApplicationError

    p = parties
    trust = board(p.area, name="Children's Trust Board")
    hwb = board(p.area, name="Health and Wellbeing Board")
    sib = board(p.area, name="SEND Intervention Board", reports_to=[trust, hwb])
    item = services.disagreement_create(
        actor=p.commissioner, local_area=p.area, subject="Who funds therapy hours",
        parties=[p.dcc, p.icb], raised_by=p.commissioner)
    item = services.disagreement_escalate(actor=p.commissioner, disagreement=item, board=sib)
    with pytest.raises(ApplicationError) as exc:
        services.disagreement_escalate(actor=p.commissioner, disagreement=item)
    assert exc.value.errors["board"] == [
        "The SEND Intervention Board reports to Children's Trust Board and Health and "
        "Wellbeing Board: choose which board to escalate to."]
    item = services.disagreement_escalate(actor=p.commissioner, disagreement=item, board=hwb)
    assert (item.escalated_to, item.escalation_level) == (hwb, 2)


# --- pages and API ------------------------------------------------------------------------
def test_no_board_state_shows_on_the_intention_page_the_inbox_and_the_api(
        parties, signed_in, api):
    p = parties
    gate = submit(p.icb, p.icb_commissioner, "800000")
    page = unescape(signed_in(p.commissioner).get(
        f"/intentions/{gate.intention.pk}/").content.decode())
    assert "No board can take this" in page
    assert ("DDICB's approvers' highest limit is £250,000.00; no board decides for DDICB, so "
            "no board can take this. A local-area administrator can fix this") in page
    assert 'href="/boards/"' in page
    gate_page = unescape(signed_in(p.icb_approver).get(
        f"/intentions/{gate.intention.pk}/sign-off/?agency={p.icb.pk}").content.decode())
    assert "No board can take this" in gate_page and "no board decides for DDICB" in gate_page
    assert "Refer to a board" in gate_page  # a person may still refer it by hand
    inbox = unescape(signed_in(p.icb_approver).get("/approvals/").content.decode())
    table = inbox[inbox.index('id="referrals"'):]
    assert "No board can take this" in table and "no board decides for DDICB" in table
    body = api.as_user(p.icb_approver).get(
        f"/api/v1/intentions/{gate.intention.pk}/referrals/").json()
    assert [(r["agency"]["name"], r["board"], r["status"], r["no_board"]) for r in body] == [
        ("NHS Derby and Derbyshire ICB", None, "no-board", True)]
    assert body[0]["route_reason"].startswith("DDICB's approvers' highest limit")
    approvals = api.as_user(p.icb_approver).get("/api/v1/approvals/").json()
    assert approvals[0]["no_board_reason"].startswith("DDICB's approvers' highest limit")


def test_where_a_referral_went_and_why_shows_on_the_page_the_inbox_and_the_api(
        parties, signed_in, api):
    p = parties
    _, icb_board, _ = sovereign_bodies(p)
    gate = submit(p.icb, p.icb_commissioner, "800000")
    page = unescape(signed_in(p.commissioner).get(
        f"/intentions/{gate.intention.pk}/").content.decode())
    assert "With the board" in page
    assert f'href="/boards/{icb_board.pk}/">NHS Derby and Derbyshire ICB Board</a>' in page
    assert ("Why this board: DDICB's approvers' highest limit is £250,000.00; the NHS Derby "
            "and Derbyshire ICB Board decides for DDICB up to £50,000,000.00.") in page
    inbox = unescape(signed_in(p.icb_approver).get("/approvals/").content.decode())
    assert "the NHS Derby and Derbyshire ICB Board decides for DDICB" in inbox
    body = api.as_user(p.commissioner).get(
        f"/api/v1/intentions/{gate.intention.pk}/referrals/").json()
    assert body[0]["board"] == {"id": icb_board.pk, "name": "NHS Derby and Derbyshire ICB Board"}
    assert body[0]["status"] == "awaiting" and body[0]["no_board"] is False


def test_the_inbox_referrals_cost_a_constant_number_of_queries(parties, signed_in):
    p = parties
    sovereign_bodies(p)
    client = signed_in(p.icb_approver)
    submit(p.icb, p.icb_commissioner, "800000")
    submit(p.dcc, p.commissioner, "90000000", partners=[p.icb])  # no board for either
    client.get("/approvals/")
    with CaptureQueriesContext(connection) as small:
        assert client.get("/approvals/").status_code == 200
    for n in range(5):
        submit(p.icb, p.icb_commissioner, str(300000 + n))
        submit(p.dcc, p.commissioner, str(90000001 + n), partners=[p.icb])
    with CaptureQueriesContext(connection) as large:
        page = client.get("/approvals/").content.decode()
    assert page.count("No board can take this") >= 5
    assert len(large.captured_queries) <= len(small.captured_queries)


def test_approvers_of_an_agency_no_board_can_take_are_told_why(
        parties, django_capture_on_commit_callbacks):
    from django.core import mail

    p = parties
    sovereign_bodies(p)  # the council's referral goes to its Cabinet; the ICB has a board
    with django_capture_on_commit_callbacks(execute=True):
        submit(p.dcc, p.commissioner, "90000000", partners=[p.icb])
    # £90m is above every board: both agencies' approvers are told, with the reason.
    bodies = {m.to[0]: m.body for m in mail.outbox}
    assert "No board can take NHS Derby and Derbyshire ICB's decision yet: DDICB's " \
           "approvers' highest limit is £250,000.00" in bodies[p.icb_approver.email]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        submit(p.dcc, p.commissioner, "3000000", partners=[p.icb])
    # The council's decision is with its Cabinet, the ICB's with the ICB Board: nobody asked.
    assert mail.outbox == []
