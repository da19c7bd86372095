import pytest

from agencies.roles import Role
from tests.factories.agencies import AgencyFactory

pytestmark = pytest.mark.django_db


def test_token_by_username_or_email(api, council, make_member):
    user = make_member(council, Role.COMMISSIONER, username="kim", email="kim@example.org")
    for name in ("kim", "KIM@example.org"):
        response = api.post("/api/v1/auth/token/", {"username": name,
                                                    "password": "secret-pass-123"})
        assert response.status_code == 200, response.json()
        token = response.json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = api.get("/api/v1/me/").json()
    assert me["username"] == user.username and me["roles"] == ["commissioner"]
    assert me["memberships"][0]["local_area"] == council.local_area.slug


def test_token_errors_are_json_with_fields(api):
    response = api.post("/api/v1/auth/token/", {"username": "x", "password": "nope"})
    assert response.status_code == 400
    assert response.json()["message"].startswith("Enter a correct username")
    response = api.post("/api/v1/auth/token/", {})
    body = response.json()
    assert response.status_code == 400 and set(body["errors"]) == {"username", "password"}


def test_unauthenticated_is_refused(api):
    response = api.get("/api/v1/agencies/")
    assert response.status_code == 401
    assert "message" in response.json()


def test_agencies_are_filtered_to_my_areas(api, area, council, icb, other_area, make_member):
    foreign = AgencyFactory(local_area=other_area, name="Foreign Council")
    user = make_member(council, Role.VIEWER)
    client = api.as_user(user)
    names = {a["name"] for a in client.get("/api/v1/agencies/").json()["results"]}
    assert names == {council.name, icb.name}
    assert client.get(f"/api/v1/agencies/?local_area={area.slug}").json()["count"] == 2
    assert client.get(f"/api/v1/agencies/?local_area={other_area.slug}").json()["count"] == 0
    assert client.get("/api/v1/agencies/?kind=icb").json()["count"] == 1
    assert client.get(f"/api/v1/agencies/{council.pk}/").json()["local_area"] == area.slug
    missing = client.get(f"/api/v1/agencies/{foreign.pk}/")
    assert missing.status_code == 404 and missing.json()["message"]
    assert client.get("/api/v1/agencies/999999/").status_code == 404
    areas = client.get("/api/v1/local-areas/").json()["results"]
    assert [a["slug"] for a in areas] == [area.slug]
    assert [s["name"] for s in areas[0]["stages"]] == ["Analyse", "Plan", "Do", "Review"]


def test_people_list_shows_only_shared_areas(api, council, other_area, make_member):
    me = make_member(council, Role.COMMISSIONER)
    colleague = make_member(council, Role.APPROVER, limit=10)
    stranger = make_member(AgencyFactory(local_area=other_area), Role.ADMIN)
    results = api.as_user(me).get("/api/v1/people/").json()["results"]
    ids = {p["id"] for p in results}
    assert ids == {me.pk, colleague.pk} and stranger.pk not in ids
    approver = next(p for p in results if p["id"] == colleague.pk)
    assert approver["memberships"][0]["delegated_limit"] == "10.00"


@pytest.mark.parametrize("size", [5, 500])
def test_api_lists_cost_constant_queries(size, api, area, council, make_member,
                                         django_assert_max_num_queries):
    AgencyFactory.create_batch(size, local_area=area)
    for i in range(min(size, 60)):
        make_member(council, Role.VIEWER, username=f"v{size}-{i}")
    client = api.as_user(make_member(council, Role.ADMIN))
    # auth + session-less: grants (1) + count (1) + page (1) + prefetch (1) and a little slack
    for url in ("/api/v1/agencies/?page_size=500", "/api/v1/people/?page_size=500",
                "/api/v1/local-areas/"):
        with django_assert_max_num_queries(6):
            assert client.get(url).status_code == 200


def test_schema_and_docs_are_served(client):
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/v1/agencies/{id}/" in paths and "/api/v1/auth/token/" in paths
    assert client.get("/api/docs/").status_code == 200
