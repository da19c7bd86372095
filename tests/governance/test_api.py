"""The governance API: boards, meetings, decisions, reports (idempotent 202), PDF, publish,
comments; missing and forbidden are the same 404; errors have one shape."""
import hashlib

import pytest

from governance.models import BoardReport, ReportStatus
from tests.factories.governance import board, quorate_meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def eager_commit(django_capture_on_commit_callbacks):
    def run(fn):
        with django_capture_on_commit_callbacks(execute=True):
            return fn()
    return run


def test_boards_list_filters_by_area_and_hides_other_areas(api, gov, other_area):
    board(other_area, name="Elsewhere board")
    child = board(gov.area, name="SEND Commissioning Hub", reports_to=gov.board)
    body = api.as_user(gov.member).get("/api/v1/boards/?local_area=testshire").json()
    assert sorted(b["name"] for b in body["results"]) == ["SEND Commissioning Hub",
                                                          "SEND Strategic Board"]
    assert api.get("/api/v1/boards/?local_area=otherton").json()["results"] == []
    detail = api.get(f"/api/v1/boards/{gov.board.pk}/").json()
    assert detail["reporting_boards"] == [{"id": child.pk, "name": "SEND Commissioning Hub"}]
    assert detail["reports_to"] == [] and detail["decides_for"] == []
    assert {m["role"] for m in detail["members"]} == {"secretary", "chair", "member"}
    assert detail["delegated_limit"] == "2000000.00"


def test_boards_are_404_outside_the_area_and_for_the_co_production_roles(api, gov, other_area):
    elsewhere = board(other_area, name="Elsewhere board")
    assert api.as_user(gov.member).get(f"/api/v1/boards/{elsewhere.pk}/").status_code == 404
    assert api.as_user(gov.parent_carer).get(f"/api/v1/boards/{gov.board.pk}/").status_code == 404
    assert api.get("/api/v1/boards/999999/").status_code == 404


def test_meetings_get_and_post(api, gov):
    client = api.as_user(gov.secretary)
    created = client.post("/api/v1/meetings/", {"board": gov.board.pk, "date": "2025-09-18",
                                                "location": "County Hall"})
    assert created.status_code == 201, created.json()
    listed = client.get(f"/api/v1/meetings/?board={gov.board.pk}").json()["results"]
    assert [m["date"] for m in listed] == ["2025-09-18"]
    bad = client.post("/api/v1/meetings/", {"board": gov.board.pk, "date": "2025-09-18",
                                            "location": "Again"})
    assert bad.status_code == 400 and set(bad.json()) >= {"message", "errors"}
    assert "date" in bad.json()["errors"]
    forbidden = api.as_user(gov.member).post("/api/v1/meetings/", {
        "board": gov.board.pk, "date": "2025-09-19", "location": "Room"})
    assert forbidden.status_code == 403


def test_decisions_post(api, gov):
    from governance import services

    held = quorate_meeting(gov.board)
    item = services.agenda_item_add(actor=None, meeting=held, title="Short breaks")
    client = api.as_user(gov.secretary)
    url = f"/api/v1/meetings/{held.pk}/decisions/"
    missing_reason = client.post(url, {"agenda_item": item.pk, "outcome": "approved"})
    assert missing_reason.status_code == 400 and "reason" in missing_reason.json()["errors"]
    done = client.post(url, {"agenda_item": item.pk, "outcome": "approved",
                             "reason": "Meets the evidenced need.", "method": "vote",
                             "votes_for": 3, "votes_against": 0})
    assert done.status_code == 201 and done.json()["votes_for"] == 3
    again = client.post(url, {"agenda_item": item.pk, "outcome": "rejected", "reason": "No"})
    assert again.status_code == 409
    wrong_item = client.post(url, {"agenda_item": 424242, "outcome": "noted", "reason": "x"})
    assert wrong_item.status_code == 400 and "agenda_item" in wrong_item.json()["errors"]


