"""Role x report state x action -> allowed. Seats come from the board's guardian group;
area administrators run every board of their area; nobody else reads reports."""
import pytest

from governance import permissions
from governance.models import BoardReport, ReportStatus

pytestmark = pytest.mark.django_db

WHO = ["secretary", "chair", "member", "admin", "commissioner", "parent_carer"]
TABLE = {
    # who: (view board, run board, read ready, read published, publish ready, comment published)
    "secretary": (True, True, True, True, True, True),
    "chair": (True, False, False, True, False, True),
    "member": (True, False, False, True, False, True),
    "admin": (True, True, True, True, True, True),
    "commissioner": (True, False, False, False, False, False),
    "parent_carer": (False, False, False, False, False, False),
}


@pytest.mark.parametrize("who", WHO)
def test_permission_table(gov, who):
    person = getattr(gov, who)
    ready = BoardReport(board=gov.board, year="2025-26", quarter=2, status=ReportStatus.READY)
    published = BoardReport(board=gov.board, year="2025-26", quarter=1,
                            status=ReportStatus.PUBLISHED)
    got = (
        permissions.can_view_board(person, gov.board).allowed,
        permissions.can_run_board(person, gov.board).allowed,
        permissions.can_view_report(person, ready).allowed,
        permissions.can_view_report(person, published).allowed,
        permissions.can_publish_report(person, ready).allowed,
        permissions.can_comment_on_report(person, published).allowed,
    )
    assert got == TABLE[who]


def test_nobody_publishes_twice_or_comments_before_ready(gov):
    queued = BoardReport(board=gov.board, year="2025-26", quarter=2, status=ReportStatus.QUEUED)
    published = BoardReport(board=gov.board, year="2025-26", quarter=2,
                            status=ReportStatus.PUBLISHED)
    assert not permissions.can_publish_report(gov.secretary, published)
    assert not permissions.can_comment_on_report(gov.member, queued)
    assert permissions.can_publish_report(gov.secretary, queued).reason == \
        "Only a ready report can be published."


def test_grants_are_read_once_per_person(gov, django_assert_num_queries):
    permissions.clear_cache(gov.member)
    # One query for the board grants; then cached for every other board check.
    with django_assert_num_queries(1):
        for _ in range(5):
            permissions.board_ids_for(gov.member)
