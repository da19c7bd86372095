"""The cycle's board-report section and home panels."""

import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from agencies.models import Agency
from agencies.roles import Role
from commissioning import board_report, home, services
from commissioning.models import StageGate
from governance import quarters
from tests.factories.agencies import member
from tests.factories.commissioning import Cycle, bulk_intentions

pytestmark = pytest.mark.django_db


def _this_quarter():
    return quarters.quarter_of(timezone.localdate())


def test_section_counts_stages_moves_referrals_and_rag(area):
    cycle = Cycle(area, value="800000.00")  # above every approver: referred to the board
    cycle.submit()
    plan = services.action_plan_create(actor=None, local_area=area, title="Plan")
    services.action_create(actor=None, plan=plan, number="1", title="A", owner_agency=cycle.icb,
                           rag="red")
    year, quarter = _this_quarter()
    data = board_report.section(board=cycle.board, year=year, quarter=quarter,
                                agencies=Agency.objects.filter(local_area=area))
    assert data["total"] == 1 and data["stages"][0]["count"] == 1
    assert data["stages"][0]["value"] == 800000  # not sensitive
    assert {r["agency"] for r in data["referrals"]} == {"Council", "ICB"}
    assert data["gates_waiting"] == 1
    assert {r["label"]: r["count"] for r in data["rag"]}["Red"] == 1
    html = render_to_string(board_report.TEMPLATE, data)
    assert "<caption" in html and "<title" in html and "£800,000.00" in html


def test_section_counts_moves_in_the_quarter_and_hides_sensitive_values(area):
    cycle = Cycle(area)
    services.intention_update(actor=None, intention=cycle.intention, value_is_sensitive=True)
    cycle.submit()
    cycle.approve_all()
    services.intention_advance(actor=cycle.commissioner, intention=cycle.intention)
    year, quarter = _this_quarter()
    data = board_report.section(board=cycle.board, year=year, quarter=quarter,
                                agencies=[cycle.council])
    plan = next(r for r in data["stages"] if r["stage"] == "Plan")
    assert (plan["count"], plan["moved_in"], plan["value"]) == (1, 1, 0)
    assert data["moves"] == 1
    previous = quarters.previous_quarter(year, quarter)
    data = board_report.section(board=cycle.board, year=previous[0], quarter=previous[1],
                                agencies=[cycle.council])
    assert data["moves"] == 0


def test_section_is_left_out_when_nothing_is_in_scope(area, council):
    from tests.factories.commissioning import BoardFactory

    board = BoardFactory(local_area=area)
    assert board_report.section(board=board, year="2025-26", quarter=1,
                                agencies=[council]) is None


@pytest.mark.parametrize("size", [10, 1000])
def test_section_costs_constant_queries(size, area, django_assert_max_num_queries):
    cycle = Cycle(area)
    bulk_intentions(cycle.council, cycle.commissioner, size, partners=[cycle.icb],
                    open_gates=True)
    StageGate.objects.filter(intention__local_area=area).update(status="advanced",
                                                                closed_at=timezone.now())
    services.strategy_create(
        actor=None, local_area=area, title="Strategy", period="2025-2028", status="published",
        vision="Happy lives.", principles=[f"Principle {n}" for n in range(size // 10)],
        outcomes=[f"Outcome {n}" for n in range(size // 10)],
        priorities=[{"number": n, "title": f"P{n}"} for n in range(1, size // 10 + 1)])
    year, quarter = _this_quarter()
    # successions (who holds what now), stages, by-stage counts, moves, referrals, gates
    # waiting, RAG: 7; the strategy and its principles, outcomes and priorities: 4
    with django_assert_max_num_queries(11):
        board_report.section(board=cycle.board, year=year, quarter=quarter,
                             agencies=[cycle.council, cycle.icb])


def test_home_panels(area):
    cycle = Cycle(area, value="800000.00")
    cycle.submit()
    panels = {p["title"]: p for p in home.panels(cycle.commissioner, area)}
    assert [i["text"] for i in panels["Your intentions"]["items"]] == [str(cycle.intention)]
    secretary = {p["title"]: p for p in home.panels(cycle.secretary, area)}
    assert len(secretary["Sign-offs referred to boards"]["items"]) == 2
    approver = member(cycle.icb, Role.APPROVER, limit="1000000")
    panels = {p["title"]: p for p in home.panels(approver, area)}
    # the ICB's decision went to the board when the gate opened
    assert panels["Approvals waiting for you"]["items"] == []
