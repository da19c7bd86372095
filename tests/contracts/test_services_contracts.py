"""Contracts, providers, KPIs, visits and assessments: rules, validation, audit."""
from datetime import date
from decimal import Decimal

import pytest

from agencies.roles import Role
from commissioning.contracts import services
from commissioning.contracts.models import Contract, PerformanceAssessment
from portal.errors import ApplicationError, ErrorCode
from tests.factories.agencies import AgencyFactory
from tests.factories.contracts import ProviderFactory, add_return, make_contract, make_kpi

pytestmark = pytest.mark.django_db


def test_create_records_the_lead_among_the_agencies_and_the_actor(area, council, icb,
                                                                  provider, commissioner):
    contract = make_contract(area, council, provider=provider, agencies=[icb],
                             reference="TST-1", actor=commissioner, total_value="1000.005")
    assert set(contract.commissioning_agencies.all()) == {council, icb}
    assert contract.total_value == Decimal("1000.01")
    assert contract.history.first().history_user == commissioner


@pytest.mark.parametrize(("fields", "field"), [
    ({"ends": date(2020, 1, 1)}, "non_field_errors"),
    ({"total_value": "-5"}, "total_value"),
    ({"annual_value": "lots"}, "annual_value"),
    ({"procurement_route": "handshake"}, "procurement_route"),
    ({"status": "paused"}, "status"),
])
def test_bad_fields_are_refused_and_nothing_is_saved(area, council, fields, field):
    with pytest.raises(ApplicationError) as exc:
        make_contract(area, council, **fields)
    assert field in exc.value.errors
    assert not Contract.objects.exists()


def test_references_are_unique_per_area(area, other_area, council, contract):
    with pytest.raises(ApplicationError, match="has that reference"):
        make_contract(area, council, reference=contract.reference.lower())
    other_council = AgencyFactory(local_area=other_area)
    assert make_contract(other_area, other_council, reference=contract.reference)


def test_everything_must_come_from_the_same_area(area, other_area, council):
    foreign_provider = ProviderFactory(local_area=other_area)
    with pytest.raises(ApplicationError) as exc:
        make_contract(area, council, provider=foreign_provider)
    assert "provider" in exc.value.errors
    with pytest.raises(ApplicationError) as exc:
        make_contract(area, council, agencies=[AgencyFactory(local_area=other_area)])
    assert "commissioning_agencies" in exc.value.errors


def test_only_commissioners_of_the_lead_create(area, council, school, make_member, provider):
    outsider = make_member(school, Role.COMMISSIONER)
    with pytest.raises(ApplicationError) as exc:
        make_contract(area, council, provider=provider, actor=outsider)
    assert exc.value.code == ErrorCode.FORBIDDEN


def test_update_changes_and_keeps_history(contract, commissioner, school):
    services.contract_update(actor=commissioner, contract=contract, status="extended",
                             commissioning_agencies=[school])
    contract.refresh_from_db()
    assert contract.status == "extended"
    assert {a.name for a in contract.commissioning_agencies.all()} == {
        "Testshire County Council", "Testshire Special School"}
    assert [h.status for h in contract.history.order_by("history_date")][-1] == "extended"


def test_provider_names_are_unique_in_the_market(area, commissioner):
    services.provider_create(actor=commissioner, local_area=area, name="Acorn Care",
                             type="independent")
    with pytest.raises(ApplicationError, match="already"):
        services.provider_create(actor=commissioner, local_area=area, name="acorn care",
                                 type="independent")
    with pytest.raises(ApplicationError) as exc:
        services.provider_create(actor=commissioner, local_area=area, name="Bad Numbers",
                                 type="voluntary", companies_house_number="12",
                                 ods_code="r1a")
    assert {"companies_house_number", "ods_code"} <= exc.value.errors.keys()


def test_kpi_names_are_unique_per_contract_and_negative_tolerance_refused(contract):
    make_kpi(contract, name="Waiting time")
    with pytest.raises(ApplicationError, match="already has a KPI"):
        make_kpi(contract, name="waiting time")
    with pytest.raises(ApplicationError, match="cannot be negative"):
        make_kpi(contract, tolerance="-1")


def test_quality_visit_needs_findings(contract, commissioner):
    with pytest.raises(ApplicationError, match="what the visit found"):
        services.quality_visit_record(actor=commissioner, contract=contract,
                                      visited_on=date(2025, 5, 1), findings=" ", rating="good")
    visit = services.quality_visit_record(actor=commissioner, contract=contract,
                                          visited_on=date(2025, 5, 1), findings="Fine.",
                                          rating="good")
    assert visit.recorded_by == commissioner


# --- performance assessments ---------------------------------------------------------------
ON = date(2025, 11, 20)


def test_assessment_is_derived_from_a_year_of_returns(contract, commissioner):
    good, poor = make_kpi(contract, target="90"), make_kpi(contract, target="90")
    for quarter, (a, b) in zip((3, 4), (("95", "70"), ("96", "72")), strict=True):
        add_return(good, "2024-25", quarter, a, today=ON)
        add_return(poor, "2024-25", quarter, b, today=ON)
    for quarter in (1, 2):
        add_return(good, "2025-26", quarter, "94", today=ON)
        add_return(poor, "2025-26", quarter, "91", today=ON)
    assessment = services.assessment_create(actor=commissioner, contract=contract,
                                            assessed_on=ON)
    # 8 results: 6 green, 2 red -> a quarter red -> Approaching target.
    assert (assessment.derived_rating, assessment.rating) == ("approaching", "approaching")
    assert (assessment.period_start, assessment.period_end) == (date(2024, 10, 1),
                                                                date(2025, 9, 30))


def test_missing_returns_count_against_the_rating(contract, commissioner):
    make_kpi(contract)
    assessment = services.assessment_create(actor=commissioner, contract=contract,
                                            assessed_on=ON)
    assert assessment.derived_rating == "inadequate"
    assert "4 missing" in assessment.summary


def test_a_different_rating_needs_a_reason_and_changes_are_audited(contract, commissioner):
    make_kpi(contract)
    with pytest.raises(ApplicationError) as exc:
        services.assessment_create(actor=commissioner, contract=contract, assessed_on=ON,
                                   rating="good")
    assert "reason" in exc.value.errors
    assert not PerformanceAssessment.objects.exists()
    assessment = services.assessment_create(
        actor=commissioner, contract=contract, assessed_on=ON, rating="other",
        reason="Provider's reporting system failed; returns resubmitted next quarter.")
    with pytest.raises(ApplicationError, match="reason"):
        services.assessment_update(actor=commissioner, assessment=assessment, rating="good",
                                   reason="")
    services.assessment_update(actor=commissioner, assessment=assessment,
                               rating="requires-improvement", reason="Board asked for review.")
    history = list(assessment.history.order_by("history_date"))
    assert [h.rating for h in history] == ["other", "requires-improvement"]
    assert history[-1].history_user == commissioner and history[-1].reason


def test_outsiders_cannot_assess(contract, school, make_member):
    outsider = make_member(school, Role.COMMISSIONER)
    with pytest.raises(ApplicationError) as exc:
        services.assessment_create(actor=outsider, contract=contract, assessed_on=ON)
    assert exc.value.code == ErrorCode.FORBIDDEN
