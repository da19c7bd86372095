"""Issue 13: boards report to several boards (a graph without cycles), drawn accessibly on
the boards page and the board page; a report's roll-up covers every board below it, each
once, however deep, with each one's latest report for the quarter (figures and a link);
board API reads and writes `reports_to` and `decides_for` through the same service."""
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from governance import services
from governance.models import Board, BoardDelegation, BoardReport, ReportStatus
from governance.selectors import board_changes
from portal.errors import ApplicationError
from tests.factories.governance import board, decided_item, quorate_meeting, seat

pytestmark = pytest.mark.django_db


@pytest.fixture
def graph(gov):
    """Four levels, with the SEND Intervention Board reporting to two boards:

        Health and Wellbeing Board (gov.board's parent)
        ├── Children's Trust Board
        │   └── SEND Intervention Board ──┐
        └── SEND Strategic Board (gov)    │
            └── (SEND Intervention Board) ┘
                └── Locality Partnership Group
    """
    area = gov.area
    hwb = board(area, name="Health and Wellbeing Board", delegated_limit="10000000")
    services.board_update(actor=None, board=gov.board, reports_to=[hwb])
    trust = board(area, name="Children's Trust Board", reports_to=[hwb])
    intervention = board(area, name="SEND Intervention Board",
                         reports_to=[trust, gov.board])
    locality = board(area, name="Locality Partnership Group", reports_to=[intervention])
    return {"hwb": hwb, "strategic": gov.board, "trust": trust,
            "intervention": intervention, "locality": locality}


def test_a_board_reports_to_several_boards_and_the_change_is_audited(gov, graph):
    intervention = graph["intervention"]
    assert sorted(b.name for b in intervention.reports_to.all()) == [
        "Children's Trust Board", "SEND Strategic Board"]
    assert sorted(b.name for b in graph["strategic"].reporting_boards.all()) == [
        "SEND Intervention Board"]
    services.board_update(actor=gov.admin, board=intervention, reports_to=[graph["trust"]])
    whats = [c["what"] for c in board_changes(Board.objects.get(pk=intervention.pk))]
    assert "Boards it reports to removed: SEND Strategic Board" in whats


def test_a_loop_is_refused_with_the_loop_named(gov, graph):
    with pytest.raises(ApplicationError) as exc:
        services.board_update(actor=gov.admin, board=graph["hwb"],
                              reports_to=[graph["locality"]])
    message = exc.value.errors["reports_to"][0]
    assert message.startswith("Health and Wellbeing Board cannot report to Locality "
                              "Partnership Group: that would make a loop (Health and Wellbeing "
                              "Board reports to Locality Partnership Group reports to SEND "
                              "Intervention Board reports to ")
    assert list(graph["hwb"].reports_to.all()) == []


def test_decides_for_is_validated_and_audited(gov, other_area):
    from tests.factories.agencies import AgencyFactory

    elsewhere = AgencyFactory(local_area=other_area, name="Otherton Council")
    for bad, field_error in (([elsewhere], "Choose agencies of this local area."),
                             ([gov.council, gov.council], f"{gov.council} is listed twice."),
                             ([(gov.icb, "-5")], "Enter zero or more.")):
        with pytest.raises(ApplicationError) as exc:
            services.board_update(actor=gov.admin, board=gov.board, decides_for=bad)
        assert exc.value.errors["decides_for"] == [field_error]
    services.board_update(actor=gov.admin, board=gov.board,
                          decides_for=[gov.council, {"agency": gov.icb, "limit": "750000"}])
    rows = {d.agency: d for d in BoardDelegation.objects.filter(board=gov.board)}
    assert rows[gov.council].limit is None
    assert rows[gov.council].effective_limit == Decimal("2000000.00")
    assert rows[gov.icb].limit == Decimal("750000.00")
    services.board_update(actor=gov.admin, board=gov.board, decides_for=[gov.icb])
    assert list(BoardDelegation.objects.filter(board=gov.board).values_list(
        "agency", "limit")) == [(gov.icb.pk, None)]
    assert BoardDelegation.history.filter(history_type="-").get().history_user == gov.admin
    whats = [c["what"] for c in board_changes(gov.board)]
    assert f"Removed: Decides for {gov.council} (up to the board's limit)" in whats


