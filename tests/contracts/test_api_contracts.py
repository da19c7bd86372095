"""The contracts API: providers, contracts, KPI returns, and the OCDS export."""
import json
from datetime import date, datetime
from decimal import Decimal

import pytest

from agencies.roles import Role
from commissioning.contracts import ocds
from commissioning.contracts.models import Contract, KPIReturn
from tests.factories.agencies import AgencyFactory
from tests.factories.contracts import ProviderFactory, add_return, make_contract, make_kpi

pytestmark = pytest.mark.django_db


def _payload(area, council, provider, **extra):
    return {"local_area": area.slug, "reference": "TST-NEW-1", "title": "Key working",
            "provider": provider.pk, "lead_agency": council.pk, "total_value": "300000.00",
            "annual_value": "100000.00", "starts": "2025-04-01", "ends": "2028-03-31",
            "procurement_route": "grant", "status": "live", **extra}


def test_create_and_read_a_contract(api, area, council, icb, provider, commissioner):
    client = api.as_user(commissioner)
    response = client.post("/api/v1/contracts/", _payload(
        area, council, provider, commissioning_agencies=[icb.pk]), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["total_value"] == "300000.00" and body["values_withheld"] is False
    assert sorted(body["commissioning_agencies"]) == sorted([council.pk, icb.pk])
    got = client.get(f"/api/v1/contracts/{body['id']}/").json()
    assert got["reference"] == "TST-NEW-1" and got["kpis"] == []


def test_create_refuses_bad_input_with_the_error_shape(api, area, council, provider,
                                                       commissioner, other_area):
    client = api.as_user(commissioner)
    foreign = ProviderFactory(local_area=other_area)
    response = client.post("/api/v1/contracts/", _payload(
        area, council, foreign, total_value="-1", ends="2020-01-01"), format="json")
    assert response.status_code == 400
    body = response.json()
    assert set(body) >= {"message", "errors"}
    assert {"provider", "total_value"} <= set(body["errors"])
    assert not Contract.objects.filter(reference="TST-NEW-1").exists()


def test_list_filters(api, area, council, icb, commissioner):
    a = make_contract(area, council, reference="A", ends=date(2026, 6, 30))
    b = make_contract(area, icb, reference="B", ends=date(2029, 3, 31), status="planned")
    client = api.as_user(commissioner)

    def refs(query):
        response = client.get(f"/api/v1/contracts/?local_area={area.slug}&{query}")
        assert response.status_code == 200, response.json()
        return [c["reference"] for c in response.json()["results"]]

    assert refs("") == ["A", "B"]
    assert refs("status=planned") == ["B"]
    assert refs("ends_before=2027-01-01") == ["A"]
    assert refs(f"agency={icb.pk}") == ["B"]
    assert refs(f"provider={a.provider_id}") == ["A"]
    assert b.reference in refs("search=b")
    assert client.get("/api/v1/contracts/?ends_before=soon").status_code == 400
    assert client.get("/api/v1/contracts/?status=paused").status_code == 400


def test_values_are_withheld_outside_the_commissioning_agencies(api, contract, school,
                                                               make_member):
    viewer = make_member(school, Role.VIEWER)
    body = api.as_user(viewer).get(f"/api/v1/contracts/{contract.pk}/").json()
    assert body["total_value"] is None and body["annual_value"] is None
    assert body["values_withheld"] is True


@pytest.mark.parametrize("role", [Role.PARENT_CARER, Role.YOUNG_PERSON])
def test_co_production_roles_and_other_areas_get_404(api, contract, forum, other_area,
                                                     make_member, role):
    rep = make_member(forum, role)
    assert api.as_user(rep).get(f"/api/v1/contracts/{contract.pk}/").status_code == 404
    assert api.as_user(rep).get("/api/v1/contracts/").json()["results"] == []
    stranger = make_member(AgencyFactory(local_area=other_area), Role.COMMISSIONER)
    assert api.as_user(stranger).get(f"/api/v1/contracts/{contract.pk}/").status_code == 404
    assert api.as_user(stranger).patch(f"/api/v1/contracts/{contract.pk}/", {
        "status": "ended"}, format="json").status_code == 404


def test_patch(api, contract, commissioner, school, make_member):
    client = api.as_user(commissioner)
    response = client.patch(f"/api/v1/contracts/{contract.pk}/", {"status": "extended",
                            "extension_options": "One 12-month extension taken"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "extended"
    assert client.patch(f"/api/v1/contracts/{contract.pk}/", {"ends": "1999-01-01"},
                        format="json").status_code == 400
    viewer = make_member(school, Role.COMMISSIONER)
    assert api.as_user(viewer).patch(f"/api/v1/contracts/{contract.pk}/", {
        "status": "ended"}, format="json").status_code == 403


def test_kpi_returns_post_and_bad_input(api, contract, commissioner):
    kpi = make_kpi(contract, target="90", tolerance="5")
    client = api.as_user(commissioner)
    url = f"/api/v1/contracts/{contract.pk}/kpi-returns/"
    good = {"kpi": kpi.pk, "year": "2025-26", "quarter": "1", "value": "88", "comment": "ok"}
    response = client.post(url, good, format="json")
    assert response.status_code == 201 and response.json()["rag"] == "amber"
    duplicate = client.post(url, good, format="json")
    assert duplicate.status_code == 409 and "value" in duplicate.json()["errors"]
    non_numeric = client.post(url, {**good, "quarter": "2", "value": "eighty"}, format="json")
    assert non_numeric.status_code == 400
    assert "number" in non_numeric.json()["errors"]["value"][0]
    wrong_quarter = client.post(url, {**good, "quarter": "7"}, format="json")
    assert wrong_quarter.status_code == 400 and "quarter" in wrong_quarter.json()["errors"]
    assert KPIReturn.objects.count() == 1
    listed = client.get(url).json()
    assert [(r["year"], r["quarter"], r["value"]) for r in listed] == [("2025-26", 1, "88.00")]


def test_providers_api(api, area, commissioner, provider, school, make_member):
    client = api.as_user(commissioner)
    assert [p["name"] for p in client.get(
        f"/api/v1/providers/?local_area={area.slug}").json()["results"]] == [provider.name]
    created = client.post("/api/v1/providers/", {"local_area": area.slug, "name": "Oak CIC",
                                                 "type": "voluntary", "charity_number": "1012345"},
                          format="json")
    assert created.status_code == 201
    bad = client.post("/api/v1/providers/", {"local_area": area.slug, "name": "X",
                                             "type": "voluntary", "ods_code": "bad code"},
                      format="json")
    assert bad.status_code == 400 and "ods_code" in bad.json()["errors"]
    viewer = make_member(school, Role.VIEWER)
    assert api.as_user(viewer).post("/api/v1/providers/", {
        "local_area": area.slug, "name": "Y", "type": "voluntary"},
        format="json").status_code == 403


# --- OCDS ------------------------------------------------------------------------------------
def test_ocds_package_is_valid_and_withholds_sensitive_values(api, area, council, icb,
                                                              commissioner):
    provider = ProviderFactory(local_area=area, name="Acorn Trust", charity_number="1012345",
                               companies_house_number="01234567", address="1 High St\nTown")
    open_contract = make_contract(area, council, provider=provider, agencies=[icb],
                                  reference="OPEN-1", total_value="1234567.89")
    make_contract(area, council, reference="SECRET-1", value_is_sensitive=True,
                  total_value="9999999.99")
    make_contract(area, council, reference="ENDED-1", status="ended")
    make_contract(area, council, reference="PLANNED-1", status="planned")
    response = api.as_user(commissioner).get(f"/api/v1/contracts/ocds/?local_area={area.slug}")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    text = response.content.decode()
    package = json.loads(text, parse_float=Decimal)
    assert ocds.validation_errors(json.loads(text)) == []
    assert package["version"] == "1.1"
    releases = {r["contracts"][0]["id"]: r for r in package["releases"]}
    assert set(releases) == {"OPEN-1", "SECRET-1", "ENDED-1"}     # planned ones are not out yet
    open_release = releases["OPEN-1"]
    assert open_release["contracts"][0]["value"] == {"amount": Decimal("1234567.89"),
                                                     "currency": "GBP"}
    assert '"amount": 1234567.89' in text                         # an exact JSON number
    assert "value" not in releases["SECRET-1"]["contracts"][0]
    assert "value" not in releases["SECRET-1"]["awards"][0]
    assert "9999999.99" not in text
    assert releases["ENDED-1"]["tag"] == ["contractTermination"]
    supplier = next(p for p in open_release["parties"] if "supplier" in p["roles"])
    assert supplier["identifier"] == {"scheme": "GB-COH", "id": "01234567",
                                      "legalName": "Acorn Trust"}
    assert supplier["additionalIdentifiers"][0]["scheme"] == "GB-CHC"
    buyers = [p for p in open_release["parties"] if "buyer" in p["roles"]]
    assert {p["name"] for p in buyers} == {council.name, icb.name}
    assert open_release["buyer"]["name"] == council.name
    assert open_contract.reference in open_release["ocid"]
    # jsonschema checks "date-time" only with optional extras, so check the dates here:
    # ISO 8601 with a time zone, as OCDS requires.
    stamps = [package["publishedDate"]] + [
        stamp for r in package["releases"] for stamp in (
            r["date"], r["contracts"][0]["period"]["startDate"],
            r["contracts"][0]["period"]["endDate"], r["awards"][0]["contractPeriod"]["endDate"])]
    assert all(datetime.fromisoformat(stamp).tzinfo is not None for stamp in stamps)


def test_the_schema_rejects_a_broken_package():
    broken = {"version": "one", "releases": [{"ocid": "x", "tag": ["nonsense"],
                                              "contracts": [{"status": "live"}]}]}
    problems = "\n".join(ocds.validation_errors(broken))
    for expected in ("'uri' is a required property", "version: 'one' does not match",
                     "'nonsense' is not one of", "'initiationType' is a required property",
                     "'live' is not one of",
                     "'awardID' is a required property"):
        assert expected in problems


def test_ocds_numbers_cannot_be_forged_through_text():
    text = ocds.dumps({"title": '\u0000decimal:1, "x": 2\u0000', "amount": Decimal("5.10")})
    assert json.loads(text) == {"title": 'decimal:1, "x": 2', "amount": 5.1}


def test_ocds_needs_an_area_the_person_sees(api, area, commissioner, forum, make_member):
    client = api.as_user(commissioner)
    assert client.get("/api/v1/contracts/ocds/").status_code == 400
    assert client.get("/api/v1/contracts/ocds/?local_area=nowhere").status_code == 404
    rep = make_member(forum, Role.PARENT_CARER)
    assert api.as_user(rep).get(
        f"/api/v1/contracts/ocds/?local_area={area.slug}").status_code == 404


# --- query counts ---------------------------------------------------------------------------
def _contracts(area, council, icb, count):
    for n in range(count):
        contract = make_contract(area, council, agencies=[icb], reference=f"Q-{n:03d}")
        add_return(make_kpi(contract), "2025-26", 1, "90", today=date(2025, 11, 1))


@pytest.mark.parametrize("count", [2, 12])
def test_api_lists_cost_constant_queries(api, area, council, icb, commissioner,
                                         django_assert_num_queries, count):
    _contracts(area, council, icb, count)
    client = api.as_user(commissioner)
    # internal-area grants, count, page, prefetched agencies, agency grants (for the values);
    # the person is a member of a commissioning agency, so board seats are never asked.
    with django_assert_num_queries(5):
        assert len(client.get("/api/v1/contracts/").json()["results"]) == count
    # area, contracts, prefetched agencies (the grants are cached on the forced user)
    with django_assert_num_queries(3):
        assert len(client.get(f"/api/v1/contracts/ocds/?local_area={area.slug}").json()[
            "releases"]) == count
