"""Meetings, schedules and seats through the API (issue 13): the pages' services and rules,
the one error shape, missing and forbidden alike 404 across areas, 403 for people of the area
who may not, two-factor required, and the responses match the schema."""
from datetime import date

import pytest

from agencies.roles import Role
from governance.models import BoardMember, Meeting
from tests.factories.agencies import AgencyFactory
from tests.factories.governance import board

pytestmark = pytest.mark.django_db


def test_secretary_adds_a_meeting_to_the_board_in_the_address(api, gov):
    client = api.as_user(gov.secretary)
    made = client.post(f"/api/v1/boards/{gov.board.pk}/meetings/",
                       {"date": "2026-09-16", "location": "County Hall"}, format="json")
    assert made.status_code == 201, made.json()
    assert made.json()["board"] == gov.board.pk
    assert Meeting.objects.get(pk=made.json()["id"]).location == "County Hall"
    listed = client.get(f"/api/v1/boards/{gov.board.pk}/meetings/").json()["results"]
    assert [m["date"] for m in listed] == ["2026-09-16"]
    again = client.post(f"/api/v1/boards/{gov.board.pk}/meetings/",
                        {"date": "2026-09-16", "location": "Hall"}, format="json")
    assert again.status_code == 400 and set(again.json()) >= {"message", "errors", "code"}
    assert "date" in again.json()["errors"]
    nowhere = client.post(f"/api/v1/boards/{gov.board.pk}/meetings/", {"date": "2026-10-01"},
                          format="json")
    assert nowhere.status_code == 400 and "location" in nowhere.json()["errors"]
    member = api.as_user(gov.member).post(f"/api/v1/boards/{gov.board.pk}/meetings/",
                                          {"date": "2026-10-01", "location": "Hall"},
                                          format="json")
    assert member.status_code == 403
    assert Meeting.objects.count() == 1


def test_administrator_schedules_a_year_through_the_api(api, gov):
    client = api.as_user(gov.admin)
    made = client.post(f"/api/v1/boards/{gov.board.pk}/schedule/", {
        "year": "2026-27", "frequency": "quarterly", "first_month": 6, "week": -1,
        "weekday": 1, "online": True}, format="json")
    assert made.status_code == 201, made.json()
    assert [m["date"] for m in made.json()["created"]] == [
        "2026-06-30", "2026-09-29", "2026-12-29", "2027-03-30"]
    again = client.post(f"/api/v1/boards/{gov.board.pk}/schedule/", {
        "year": "2026-27", "frequency": "quarterly", "first_month": 6, "week": -1,
        "weekday": 1, "online": True}, format="json").json()
    assert again["created"] == [] and len(again["skipped"]) == 4
    bad = client.post(f"/api/v1/boards/{gov.board.pk}/schedule/",
                      {"year": "2026-28", "frequency": "weekly"}, format="json")
    assert bad.status_code == 400 and {"year", "frequency"} <= set(bad.json()["errors"])
    secretary = api.as_user(gov.secretary).post(f"/api/v1/boards/{gov.board.pk}/schedule/", {
        "year": "2027-28", "frequency": "monthly", "online": True}, format="json")
    assert secretary.status_code == 403
    assert Meeting.objects.filter(board=gov.board).count() == 4


def test_administrator_gives_changes_and_ends_a_seat_through_the_api(api, gov, make_member):
    newcomer = make_member(gov.icb, Role.COMMISSIONER, username="newcomer")
    client = api.as_user(gov.admin)
    made = client.post(f"/api/v1/boards/{gov.board.pk}/seats/", {
        "user": newcomer.pk, "agency": gov.icb.pk, "role": "member",
        "starts": "2026-04-01"}, format="json")
    assert made.status_code == 201, made.json()
    seat = BoardMember.objects.get(user=newcomer)
    assert made.json()["id"] == seat.pk and (seat.agency, seat.role) == (gov.icb, "member")
    taken = client.post(f"/api/v1/boards/{gov.board.pk}/seats/", {
        "user": newcomer.pk, "agency": gov.icb.pk}, format="json")
    assert taken.status_code == 400 and "user" in taken.json()["errors"]
    changed = client.patch(f"/api/v1/seats/{seat.pk}/", {"role": "chair"}, format="json")
    assert changed.status_code == 200 and changed.json()["role"] == "chair"
    seat.refresh_from_db()
    assert (seat.role, seat.starts) == ("chair", date(2026, 4, 1))
    ended = client.post(f"/api/v1/seats/{seat.pk}/end/", {"on": "2027-03-31"}, format="json")
    assert ended.status_code == 200 and ended.json()["ends"] == "2027-03-31"
    listed = client.get(f"/api/v1/boards/{gov.board.pk}/seats/").json()
    assert newcomer.pk in {s["user"] for s in listed}
    backwards = client.patch(f"/api/v1/seats/{seat.pk}/", {"ends": "2020-01-01"},
                             format="json")
    assert backwards.status_code == 400 and "ends" in backwards.json()["errors"]