def test_roll_up_covers_every_board_below_once_all_the_way_to_the_top(gov, graph, produce):
    figures = {}
    for key in ("locality", "intervention", "trust"):
        child = graph[key]
        seat(child, gov.council, "secretary", user=gov.secretary)
        seat(child, gov.icb, "member")
        held = quorate_meeting(child)
        for n in range({"locality": 1, "intervention": 2, "trust": 3}[key]):
            decided_item(held, title=f"Item {n}")
        report = produce(actor=gov.secretary, board=child, year="2025-26", quarter=2)
        figures[key] = report
    strategic = produce(actor=gov.secretary, board=graph["strategic"], year="2025-26",
                        quarter=2)
    trust_report = BoardReport.objects.get(board=graph["trust"], year="2025-26", quarter=2)
    hwb = produce(actor=gov.admin, board=graph["hwb"], year="2025-26", quarter=2)

    def boards(report):
        return [r["board"] for r in report.data["rollup"]]

    # The Intervention Board appears once in each parent's roll-up ...
    assert boards(strategic) == ["SEND Intervention Board", "Locality Partnership Group"]
    assert boards(trust_report) == ["SEND Intervention Board", "Locality Partnership Group"]
    # ... and once in the report at the top, which reaches four levels down.
    assert boards(hwb) == ["Children's Trust Board", "SEND Strategic Board",
                           "SEND Intervention Board", "Locality Partnership Group"]
    rows = {r["board"]: r for r in hwb.data["rollup"]}
    made = "Board business this quarter: Decisions made"
    assert {f["label"]: f["value"] for f in rows["Locality Partnership Group"]["figures"]}[
        made] == "1"
    assert rows["SEND Intervention Board"]["report_id"] == figures["intervention"].pk
    assert rows["SEND Intervention Board"]["url"].endswith(
        f"/reports/{figures['intervention'].pk}/")
    assert rows["SEND Intervention Board"]["reports_to"] == ["Children's Trust Board",
                                                             "SEND Strategic Board"]
    assert rows["SEND Strategic Board"]["report_id"] == strategic.pk
    assert hwb.html.count("<h3 class=\"govuk-heading-m\">SEND Intervention Board</h3>") == 1
    assert f'href="{rows["Locality Partnership Group"]["url"]}"' in hwb.html


def test_roll_up_costs_a_constant_number_of_queries(gov, graph):
    from governance.reports.assembly import _rollup

    for key in ("locality", "intervention", "trust", "strategic"):
        BoardReport.objects.create(board=graph[key], year="2025-26", quarter=2,
                                   status=ReportStatus.READY, data={"figures": {"A": "1"}})
    with CaptureQueriesContext(connection) as small:
        assert len(_rollup(graph["hwb"], "2025-26", 2)) == 4
    parent = graph["locality"]
    for n in range(8):  # four more levels, and more reports
        parent = board(gov.area, name=f"Level {n}", reports_to=[parent, graph["trust"]])
        BoardReport.objects.create(board=parent, year="2025-26", quarter=2,
                                   status=ReportStatus.PUBLISHED, data={"figures": {"B": "2"}})
    with CaptureQueriesContext(connection) as large:
        assert len(_rollup(graph["hwb"], "2025-26", 2)) == 12
    assert len(large.captured_queries) == len(small.captured_queries) <= 3


def test_the_boards_page_lists_a_board_under_each_board_it_reports_to(gov, graph, signed_in):
    html = signed_in(gov.member).get("/boards/").content.decode()
    tree = html[html.index('aria-label="Board hierarchy"'):]
    # Listed twice, each time saying where else it reports ...
    assert tree.count(f'href="/boards/{graph["intervention"].pk}/">SEND Intervention Board'
                      "</a>") == 2
    assert "(also reports to <a class=\"govuk-link\" href=\"/boards/" \
           f"{graph['strategic'].pk}/\">SEND Strategic Board</a>)" in tree
    assert "(also reports to <a class=\"govuk-link\" href=\"/boards/" \
           f"{graph['trust'].pk}/\">Children&#x27;s Trust Board</a>)" in tree
    # ... and the boards below it drawn the first time only.
    assert tree.count("Locality Partnership Group</a>") == 1
    assert "the boards reporting to it are listed above" in tree


