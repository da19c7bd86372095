"""The contract page's golden thread links a board report only for people who may read it
(governance.permissions); the others see its name, no link, and why (issue 12)."""
import re

import pytest

from agencies.roles import Role
from governance.models import BoardReport, ReportStatus
from tests.factories.governance import board, seat

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(area, council, icb):
    hub = board(area, name="Hub", scope=[council, icb])
    return BoardReport.objects.create(board=hub, year="2026-27", quarter=2,
                                      status=ReportStatus.PUBLISHED)


def _report_links(body):
    return re.findall(r'href="(/reports/\d+/)"', body)


def test_a_commissioner_not_on_the_board_sees_the_report_named_without_a_link(
        signed_in, commissioner, contract, report):
    client = signed_in(commissioner)
    body = client.get(f"/contracts/{contract.pk}/").content.decode()
    assert "Hub 2026-27 Q2" in body
    assert _report_links(body) == []
    assert "Not linked: Only the board&#x27;s members, secretaries and the area&#x27;s " \
           "administrators read its reports." in body
    assert client.get(f"/reports/{report.pk}/").status_code == 404  # what the link would do


def test_a_board_member_gets_the_link_and_it_works(signed_in, council, contract, report,
                                                   make_member):
    reader = make_member(council, Role.BOARD_MEMBER, username="hub.member")
    seat(report.board, council, "member", user=reader)
    client = signed_in(reader)
    body = client.get(f"/contracts/{contract.pk}/").content.decode()
    assert _report_links(body) == [f"/reports/{report.pk}/"] and "Not linked" not in body
    assert client.get(f"/reports/{report.pk}/").status_code == 200
