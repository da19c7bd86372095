"""Issue 13's "done when": a local area described only through the documented area format
(docs/examples/newshire.yaml) — sovereign bodies per agency, a board reporting to two
boards, a CCG replaced by the ICB, a jointly led intention — works end to end: each
referral reaches the body that decides for its agency, and the roll-up reaches the top."""
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command

from agencies.models import Agency, LocalArea, User
from commissioning import services
from commissioning.models import BoardReferral, ReferralStatus
from governance.models import Board, BoardReport
from governance.services import reports_request_quarter
from tests.factories.commissioning import tick_all

pytestmark = pytest.mark.django_db
EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "newshire.yaml"


@pytest.fixture
def newshire(db):
    call_command("load_area", str(EXAMPLE))
    area = LocalArea.objects.get(slug="newshire")
    area.ncc = Agency.objects.get(local_area=area, code="E10000001")
    area.icb = Agency.objects.get(local_area=area, code="QAA")
    area.nina = User.objects.get(username="nina.shah")
    return area


def _submitted(area, client, *, value, lead, joint=(), partners=()):
    intention = services.intention_create(
        actor=None, owner=area.nina, local_area=area, title=f"Service worth {value}",
        lead_agency=lead,
        joint_lead_agencies=list(joint), partner_agencies=list(partners),
        estimated_annual_value=Decimal(value), status="active")
    tick_all(intention)
    response = client.post(f"/intentions/{intention.pk}/submit/")
    assert response.status_code == 302
    return {r.agency.short_name: (r.board.name if r.board else None, r.status)
            for r in BoardReferral.objects.filter(gate__intention=intention)
            .select_related("agency", "board")}


def test_each_referral_reaches_the_body_that_decides_for_its_agency(newshire, signed_in):
    client = signed_in(newshire.nina)
    awaiting = ReferralStatus.AWAITING
    # Jointly led, above every officer and the joint board: each sovereign body decides.
    assert _submitted(newshire, client, value="2000000", lead=newshire.ncc,
                      joint=[newshire.icb]) == {
        "NCC": ("Newshire County Council Cabinet", awaiting),
        "NICB": ("NHS Newshire ICB Board", awaiting)}
    # Within the joint board's limits for both partners: the joint board takes both.
    assert _submitted(newshire, client, value="500000", lead=newshire.ncc,
                      partners=[newshire.icb]) == {
        "NCC": ("SEND Partnership Board", awaiting),
        "NICB": ("SEND Partnership Board", awaiting)}
    # ICB-led above the joint board's limit for the ICB: the council's share stays with the
    # joint board, the ICB's goes to the ICB's own board.
    assert _submitted(newshire, client, value="900000", lead=newshire.icb,
                      partners=[newshire.ncc]) == {
        "NCC": ("SEND Partnership Board", awaiting),
        "NICB": ("NHS Newshire ICB Board", awaiting)}


def test_the_jointly_led_intention_and_the_succession_show_on_pages(newshire, signed_in):
    client = signed_in(newshire.nina)
    ccg = Agency.objects.get(local_area=newshire, code="99Z")
    page = client.get(f"/agencies/{ccg.pk}/").content.decode()
    assert "Replaced by" in page and "NHS Newshire ICB" in page
    joint = newshire.intentions.get(reference="NEW-2025-002")
    page = client.get(f"/intentions/{joint.pk}/").content.decode()
    assert "jointly led" in page


def test_the_quarter_rolls_up_every_board_below_to_the_top(newshire,
                                                           django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        reports_request_quarter(year="2025-26", quarter=2,
                                boards=Board.objects.filter(local_area=newshire))
    hwb = BoardReport.objects.get(board__name="Health and Wellbeing Board", year="2025-26",
                                  quarter=2)
    assert hwb.status == "ready", hwb.error
    rolled = [row["board"] for row in hwb.data["rollup"]]
    assert sorted(rolled) == ["Children's Trust Board", "SEND Partnership Board"]
    spb = next(row for row in hwb.data["rollup"] if row["board"] == "SEND Partnership Board")
    assert spb["report_id"] and spb["reports_to"] == ["Children's Trust Board",
                                                      "Health and Wellbeing Board"]
    trust = BoardReport.objects.get(board__name="Children's Trust Board", year="2025-26",
                                    quarter=2)
    assert [row["board"] for row in trust.data["rollup"]] == ["SEND Partnership Board"]