def test_the_board_page_lists_reports_to_and_receives_reports_from(gov, graph, signed_in):
    services.board_update(actor=None, board=graph["intervention"],
                          decides_for=[(gov.council, "400000")])
    html = signed_in(gov.member).get(f"/boards/{graph['intervention'].pk}/").content.decode()
    up = html[html.index('id="reports-to"'):]
    up = up[:up.index("</ul>")]
    assert f'href="/boards/{graph["trust"].pk}/"' in up
    assert f'href="/boards/{graph["strategic"].pk}/"' in up
    down = html[html.index('id="receives-reports-from"'):]
    assert f'href="/boards/{graph["locality"].pk}/"' in down[:down.index("</ul>")]
    assert f"{gov.council.name}, up to £400,000.00" in html


@pytest.mark.parametrize("path", ["/boards/", "board"])
def test_graph_pages_cost_a_constant_number_of_queries(gov, graph, signed_in, path):
    url = f"/boards/{graph['intervention'].pk}/" if path == "board" else path
    client = signed_in(gov.member)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    parent = graph["locality"]
    for n in range(6):
        parent = board(gov.area, name=f"Level {n}", reports_to=[parent, graph["trust"]],
                       decides_for=[gov.council])
        board(gov.area, name=f"Below intervention {n}", reports_to=[graph["intervention"]])
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    assert len(large.captured_queries) <= len(small.captured_queries)


# --- API ----------------------------------------------------------------------------------
def test_api_reads_and_writes_reports_to_and_decides_for(api, gov, graph):
    client = api.as_user(gov.admin)
    body = client.get(f"/api/v1/boards/{graph['intervention'].pk}/").json()
    assert sorted(body["reports_to"]) == sorted([graph["trust"].pk, graph["strategic"].pk])
    assert body["reporting_boards"] == [{"id": graph["locality"].pk,
                                         "name": "Locality Partnership Group"}]
    changed = client.patch(f"/api/v1/boards/{graph['locality'].pk}/", {
        "reports_to": [graph["intervention"].pk, graph["trust"].pk],
        "decides_for": [{"agency": gov.council.pk, "limit": "250000.00"},
                        {"agency": gov.icb.pk, "limit": None}]}, format="json")
    assert changed.status_code == 200, changed.json()
    assert sorted(changed.json()["reports_to"]) == sorted([graph["intervention"].pk,
                                                           graph["trust"].pk])
    assert changed.json()["decides_for"] == [  # by agency name
        {"agency": gov.icb.pk, "agency_name": gov.icb.name, "limit": None,
         "effective_limit": "0.00"},
        {"agency": gov.council.pk, "agency_name": gov.council.name, "limit": "250000.00",
         "effective_limit": "250000.00"}]
    assert graph["locality"].history.first().history_user == gov.admin
    created = client.post("/api/v1/boards/", {
        "local_area": "testshire", "name": "ICB Board", "delegated_limit": "50000000",
        "reports_to": [], "decides_for": [{"agency": gov.icb.pk}]}, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["decides_for"][0]["effective_limit"] == "50000000.00"


def test_api_refuses_a_loop_and_boards_of_other_areas(api, gov, graph, other_area):
    client = api.as_user(gov.admin)
    loop = client.patch(f"/api/v1/boards/{graph['hwb'].pk}/",
                        {"reports_to": [graph["locality"].pk]}, format="json")
    assert loop.status_code == 400
    assert loop.json()["errors"]["reports_to"][0].startswith(
        "Health and Wellbeing Board cannot report to Locality Partnership Group: that would "
        "make a loop")
    elsewhere = board(other_area, name="Elsewhere")
    other = client.patch(f"/api/v1/boards/{graph['hwb'].pk}/",
                         {"reports_to": [elsewhere.pk]}, format="json")
    assert other.status_code == 400
    assert other.json()["errors"]["reports_to"] == [
        f"No board of this local area has the id {elsewhere.pk}."]
    assert list(Board.objects.get(pk=graph["hwb"].pk).reports_to.all()) == []
    # Only the area's administrators change boards.
    member = api.as_user(gov.member).patch(f"/api/v1/boards/{graph['hwb'].pk}/",
                                           {"reports_to": []}, format="json")
    assert member.status_code == 403
