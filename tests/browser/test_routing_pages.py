"""Issue 13 pages with axe (zero violations), without JavaScript needed: the boards page
drawing a board that reports to two boards, that board's page (reports to, receives reports
from, decides for), a report whose roll-up reaches every board below, and an intention
whose referral no board can take (the visible no-board state) next to one that went to its
sovereign body."""
import pytest

from agencies.roles import Role
from commissioning import services as cycle_services
from governance import services
from governance.models import BoardReport
from tests.factories.commissioning import intention, tick_all
from tests.factories.governance import board, seat

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def graph(area, council, icb, make_member, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    hwb = board(area, name="Health and Wellbeing Board", short_name="HWB",
                delegated_limit="10000000")
    trust = board(area, name="Children's Trust Board", reports_to=hwb)
    strategic = board(area, name="SEND Strategic Board", reports_to=hwb,
                      decides_for=[council, (icb, "750000")], delegated_limit="2000000")
    sib = board(area, name="SEND Intervention Board", reports_to=[trust, strategic])
    locality = board(area, name="Locality Partnership Group", reports_to=sib)
    cabinet = board(area, name="County Council Cabinet", delegated_limit="50000000",
                    decides_for=[council])
    people = {
        "admin": make_member(council, Role.ADMIN, username="r.admin"),
        "commissioner": make_member(council, Role.COMMISSIONER, username="r.commissioner"),
        "icb-approver": make_member(icb, Role.APPROVER, limit="100000",
                                    username="r.icb-approver"),
        "approver": make_member(council, Role.APPROVER, limit="100000", username="r.approver"),
    }
    seat(hwb, council, "secretary", user=people["admin"])
    for b in (locality, sib):  # the lower board first, so the upper one rolls it up
        services.report_request(actor=None, board=b, year="2025-26", quarter=2)
    report, _ = services.report_request(actor=None, board=hwb, year="2025-26", quarter=2)
    report = BoardReport.objects.get(pk=report.pk)
    assert report.status == "ready", report.error
    # Council-led, £20m: the council goes to its Cabinet; the ICB, above the joint board's
    # limit for it and the Health and Wellbeing Board's above, has no board that can take it.
    made = intention(lead_agency=council, owner=people["commissioner"], partners=[icb],
                     value="20000000")
    tick_all(made)
    cycle_services.gate_submit(actor=people["commissioner"], intention=made)
    return {"people": people, "sib": sib, "cabinet": cabinet, "report": report,
            "intention": made}


def test_the_boards_graph_pages_are_accessible(graph, browse, check_page):
    page = browse(graph["people"]["admin"])
    check_page(page, "/boards/")
    tree = page.locator('nav[aria-label="Board hierarchy"]')
    assert tree.get_by_role("link", name="SEND Intervention Board").count() == 2
    assert "(also reports to SEND Strategic Board)" in tree.inner_text()
    check_page(page, f"/boards/{graph['sib'].pk}/")
    assert page.locator("#reports-to a").all_inner_texts() == ["Children's Trust Board",
                                                              "SEND Strategic Board"]
    assert page.locator("#receives-reports-from a").all_inner_texts() == [
        "Locality Partnership Group"]
    check_page(page, f"/boards/{graph['cabinet'].pk}/")
    assert "County Council Cabinet" in page.locator("h1").inner_text()
    check_page(page, f"/reports/{graph['report'].pk}/")
    body = page.locator("#rollup").inner_text()
    for name in ("Children's Trust Board", "SEND Strategic Board", "SEND Intervention Board",
                 "Locality Partnership Group"):
        assert body.count(name) >= 1
    assert page.locator("#rollup h3").all_inner_texts().count("SEND Intervention Board") == 1


def test_an_intention_with_a_no_board_referral_is_accessible(graph, browse, check_page):
    for who in ("commissioner", "icb-approver"):
        page = browse(graph["people"][who])
        check_page(page, f"/intentions/{graph['intention'].pk}/")
        text = page.locator("main").inner_text()
        assert "No board can take this" in text
        assert "County Council Cabinet" in text
        check_page(page, "/approvals/")
        assert "No board can take this" in page.locator("main").inner_text()
    icb = graph["intention"].partner_agencies.get()
    check_page(page, f"/intentions/{graph['intention'].pk}/sign-off/?agency={icb.pk}")
    assert "No board can take this" in page.locator("#referral").inner_text()
