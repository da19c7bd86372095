"""The staff directory (issue 14 #6): the page and the API ask the same permission, so
parent carers and young people's representatives see neither."""
import pytest

from agencies import permissions
from agencies.roles import INTERNAL_ROLES, Role
from tests.factories.agencies import AgencyFactory

pytestmark = pytest.mark.django_db

CO_PRODUCTION = [r for r in Role if r not in INTERNAL_ROLES]


@pytest.mark.parametrize("role", list(Role))
def test_page_and_api_agree_for_every_role(role, api, client, signed_in, council, make_member):
    colleague = make_member(council, Role.APPROVER, limit=10, username="dir.colleague")
    me = make_member(council, role, username=f"dir.{role}")
    allowed = permissions.can_view_people(me, council.local_area).allowed
    assert allowed == (role in INTERNAL_ROLES)
    body = api.as_user(me).get("/api/v1/people/").json()
    ids = {p["id"] for p in body["results"]}
    page = signed_in(me).get("/people/")
    detail = client.get(f"/people/{colleague.pk}/")
    if allowed:
        assert colleague.pk in ids and page.status_code == 200 and detail.status_code == 200
    else:
        assert body["count"] == 0 and ids == set()
        assert page.status_code == 404 and detail.status_code == 404


@pytest.mark.parametrize("role", CO_PRODUCTION)
def test_co_production_roles_get_no_names_emails_or_limits(role, api, council, make_member):
    make_member(council, Role.APPROVER, limit=250000, username="secret.approver",
                email="secret.approver@example.org")
    me = make_member(council, role)
    response = api.as_user(me).get("/api/v1/people/?search=approver")
    text = response.content.decode()
    assert response.status_code == 200
    assert "secret.approver" not in text and "250000" not in text


def test_an_internal_role_elsewhere_does_not_open_this_areas_directory(api, council, other_area,
                                                                     make_member):
    """A parent carer here who is a commissioner in another area sees only that area's staff."""
    here = make_member(council, Role.APPROVER, username="here.approver")
    elsewhere = AgencyFactory(local_area=other_area)
    me = make_member(council, Role.PARENT_CARER, username="two.hats")
    make_member(elsewhere, Role.COMMISSIONER, user=me)
    permissions.clear_cache(me)
    ids = {p["id"] for p in api.as_user(me).get("/api/v1/people/").json()["results"]}
    assert here.pk not in ids and me.pk in ids
