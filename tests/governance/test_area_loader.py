"""Governance's area-file section: the real demo areas load (twice: idempotent), with their
board hierarchies from the seeds, seats, meetings, decisions and reports produced through
the task path; a bad section names the path of each problem and saves nothing."""
import subprocess
from pathlib import Path

import pytest
import yaml
from django.conf import settings

from governance.models import Board, BoardMember, BoardReport, Decision, Meeting, ReportStatus
from portal import area_files

pytestmark = pytest.mark.django_db
AREAS = Path(settings.BASE_DIR) / "demo" / "areas"


def _chain(area_slug, name):
    board = Board.objects.get(local_area__slug=area_slug, name=name)
    names = []
    while board:
        names.append(board.name)
        board = board.parent
    return names


def test_the_demo_areas_load_twice_with_their_real_board_hierarchies(
        django_capture_on_commit_callbacks):
    for _ in range(2):
        for slug in ("worcestershire", "derbyshire", "llr"):
            with django_capture_on_commit_callbacks(execute=True):
                area_files.load(AREAS / f"{slug}.yaml", password="x")
    assert _chain("derbyshire", "SEND Commissioning Hub") == [
        "SEND Commissioning Hub", "SEND Strategic Board", "Derbyshire Children's Partnership",
        "Health and Wellbeing Board"]
    assert _chain("worcestershire", "Children and Young People Joint Commissioning Group") == [
        "Children and Young People Joint Commissioning Group",
        "Integrated Commissioning Executive Officers Group", "Health and Wellbeing Board"]
    assert Board.objects.filter(local_area__slug="llr",
                                name="SEND Joint Commissioning Group").exists()
    hub = Board.objects.get(local_area__slug="derbyshire", name="SEND Commissioning Hub")
    assert hub.meeting_frequency == "monthly"
    seats = set(BoardMember.objects.filter(board=hub).values_list("user__username", "role"))
    assert {("derbyshire.board-member", "member"),
            ("derbyshire.board-secretary", "secretary")} <= seats
    counts = (Board.objects.count(), BoardMember.objects.count(), Meeting.objects.count(),
              Decision.objects.count(), BoardReport.objects.count())
    assert counts[0] == 8 and counts[3] >= 15
    # Every board has its past quarters' reports, produced once each.
    assert counts[4] == 16
    assert set(BoardReport.objects.values_list("status", flat=True)) == {ReportStatus.READY}
    assert set(BoardReport.objects.values_list("attempts", flat=True)) == {1}
    # The parent's report rolls up its child's stored figures.
    strategic = BoardReport.objects.get(board__name="SEND Strategic Board",
                                        board__local_area__slug="derbyshire", quarter=2)
    assert [r["board"] for r in strategic.data["rollup"]] == ["SEND Commissioning Hub"]
    # The demo reports carry every app's sections that have data, and stay tagged PDFs.
    assert "Board business this quarter" in [s["title"] for s in strategic.data["sections"]]
    pdfua = Path(settings.BASE_DIR) / ".venv" / "bin" / "pdfua"
    result = subprocess.run([str(pdfua), "check", strategic.pdf.path, "--min-severity",
                             "error"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout


def test_a_bad_boards_section_names_each_problem_and_saves_nothing(tmp_path):
    data = yaml.safe_load((AREAS / "llr.yaml").read_text())
    data["boards"] = [{"name": "Group", "parent": "Nowhere", "meeting_frequency": "daily",
                       "delegated_limit": "lots", "scope": ["nobody"],
                       "members": [{"person": "ghost", "agency": "leics", "role": "king"}],
                       "meetings": [{"date": "soon", "agenda": [
                           {"title": "x", "decision": {"outcome": "maybe"}}]}],
                       "reports": [{"year": "2026", "quarter": 5}]}]
    path = tmp_path / "llr.yaml"
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(area_files.AreaFileError) as exc:
        area_files.load(path)
    problems = dict(exc.value.problems)
    for key in ("boards[0].parent", "boards[0].meeting_frequency", "boards[0].delegated_limit",
                "boards[0].scope[0]", "boards[0].members[0].person",
                "boards[0].members[0].role", "boards[0].meetings[0].date",
                "boards[0].meetings[0].agenda[0].decision.outcome",
                "boards[0].meetings[0].agenda[0].decision.reason",
                "boards[0].reports[0].year", "boards[0].reports[0].quarter"):
        assert key in problems, key
    assert not Board.objects.exists()
