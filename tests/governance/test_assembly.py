"""Headline figures and the quarter comparison, from section data as stored."""
from decimal import Decimal

from governance.reports.assembly import compare, figures_of


def test_a_sections_figures_list_wins():
    data = {"figures": [{"label": "KPI results rated red", "value": 3}], "total": 12}
    assert figures_of("Contracts", data) == {"Contracts: KPI results rated red": "3"}


def test_top_level_numbers_are_figures_without_period_or_chart_geometry():
    data = {"year": "2025-26", "quarter": 2, "total": 14, "moves": 3, "chart_height": 176,
            "chart_width": 480, "pooled": Decimal("7200000.00"), "flag": True,
            "rows": [{"n": 1}]}
    assert figures_of("Cycle", data) == {"Cycle: Total": "14", "Cycle: Moves": "3",
                                         "Cycle: Pooled": "7200000.00"}


def test_compare_gives_the_change_and_leaves_new_figures_blank():
    now = {"figures": {"A": "10", "B": "5.50", "C": "n/a"}}
    before = {"figures": {"A": "7", "B": "6.00", "C": "n/a"}}
    rows = {r["label"]: r for r in compare(now, before)}
    assert rows["A"]["change"] == "3" and rows["B"]["change"] == "-0.50"
    assert rows["C"]["change"] is None
    assert compare(now, None)[0]["previous"] is None
