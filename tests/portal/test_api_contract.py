"""The schema check that every API response in the suite goes through (tests/api_contract.py)
catches drift: a field of the wrong type, a missing field, an undeclared status."""
import json

import pytest

from tests.api_contract import SchemaDrift, check

pytestmark = pytest.mark.django_db


def _agencies(api, council, make_member):
    from agencies.roles import Role

    response = api.as_user(make_member(council, Role.VIEWER)).get("/api/v1/agencies/")
    assert response.status_code == 200  # and it passed the check on the way
    return response


def test_a_real_response_passes_and_a_changed_one_fails(api, council, make_member):
    response = _agencies(api, council, make_member)
    check(response)
    body = response.json()
    body["results"][0]["id"] = "one"
    response.content = json.dumps(body).encode()
    with pytest.raises(SchemaDrift, match=r"GET /api/v1/agencies/ answered 200.*results/N/id"):
        check(response)


def test_a_missing_field_fails(api, council, make_member):
    response = _agencies(api, council, make_member)
    body = response.json()
    del body["count"]
    response.content = json.dumps(body).encode()
    with pytest.raises(SchemaDrift, match="'count' is a required property"):
        check(response)


def test_an_undeclared_status_fails(api, council, make_member):
    response = _agencies(api, council, make_member)
    response.status_code = 418
    with pytest.raises(SchemaDrift, match="Unknown response http status: 418"):
        check(response)


def test_pages_and_undeclared_paths_are_not_api_responses(client):
    check(client.get("/"))  # a page: not checked
    assert client.get("/api/v1/no-such-thing/").status_code == 404  # not in the schema