def test_report_request_is_202_and_the_same_request_returns_the_same_report(
        api, gov, eager_commit):
    client = api.as_user(gov.secretary)
    url = f"/api/v1/boards/{gov.board.pk}/reports/"
    first = client.post(url, {"year": "2025-26", "quarter": 2})
    assert first.status_code == 202
    assert set(first.json()) >= {"id", "status", "version"} and first.json()["version"] == 1
    again = client.post(url, {"year": "2025-26", "quarter": 2})
    assert again.status_code in (200, 202) and again.json()["id"] == first.json()["id"]
    produced = eager_commit(lambda: client.post(url, {"year": "2025-26", "quarter": 1}))
    assert produced.status_code == 202
    newer = eager_commit(lambda: client.post(url, {"year": "2025-26", "quarter": 1,
                                                   "new_version": True}))
    assert newer.status_code == 202 and newer.json()["version"] == 2
    bad = client.post(url, {"year": "2025/26", "quarter": 7})
    assert bad.status_code == 400 and {"year", "quarter"} <= set(bad.json()["errors"])
    assert api.as_user(gov.member).post(url, {"year": "2025-26", "quarter": 2}).status_code \
        == 403


def test_report_detail_pdf_publish_and_comments(api, gov, eager_commit):
    client = api.as_user(gov.secretary)
    created = eager_commit(lambda: client.post(f"/api/v1/boards/{gov.board.pk}/reports/",
                                               {"year": "2025-26", "quarter": 2}))
    pk = created.json()["id"]
    detail = client.get(f"/api/v1/reports/{pk}/").json()
    assert detail["status"] == "ready" and len(detail["sha256"]) == 64
    assert detail["page_count"] >= 3 and detail["duration_seconds"] is not None
    assert detail["error"] == ""
    pdf = client.get(f"/api/v1/reports/{pk}/pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    content = b"".join(pdf.streaming_content)
    assert content.startswith(b"%PDF") and hashlib.sha256(content).hexdigest() == detail["sha256"]
    # Members see published reports only; then they may comment.
    member = api.as_user(gov.member)
    assert member.get(f"/api/v1/reports/{pk}/").status_code == 404
    published = eager_commit(lambda: api.as_user(gov.secretary).post(
        f"/api/v1/reports/{pk}/publish/"))
    assert published.status_code == 200 and published.json()["status"] == "published"
    member = api.as_user(gov.member)
    assert member.get(f"/api/v1/reports/{pk}/").status_code == 200
    comment = member.post(f"/api/v1/reports/{pk}/comments/", {"body": "Why fewer decisions?"})
    assert comment.status_code == 201
    reply = api.as_user(gov.secretary).post(f"/api/v1/reports/{pk}/comments/", {
        "body": "Two meetings were cancelled.", "parent": comment.json()["id"]})
    assert reply.status_code == 201 and reply.json()["parent"] == comment.json()["id"]
    thread = api.as_user(gov.member).get(f"/api/v1/reports/{pk}/comments/").json()["results"]
    assert [c["body"] for c in thread] == ["Why fewer decisions?",
                                           "Two meetings were cancelled."]
    empty = api.as_user(gov.member).post(f"/api/v1/reports/{pk}/comments/", {"body": ""})
    assert empty.status_code == 400 and "body" in empty.json()["errors"]


def test_a_tampered_pdf_is_withheld(api, gov, eager_commit):
    client = api.as_user(gov.secretary)
    pk = eager_commit(lambda: client.post(f"/api/v1/boards/{gov.board.pk}/reports/",
                                          {"year": "2025-26", "quarter": 2})).json()["id"]
    report = BoardReport.objects.get(pk=pk)
    with open(report.pdf.path, "r+b") as handle:
        handle.seek(100)
        handle.write(b"X")
    response = client.get(f"/api/v1/reports/{pk}/pdf/")
    assert response.status_code == 409 and "checksum" in response.json()["message"]


@pytest.mark.parametrize("who", ["commissioner", "parent_carer", "outsider"])
def test_reports_are_404_to_everyone_else(api, gov, who, eager_commit, other_area):
    from agencies.roles import Role
    from tests.factories.agencies import AgencyFactory, member

    pk = eager_commit(lambda: api.as_user(gov.secretary).post(
        f"/api/v1/boards/{gov.board.pk}/reports/", {"year": "2025-26", "quarter": 2})).json()["id"]
    BoardReport.objects.filter(pk=pk).update(status=ReportStatus.PUBLISHED)
    person = getattr(gov, who, None) or member(AgencyFactory(local_area=other_area),
                                               Role.ADMIN)
    client = api.as_user(person)
    for path in (f"/api/v1/reports/{pk}/", f"/api/v1/reports/{pk}/pdf/",
                 f"/api/v1/reports/{pk}/comments/"):
        assert client.get(path).status_code == 404, path
    assert client.post(f"/api/v1/reports/{pk}/publish/").status_code == 404
    assert api.as_user(gov.admin).get(f"/api/v1/reports/{pk}/").status_code == 200
