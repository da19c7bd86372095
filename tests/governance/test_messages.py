"""An empty board comment asks for the comment in GOV.UK words, not Django's default
"This field is required." (issue 12)."""
import pytest

from governance import services
from governance.models import BoardReport

pytestmark = pytest.mark.django_db


def test_an_empty_board_comment_asks_for_the_comment(gov, signed_in,
                                                    django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report, _ = services.report_request(actor=None, board=gov.board, year="2025-26",
                                            quarter=2)
    report = BoardReport.objects.get(pk=report.pk)
    client = signed_in(gov.secretary)  # members see it once published
    response = client.post(f"/reports/{report.pk}/comments/", {"body": "   "})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Enter your comment" in page
    assert "This field is required" not in page
