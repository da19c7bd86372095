"""The contracts section of a board's quarterly report."""
from datetime import date

import pytest
from django.template.loader import render_to_string

from commissioning.contracts import board_report, services
from governance.models import Board
from tests.factories.contracts import add_return, make_contract, make_kpi

pytestmark = pytest.mark.django_db
TODAY = date(2025, 11, 20)


@pytest.fixture
def board(area):
    return Board.objects.create(local_area=area, name="SEND Strategic Board")


def _fill(area, council, icb, count):
    for n in range(count):
        contract = make_contract(area, council, agencies=[icb], reference=f"BR-{n:02d}",
                                 starts=date(2024, 4, 1), ends=date(2026, 9, 30))
        good, poor, silent = (make_kpi(contract, target="90") for _ in range(3))
        add_return(good, "2025-26", 2, "95", today=TODAY)
        add_return(poor, "2025-26", 2, "60", today=TODAY, comment="Vacancies")


def test_nothing_in_scope_leaves_the_section_out(board, area, council, school):
    make_contract(area, council, reference="X")
    assert board_report.section(board=board, year="2025-26", quarter=2,
                                agencies=[school]) is None


def test_section_content(board, area, council, icb, school):
    _fill(area, council, icb, 2)
    make_contract(area, school, reference="NOT-OURS")
    data = board_report.section(board=board, year="2025-26", quarter=2,
                                agencies=[icb])
    assert data["contract_count"] == 2
    assert data["totals"] == {"green": 2, "amber": 0, "red": 2}
    assert [r["contract"] for r in data["red"]] == ["BR-00", "BR-01"]
    assert data["red"][0]["comment"] == "Vacancies"
    assert len(data["missing"]) == 2                    # the silent KPI of each contract
    assert [c["contract"] for c in data["overdue"]] == ["BR-00", "BR-01"]
    assert [c["contract"] for c in data["ending"]] == ["BR-00", "BR-01"]
    html = render_to_string(board_report.TEMPLATE, data)
    assert "<h3>" in html and "<svg" in html and "<caption" in html and "NOT-OURS" not in html
    assert "<html" not in html and "<script" not in html


def test_assessed_contracts_are_not_overdue(board, area, council, icb):
    _fill(area, council, icb, 1)
    services.assessment_create(actor=None, contract=area.contracts.get(), assessed_on=TODAY)
    data = board_report.section(board=board, year="2025-26", quarter=2, agencies=[council])
    assert data["overdue"] == []


@pytest.mark.parametrize("count", [2, 12])
def test_section_costs_constant_queries(board, area, council, icb, count,
                                        django_assert_num_queries):
    _fill(area, council, icb, count)
    # contract ids, RAG counts, red results, missing returns, overdue, ending, too few KPIs,
    # provider count.
    with django_assert_num_queries(8):
        board_report.section(board=board, year="2025-26", quarter=2, agencies=[council, icb])


def test_the_report_assembly_finds_the_section():
    from governance.reports.assembly import figures_of, section_modules

    assert any(module is board_report for _, module in section_modules())
    figures = figures_of(board_report.TITLE, {"meta": {"quarter": 2}, "contract_count": 3,
                                              "figures": [{"label": "KPI results rated red",
                                                           "value": 1}]})
    # A section that lists its headline `figures` is compared on those alone.
    assert figures == {f"{board_report.TITLE}: KPI results rated red": "1"}
