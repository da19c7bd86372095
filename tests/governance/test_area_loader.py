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
    """The boards above `name`, following the first board it reports to (by name)."""
    board = Board.objects.get(local_area__slug=area_slug, name=name)
    names = []
    while board:
        names.append(board.name)
        board = board.reports_to.order_by("name").first()
    return names


def _rollup(area_slug, name, quarter=2):
    report = BoardReport.objects.get(board__name=name, board__local_area__slug=area_slug,
                                     quarter=quarter)
    return [r["board"] for r in report.data["rollup"]]


def test_the_demo_areas_load_twice_with_their_real_board_hierarchies(
        django_capture_on_commit_callbacks):
    for _ in range(2):
        for slug in ("worcestershire", "derbyshire", "llr"):
            with django_capture_on_commit_callbacks(execute=True):
                area_files.load(AREAS / f"{slug}.yaml", password="x")
    assert _chain("derbyshire", "SEND Commissioning Hub") == [
        "SEND Commissioning Hub", "SEND Strategic Board", "Derbyshire Children's Partnership",
        "Health and Wellbeing Board"]
    # The CYP JCG "reports to ICEOG and to CYP Partnership" (Worcestershire's strategy).
    jcg = Board.objects.get(local_area__slug="worcestershire",
                            name="Children and Young People Joint Commissioning Group")
    assert sorted(b.name for b in jcg.reports_to.all()) == [
        "Children and Young People's Partnership Board",
        "Integrated Commissioning Executive Officers Group"]
    assert _chain("worcestershire", "Integrated Commissioning Executive Officers Group") == [
        "Integrated Commissioning Executive Officers Group", "Health and Wellbeing Board"]
    # Sovereign bodies per agency: the council's cabinet for the council, the ICB's board
    # for the ICB, the joint boards for both.
    deciding = {b.name: sorted(d.agency.short_name for d in b.delegations.all())
                for b in Board.objects.filter(local_area__slug="derbyshire")}
    assert deciding["Derbyshire County Council Cabinet"] == ["DCC"]
    assert deciding["NHS Derby and Derbyshire ICB Board"] == ["DDICB"]
    assert deciding["SEND Strategic Board"] == ["DCC", "DDICB"]
    assert deciding["Health and Wellbeing Board"] == []
    assert Board.objects.filter(local_area__slug="llr",
                                name="SEND Joint Commissioning Group").exists()
    hub = Board.objects.get(local_area__slug="derbyshire", name="SEND Commissioning Hub")
    assert hub.meeting_frequency == "monthly"
    seats = set(BoardMember.objects.filter(board=hub).values_list("user__username", "role"))
    assert {("derbyshire.board-member", "member"),
            ("derbyshire.board-secretary", "secretary")} <= seats
    counts = (Board.objects.count(), BoardMember.objects.count(), Meeting.objects.count(),
              Decision.objects.count(), BoardReport.objects.count())
    assert counts[0] == 18 and counts[3] >= 15
    # Every board has its past quarters' reports, produced once each.
    assert counts[4] == 16
    assert set(BoardReport.objects.values_list("status", flat=True)) == {ReportStatus.READY}
    assert set(BoardReport.objects.values_list("attempts", flat=True)) == {1}
    # The parent's report rolls up its child's stored figures.
    strategic = BoardReport.objects.get(board__name="SEND Strategic Board",
                                        board__local_area__slug="derbyshire", quarter=2)
    assert [r["board"] for r in strategic.data["rollup"]] == ["SEND Commissioning Hub"]
    # The roll-up goes all the way down: the Health and Wellbeing Board's report covers the
    # Hub three levels below; Worcestershire's covers the CYP JCG once, though it reports up
    # by two routes.
    assert _rollup("derbyshire", "Health and Wellbeing Board") == [
        "Derbyshire Children's Partnership", "SEND Strategic Board", "SEND Commissioning Hub"]
    assert _rollup("worcestershire", "Health and Wellbeing Board") == [
        "Children and Young People's Partnership Board",
        "Integrated Commissioning Executive Officers Group",
        "Children and Young People Joint Commissioning Group"]
    # The demo reports carry every app's sections that have data, and stay tagged PDFs.
    assert "Board business this quarter" in [s["title"] for s in strategic.data["sections"]]
    pdfua = Path(settings.BASE_DIR) / ".venv" / "bin" / "pdfua"
    result = subprocess.run([str(pdfua), "check", strategic.pdf.path, "--min-severity",
                             "error"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout


def test_a_bad_boards_section_names_each_problem_and_saves_nothing(tmp_path):
    data = yaml.safe_load((AREAS / "llr.yaml").read_text())
    data["boards"] = [{"name": "Group", "parent": "Nowhere", "reports_to": ["Nowhere"],
                       "decides_for": ["nobody", {"agency": "leics", "limit": "lots"}],
                       "meeting_frequency": "daily",
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
    assert problems["boards[0].parent"] == "unknown key; did you mean 'reports_to'?"
    assert problems["boards[0].reports_to[0]"] == "unknown board 'Nowhere'"
    assert problems["boards[0].decides_for[0]"] == "unknown agency 'nobody'"
    assert problems["boards[0].decides_for[1].limit"] == "'lots' is not an amount of money"
    for key in ("boards[0].parent", "boards[0].meeting_frequency", "boards[0].delegated_limit",
                "boards[0].scope[0]", "boards[0].members[0].person",
                "boards[0].members[0].role", "boards[0].meetings[0].date",
                "boards[0].meetings[0].agenda[0].decision.outcome",
                "boards[0].meetings[0].agenda[0].decision.reason",
                "boards[0].reports[0].year", "boards[0].reports[0].quarter"):
        assert key in problems, key
    assert not Board.objects.exists()


def test_an_area_file_refuses_a_reports_to_loop_naming_it(tmp_path):
    data = yaml.safe_load((AREAS / "llr.yaml").read_text())
    data["boards"] = [
        {"name": "Top", "reports_to": ["Bottom"]},
        {"name": "Middle", "reports_to": ["Top"]},
        {"name": "Bottom", "reports_to": ["Middle", "Top"]},
        {"name": "Selfish", "reports_to": ["Selfish"]},
    ]
    path = tmp_path / "llr.yaml"
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(area_files.AreaFileError) as exc:
        area_files.load(path)
    problems = dict(exc.value.problems)
    assert problems["boards[0].reports_to"] == (
        "a loop: Top reports to Bottom reports to Top; a board cannot report to a board "
        "below it")
    assert problems["boards[3].reports_to[0]"] == "a board cannot report to itself"
    assert not Board.objects.exists()
