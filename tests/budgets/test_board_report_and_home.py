"""The board report section (positions, partner shares, packages as aggregates only) and
the home panels, each in a constant number of queries."""
from datetime import date
from decimal import Decimal

from django.template.loader import render_to_string

from agencies.roles import Role
from commissioning.budgets import board_report, home, services
from governance.models import Board
from tests.factories import budgets as make


def board(area):
    return Board.objects.get_or_create(local_area=area, name="SEND Strategic Board")[0]


def test_section_gives_positions_and_aggregates(s75, area, council, icb, finance):
    services.joint_package_create(
        actor=finance, local_area=area, reference="JP-TST-0042", needs_category="semh",
        annual_cost="50000.00", request_date=date(2025, 5, 1),
        amounts={"social_care_amount": "25000.00", "health_amount": "25000.00",
                 "education_amount": "0"})
    make.forecast(s75["s1"], 2, "1100000.00")
    data = board_report.section(board=board(area), year="2025-26", quarter=2,
                                agencies=[council, icb])
    pool = data["pools"][0]
    assert pool["variance"] == "100000.00" and pool["overspend"]
    assert sum(Decimal(p["share"]) for p in pool["partners"]) == Decimal(pool["variance"])
    html = render_to_string(board_report.TEMPLATE, data)
    assert "<caption>" in html and "<title id=" in html and "JP-TST-0042" not in html
    assert "£100,000.00" in html
    # One package: suppressed, in the data the report keeps and in what it prints.
    assert data["aggregates"]["total"]["count"] is None
    assert data["figures"][-1] == {"label": "Joint packages", "value": "fewer than 5"}
    assert "£50,000.00" not in html and "£25,000.00" not in html
    assert "Fewer than 5" in html


def test_section_is_left_out_when_nothing_in_scope(area, council):
    assert board_report.section(board=board(area), year="2025-26", quarter=2,
                                agencies=[]) is None
    assert board_report.section(board=board(area), year="2025-26", quarter=2,
                                agencies=[council]) is None


def test_section_queries_constant(area, council, icb, django_assert_max_num_queries):
    make.pool(area, council, icb, schedules=1, spend_lines=1, prefix="A")
    the_board = board(area)
    # 17: the positions' 14 (spend added up by schedule and by month) and the section's own.
    with django_assert_max_num_queries(17):
        board_report.section(board=the_board, year="2025-26", quarter=1, agencies=[council, icb])
    for prefix in "BCDEF":
        make.pool(area, council, icb, schedules=3, spend_lines=2, prefix=prefix)
    with django_assert_max_num_queries(17):
        data = board_report.section(board=the_board, year="2025-26", quarter=1,
                                    agencies=[council, icb])
    assert len(data["pools"]) == 6


def test_home_panels_for_finance(s75, finance, area, django_assert_max_num_queries):
    make.forecast(s75["s1"], 4, "1200000.00")
    with django_assert_max_num_queries(20):
        panels = {p["title"]: p for p in home.panels(finance, area)}
    to_close = [i["text"] for i in panels["Quarters to close"]["items"]]
    assert to_close[0].endswith("Q1 2025-26")
    over = panels["Pools forecasting an overspend"]["items"]
    assert over and "£200,000.00" in over[0]["meta"]
    assert set(panels["Quarters to close"]["roles"]) == {Role.FINANCE, Role.POOLED_FUND_MANAGER,
                                                         Role.APPROVER}


def test_home_panels_absent_for_readers(s75, viewer, area):
    assert home.panels(viewer, area) == []
