"""API pagination: `page_size` is capped at 200 (issue 15) and the schema says so."""
from agencies.roles import Role
from portal.api import MAX_PAGE_SIZE
from tests.factories.agencies import AgencyFactory


def test_page_size_is_capped(api, area, council, make_member):
    AgencyFactory.create_batch(MAX_PAGE_SIZE + 5, local_area=area)
    client = api.as_user(make_member(council, Role.ADMIN))
    body = client.get("/api/v1/agencies/?page_size=500").json()
    assert body["count"] == MAX_PAGE_SIZE + 6
    assert len(body["results"]) == MAX_PAGE_SIZE
    assert "page_size=500" in body["next"] and "page=2" in body["next"]
    rest = client.get(body["next"]).json()
    assert len(rest["results"]) == 6
    assert len(client.get("/api/v1/agencies/?page_size=7").json()["results"]) == 7
    assert len(client.get("/api/v1/agencies/").json()["results"]) == 50


def test_schema_documents_the_cap(client):
    schema = client.get("/api/schema/?format=json").json()
    parameters = [p for p in schema["paths"]["/api/v1/intentions/"]["get"]["parameters"]
                  if p["name"] == "page_size"]
    assert parameters, "the intentions list documents page_size"
    assert parameters[0]["schema"]["maximum"] == MAX_PAGE_SIZE
    assert f"at most {MAX_PAGE_SIZE}" in parameters[0]["description"]
