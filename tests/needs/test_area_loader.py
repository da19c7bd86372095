"""The `needs` section of the real demo area files loads, twice, changing nothing the second
time; the seeds' own figures come out as the seeds say."""
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction

from needs import board_report, selectors
from needs.models import ComparatorSet, Finding, Observation
from portal import area_files

AREAS = Path(settings.BASE_DIR) / "demo" / "areas"


def _snapshot():
    return (list(Observation.objects.order_by("pk").values()),
            [(f.pk, f.statement, f.found_on, sorted(o.pk for o in f.observations.all()),
              sorted(p.pk for p in f.priorities.all()))
             for f in Finding.objects.order_by("pk")])


@pytest.fixture(scope="module")
def _loaded_once(django_db_setup, django_db_blocker):
    """The three demo areas, loaded once for the module (12 s) in a transaction rolled back
    at its end, as Django's TestCase.setUpTestData does: each test runs in a savepoint."""
    with django_db_blocker.unblock(), transaction.atomic():
        for slug in ("worcestershire", "derbyshire", "llr"):
            area_files.load(AREAS / f"{slug}.yaml", password="x")
        yield
        transaction.set_rollback(True)


@pytest.fixture
def loaded(_loaded_once, db):
    """The demo areas, as loaded; what a test changes is undone after it."""


def test_demo_loads_idempotently(loaded):
    before = _snapshot()
    assert Observation.objects.count() == 540
    for slug in ("worcestershire", "derbyshire", "llr"):
        area_files.load(AREAS / f"{slug}.yaml", password="x")
    assert _snapshot() == before


def test_worcestershire_send_prevalence_vs_england(loaded):
    comparators = ComparatorSet.objects.get(local_area__slug="worcestershire")
    area = comparators.local_area
    assert comparators.geography.code == "E10000034"
    assert comparators.region.code == "E12000005"
    assert comparators.neighbours.count() == 5
    worcs = Observation.objects.get(indicator__code="sen-prevalence", geography__code="E10000034",
                                    period="January 2019")
    england = Observation.objects.get(indicator__code="sen-prevalence",
                                      geography__code="E92000001", period="January 2019")
    assert (worcs.value, england.value) == (Decimal("15.9"), Decimal("14.9"))
    from agencies.models import User

    actor = User.objects.get(username="worcestershire.commissioner")
    _, rows = selectors.dashboard(actor=actor, local_area=area)
    sen = next(r for r in rows if r.indicator.code == "sen-prevalence")
    assert sen.vs_england.key == "higher"
    premature = next(r for r in rows if r.indicator.code == "premature-births")
    assert premature.vs_england.key == "worse"  # the seed: "significantly higher", higher is worse
    autism = next(r for r in rows if r.indicator.code == "autism-primary")
    assert autism.vs_england.key == "lower"  # the seed: "significantly lower"
    finding = Finding.objects.filter(local_area=area).order_by("pk").first()
    assert "15.9%" in finding.statement
    assert {o.value for o in finding.observations.all()} == {Decimal("15.9"), Decimal("14.9")}


def test_derbyshire_pupils_with_sen(loaded):
    obs = Observation.objects.get(indicator__code="sen-pupils", geography__code="E10000007",
                                  period="January 2021")
    assert obs.value == Decimal("18019")
    assert Observation.objects.filter(indicator__code="ehcp-pupils",
                                      geography__code="E10000007").count() == 5


def test_board_report_section(loaded, django_assert_max_num_queries):
    from governance.models import Board

    area = ComparatorSet.objects.get(local_area__slug="derbyshire").local_area
    board = Board.objects.filter(local_area=area).first()
    if board is None:
        board = Board.objects.create(local_area=area, name="SEND Strategic Board")
    with django_assert_max_num_queries(6):
        data = board_report.section(board=board, year="2025-26", quarter=2, agencies=[])
    assert data["area"] == "Derbyshire"
    names = [r["name"] for r in data["rows"]]
    assert "Pupils with special educational needs (number)" in names
    assert data["findings"]
    from django.template.loader import render_to_string

    html = render_to_string(board_report.TEMPLATE, data)
    assert "<caption" in html and "18,019" in html


def test_findings_link_to_priorities_when_the_cycle_lists_them(loaded):
    """Worcestershire's cycle section lists its strategy's priorities: findings link to
    them by strategy title and number. Areas whose cycle has no priorities yet load anyway."""
    worcs = Finding.objects.filter(local_area__slug="worcestershire").order_by("pk")
    assert [p.title for p in worcs[0].priorities.all()] == [
        "Achieve and succeed", "Live happy, healthy and fun-filled lives"]
    for finding in Finding.objects.all():
        assert all(p.strategy.local_area_id == finding.local_area_id
                   for p in finding.priorities.all())