def test_seats_are_for_people_and_agencies_of_the_area(api, gov, other_area, make_member):
    outsider_agency = AgencyFactory(local_area=other_area, code="E10000098")
    outsider = make_member(outsider_agency, Role.COMMISSIONER, username="outsider")
    client = api.as_user(gov.admin)
    wrong_person = client.post(f"/api/v1/boards/{gov.board.pk}/seats/", {
        "user": outsider.pk, "agency": gov.icb.pk}, format="json")
    assert wrong_person.status_code == 400 and "user" in wrong_person.json()["errors"]
    wrong_agency = client.post(f"/api/v1/boards/{gov.board.pk}/seats/", {
        "user": gov.commissioner.pk, "agency": outsider_agency.pk}, format="json")
    assert wrong_agency.status_code == 400 and "agency" in wrong_agency.json()["errors"]
    assert not BoardMember.objects.filter(user__in=[outsider, gov.commissioner]).exists()


def test_other_areas_boards_and_seats_are_404_and_members_get_403(api, gov, other_area,
                                                                  make_member):
    elsewhere = board(other_area, name="Elsewhere board")
    seat = gov.board.members.get(user=gov.member)
    client = api.as_user(gov.admin)
    for path in (f"/api/v1/boards/{elsewhere.pk}/seats/",
                 f"/api/v1/boards/{elsewhere.pk}/meetings/",
                 f"/api/v1/boards/{elsewhere.pk}/schedule/"):
        assert client.post(path, {}, format="json").status_code == 404, path
    stranger = make_member(AgencyFactory(local_area=other_area, code="E10000098"), Role.ADMIN,
                           username="otheradmin")
    other = api.as_user(stranger)
    assert other.get(f"/api/v1/seats/{seat.pk}/").status_code == 404
    assert other.patch(f"/api/v1/seats/{seat.pk}/", {"role": "chair"},
                       format="json").status_code == 404
    assert other.post(f"/api/v1/seats/{seat.pk}/end/", {}, format="json").status_code == 404
    member = api.as_user(gov.member)
    assert member.patch(f"/api/v1/seats/{seat.pk}/", {"role": "chair"},
                        format="json").status_code == 403
    assert member.post(f"/api/v1/boards/{gov.board.pk}/seats/", {
        "user": gov.commissioner.pk, "agency": gov.council.pk}, format="json").status_code == 403
    assert api.as_user(gov.parent_carer).get(
        f"/api/v1/boards/{gov.board.pk}/seats/").status_code == 404
    seat.refresh_from_db()
    assert seat.role == "member" and seat.ends is None


def test_a_password_only_session_cannot_set_up_seats(client, gov):
    client.force_login(gov.admin)  # no second factor
    answer = client.post(f"/api/v1/boards/{gov.board.pk}/seats/",
                         {"user": gov.commissioner.pk, "agency": gov.council.pk},
                         content_type="application/json")
    assert answer.status_code == 401
    assert not BoardMember.objects.filter(user=gov.commissioner).exists()


def test_the_new_operations_are_in_the_schema(api, gov):
    schema = api.as_user(gov.admin).get("/api/schema/?format=json").json()
    paths = schema["paths"]
    assert "post" in paths["/api/v1/boards/{id}/meetings/"]
    assert "post" in paths["/api/v1/boards/{id}/seats/"]
    assert "post" in paths["/api/v1/boards/{id}/schedule/"]
    assert "patch" in paths["/api/v1/seats/{id}/"]
    assert "post" in paths["/api/v1/seats/{id}/end/"]
