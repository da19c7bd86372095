"""The report library and a board's reports through the API (issue 13): what the person
may read, newest quarter first, filtered, paginated, at a constant number of queries."""
import pytest

from governance.models import BoardReport, ReportStatus
from tests.factories.governance import board

pytestmark = pytest.mark.django_db


def _report(on_board, year="2025-26", quarter=1, status=ReportStatus.PUBLISHED, version=1):
    return BoardReport.objects.create(board=on_board, year=year, quarter=quarter,
                                      status=status, version=version)


def test_library_lists_what_each_person_may_read(api, gov, other_area):
    published = _report(gov.board, quarter=2)
    draft = _report(gov.board, quarter=1, status=ReportStatus.READY)
    _report(board(other_area, name="Elsewhere board"), quarter=2)

    secretary = api.as_user(gov.secretary).get("/api/v1/reports/").json()
    assert [r["id"] for r in secretary["results"]] == [published.pk, draft.pk]
    member = api.as_user(gov.member).get("/api/v1/reports/").json()
    assert [r["id"] for r in member["results"]] == [published.pk]  # drafts: secretaries
    assert member["results"][0]["board"] == {"id": gov.board.pk, "name": gov.board.name}
    carer = api.as_user(gov.parent_carer).get("/api/v1/reports/").json()
    assert carer["count"] == 0


def test_library_filters_and_refuses_bad_values(api, gov):
    other = board(gov.area, name="SEND Commissioning Hub")
    q1 = _report(gov.board, quarter=1)
    q2 = _report(gov.board, quarter=2, year="2024-25")
    hub = _report(other, quarter=1)
    client = api.as_user(gov.admin)  # the area's administrator reads every board's

    def ids(query):
        response = client.get(f"/api/v1/reports/?{query}")
        assert response.status_code == 200, response.json()
        return {r["id"] for r in response.json()["results"]}

    assert ids(f"board={gov.board.pk}") == {q1.pk, q2.pk}
    assert ids("year=2024-25") == {q2.pk}
    assert ids("quarter=1") == {q1.pk, hub.pk}
    assert ids("status=published&local_area=testshire") == {q1.pk, q2.pk, hub.pk}
    for bad in ("board=-2e116", "board=abc", "year=2025", "quarter=5", "status=lost"):
        response = client.get(f"/api/v1/reports/?{bad}")
        assert response.status_code == 400, bad
        assert response.json()["errors"], bad


def test_a_boards_reports_answer_get_and_keep_post(api, gov, other_area):
    older = _report(gov.board, quarter=1)
    newer = _report(gov.board, quarter=2)
    client = api.as_user(gov.secretary)
    response = client.get(f"/api/v1/boards/{gov.board.pk}/reports/")
    assert response.status_code == 200
    assert [r["id"] for r in response.json()["results"]] == [newer.pk, older.pk]
    elsewhere = board(other_area, name="Elsewhere board")
    assert client.get(f"/api/v1/boards/{elsewhere.pk}/reports/").status_code == 404
    assert client.get("/api/v1/boards/999999/reports/").status_code == 404


@pytest.mark.parametrize("count", [2, 24])
def test_lists_cost_constant_queries(count, api, gov, django_assert_max_num_queries):
    for n in range(count):
        _report(board(gov.area, name=f"Board {n}"), quarter=1 + n % 4)
    client = api.as_user(gov.admin)
    with django_assert_max_num_queries(12):
        assert client.get("/api/v1/reports/").json()["count"] == count
    with django_assert_max_num_queries(12):
        client.get(f"/api/v1/boards/{gov.board.pk}/reports/")
