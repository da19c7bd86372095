"""`generate_scale`: a small nation is reproducible, obeys the models' rules, renders and
reports; the command refuses a database with a real area in it."""
from collections import Counter
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count, Sum
from django.urls import reverse

from portal.scale import nation

pytestmark = pytest.mark.django_db

SMALL = {"areas": 4, "intentions": 120, "spend_lines": 2_000, "observations": 1_500}


class _Undo(Exception):
    def __init__(self, value):
        self.value = value


def _fingerprint():
    """What must be the same for the same seed: counts, codes, money, stages."""
    from commissioning.budgets.models import Spend
    from commissioning.models import Intention
    from governance.models import Board
    from needs.models import Observation

    return {
        "references": list(Intention.objects.order_by("local_area__slug", "reference")
                           .values_list("reference", "estimated_annual_value",
                                        "current_stage__position", "status")),
        "spend": Spend.objects.aggregate(n=Count("id"), total=Sum("amount")),
        "observations": Observation.objects.aggregate(n=Count("id"), total=Sum("value")),
        "boards": list(Board.objects.order_by("local_area__slug", "name", "reports_to__name")
                       .values_list("local_area__slug", "name", "reports_to__name")),
    }


def _build_and_undo(seed):
    """Generate in a savepoint, take the fingerprint, roll it all back."""
    try:
        with transaction.atomic():
            result = nation.generate(nation.Plan(seed=seed, **SMALL), out=lambda _: None)
            raise _Undo((result.counts, result.first_code, result.last_code, _fingerprint()))
    except _Undo as undo:
        return undo.value


def test_the_same_seed_gives_the_same_nation_and_another_seed_another():
    first = _build_and_undo(seed=7)
    again = _build_and_undo(seed=7)
    other = _build_and_undo(seed=8)
    counts, first_code, last_code, fingerprint = first
    assert first == again
    assert counts["areas"] == 4 and counts["intention"] == 120
    assert counts["spend"] == 2_000 and counts["observation"] == 1_500
    assert first_code == "GAA-2024-0001" and last_code == "GAD-2024-0030"
    assert other[0]["intention"] == 120 and other[1:3] == first[1:3]
    assert other[3]["spend"]["total"] != fingerprint["spend"]["total"]  # the seed matters


def test_it_refuses_a_database_with_a_real_area(area):
    with pytest.raises(CommandError, match="real local areas"):
        call_command("generate_scale", "--areas", "1", "--scale", "0.0001")
    from agencies.models import LocalArea

    assert list(LocalArea.objects.values_list("slug", flat=True)) == ["testshire"]


@pytest.fixture
def small_nation(django_capture_on_commit_callbacks):
    result = nation.generate(nation.Plan(seed=3, **SMALL), out=lambda _: None)
    with pytest.raises(nation.NationError, match="already holds a generated nation"):
        nation.check_database()
    return result


def test_the_generated_rows_pass_the_models_rules(small_nation):
    """Sampled rows validate (codes, references, money to the penny), and every intention
    has moved through its stages by gates signed off by the lead and every partner."""
    from agencies.models import Agency, LocalArea
    from commissioning.budgets.models import Spend
    from commissioning.contracts.models import KPIReturn
    from commissioning.contracts.rules import kpi_rag
    from commissioning.models import Intention, SignOff, StageGate
    from governance import report_order
    from governance.models import Board
    from needs.models import Observation

    assert LocalArea.objects.count() == 4
    assert all(a.slug.startswith("gen-") for a in LocalArea.objects.all())
    for model in (Agency, Intention, StageGate, SignOff, Spend, KPIReturn, Observation):
        for row in model.objects.order_by("pk")[:20]:
            row.full_clean()
    assert not Spend.objects.exclude(amount__gt=0).exists()
    assert {a.amount.as_tuple().exponent for a in Spend.objects.all()[:200]} == {-2}
    kinds = Counter(Agency.objects.values_list("kind", flat=True))
    assert kinds["council"] == kinds["icb"] == 4
    for intention in Intention.objects.prefetch_related("partner_agencies", "gates__sign_offs"):
        advanced = [g for g in intention.gates.all() if g.status == "advanced"]
        assert len(advanced) == intention.current_stage.position - 1
        parties = {intention.lead_agency_id, *(p.pk for p in intention.partner_agencies.all())}
        for gate in advanced:
            assert {s.agency_id for s in gate.sign_offs.all()} == parties
            assert gate.to_stage.position == gate.from_stage.position + 1
    for kpi_return in KPIReturn.objects.select_related("kpi")[:50]:
        assert kpi_return.rag == kpi_rag(kpi_return.kpi, kpi_return.value)
    # Boards in hierarchies of three to five levels.
    ids = list(Board.objects.values_list("pk", flat=True))
    levels = report_order.board_levels(ids, report_order.reporting_edges())
    by_area = {}
    for board in Board.objects.all():
        by_area[board.local_area_id] = max(by_area.get(board.local_area_id, 0),
                                           levels[board.pk] + 1)
    assert sorted(by_area.values()) == [3, 3, 4, 5]


def test_a_generated_areas_pages_render(small_nation, signed_in):
    from agencies.models import User
    from commissioning.budgets.models import Section75Agreement
    from governance.models import Board

    user = User.objects.get(username="gen-001.admin")
    client = signed_in(user)
    board = Board.objects.filter(local_area__slug="gen-001", reports_to__isnull=True).get()
    agreement = Section75Agreement.objects.get(local_area__slug="gen-001")
    for url in ("/", reverse("commissioning:intention-list"),
                reverse("commissioning:intention-by-stage"), reverse("needs:dashboard"),
                reverse("governance:board-list"), reverse("governance:board-detail",
                                                          args=[board.pk]),
                reverse("budgets:position", args=[agreement.pk]) + "?year=2025-26&quarter=2"):
        response = client.get(url)
        assert response.status_code == 200, url
    listed = client.get(reverse("commissioning:intention-list")).content.decode()
    assert "GAA-2024-0001" in listed


def test_a_generated_quarter_is_reported_with_every_roll_up(small_nation,
                                                            django_capture_on_commit_callbacks):
    from governance import report_order, services
    from governance.graph import Graph
    from governance.models import Board, BoardReport, ReportStatus

    with django_capture_on_commit_callbacks(execute=True):
        created = services.reports_request_quarter(year=nation.YEAR, quarter=nation.QUARTER)
    assert len(created) == Board.objects.count() == small_nation.counts["boards"]
    reports = {r.board_id: r for r in BoardReport.objects.select_related("board")}
    assert {r.status for r in reports.values()} == {ReportStatus.READY}
    graph = Graph(report_order.reporting_edges())
    for board in Board.objects.all():
        below = set(graph.descendants([board.pk]))
        rolled = {row["board_id"]: row for row in reports[board.pk].data["rollup"]}
        assert set(rolled) == below  # every board below, each with its finished report
        assert all(rolled[pk]["report_id"] == reports[pk].pk for pk in below)
    top = Board.objects.filter(reports_to__isnull=True).first()
    figures = reports[top.pk].data["figures"]
    assert Decimal(figures["Pooled budgets: Total of contributions"]) > 0
    assert int(figures["Commissioning cycle: Total"]) > 0
