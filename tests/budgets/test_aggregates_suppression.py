"""Joint package aggregates never re-identify a child (issue 14 #7): the API, the page and
the board report all read the one suppressed table (portal.disclosure)."""
from datetime import date

import pytest
from django.template.loader import render_to_string

from commissioning.budgets import board_report, services
from governance.models import Board

pytestmark = pytest.mark.django_db


def package(finance, area, n, category, cost="60000.00"):
    return services.joint_package_create(
        actor=finance, local_area=area, reference=f"JP-TST-{n:04d}", needs_category=category,
        annual_cost=cost, request_date=date(2025, 5, 1), agreement_date=date(2025, 5, 4),
        percentages={"social_care_amount": "50", "health_amount": "30",
                     "education_amount": "20"})


@pytest.fixture
def packages(area, finance):
    """One child with a distinctive cost in one area of need, eight in another, six in a
    third: the one must not show, nor be worked out from the total."""
    package(finance, area, 1, "semh", cost="123456.78")
    for n in range(2, 10):
        package(finance, area, n, "cognition")
    for n in range(10, 16):
        package(finance, area, n, "sensory-physical", cost="10000.00")


def test_api_suppresses_the_small_row_and_one_more(api, area, viewer, packages):
    body = api.as_user(viewer).get("/api/v1/joint-packages/aggregates/",
                                   {"local_area": area.slug}).json()
    assert body["threshold"] == 5
    by_display = {r["display"]: r for r in body["rows"]}
    small = by_display["fewer than 5"]
    assert small["count"] is None and small["cost"] is None and small["suppressed"] is True
    assert small["social_care"] is None and small["health"] is None
    secondary = by_display["suppressed"]
    assert secondary["count"] is None and secondary["cost"] is None
    shown = [r for r in body["rows"] if not r["suppressed"]]
    assert [(r["count"], r["cost"]) for r in shown] == [(8, "480000.00")]
    assert body["total"]["count"] == 15 and body["total"]["suppressed"] is False
    text = str(body)
    assert "123456.78" not in text and "61728.39" not in text
    # The total minus the shown rows gives only the sum of two suppressed rows.
    assert body["total"]["count"] - sum(r["count"] for r in shown) == 7


def test_page_shows_fewer_than_5(signed_in, viewer, area, packages):
    """A viewer is granted no package: the page shows them the aggregates only."""
    html = signed_in(viewer).get("/joint-packages/").content.decode()
    assert "Fewer than 5" in html and "Suppressed" in html
    assert "£123,456.78" not in html and "£61,728.39" not in html


def test_board_report_is_fed_the_suppressed_table(area, council, icb, finance, packages):
    board = Board.objects.get_or_create(local_area=area, name="SEND Strategic Board")[0]
    data = board_report.section(board=board, year="2025-26", quarter=2,
                                agencies=[council, icb])
    html = render_to_string(board_report.TEMPLATE, data)
    assert "Fewer than 5" in html and "£123,456.78" not in html
    assert data["figures"][-1]["value"] == 15


def test_threshold_is_a_setting(api, area, viewer, packages, settings):
    settings.SMALL_NUMBER_THRESHOLD = 10
    body = api.as_user(viewer).get("/api/v1/joint-packages/aggregates/",
                                   {"local_area": area.slug}).json()
    assert body["threshold"] == 10
    assert all(r["suppressed"] for r in body["rows"])  # 1, 8, 6: all under 10 or exposing
    assert body["total"]["count"] == 15
    assert {r["display"] for r in body["rows"]} == {"fewer than 10"}
