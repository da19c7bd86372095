"""Entering KPI returns: validation, duplicates, all-or-nothing, re-rating, audit."""
from datetime import date
from decimal import Decimal

import pytest

from agencies.roles import Role
from commissioning.contracts import services
from commissioning.contracts.models import KPIReturn
from portal.errors import ApplicationError, ErrorCode
from tests.factories.contracts import add_return, make_kpi

pytestmark = pytest.mark.django_db
TODAY = date(2025, 11, 20)   # Q2 2025-26 (July-September) is the last ended quarter


def submit(actor, contract, values, year="2025-26", quarter=2):
    return services.kpi_returns_submit(actor=actor, contract=contract, year=year,
                                       quarter=quarter, values=values, today=TODAY)


def test_a_return_is_rated_and_audited(contract, commissioner):
    kpi = make_kpi(contract, target="90", tolerance="5")
    saved = submit(commissioner, contract, {kpi.pk: {"value": "87.5", "comment": "Staff sickness"}})
    assert [(r.value, r.rag, r.submitted_by) for r in saved] == [
        (Decimal("87.50"), "amber", commissioner)]
    assert saved[0].history.first().history_user == commissioner


@pytest.mark.parametrize("value", ["ninety", "", "12a", "NaN", "Infinity", "1e400"])
def test_non_numeric_values_are_refused(contract, commissioner, value):
    kpi = make_kpi(contract, unit="children")
    with pytest.raises(ApplicationError) as exc:
        submit(commissioner, contract, {kpi.pk: {"value": value}})
    assert exc.value.errors.keys() == {f"kpi-{kpi.pk}"}
    assert not KPIReturn.objects.exists()


def test_a_percentage_must_be_between_0_and_100(contract, commissioner):
    kpi = make_kpi(contract, unit="%")
    with pytest.raises(ApplicationError, match="between 0 and 100"):
        submit(commissioner, contract, {kpi.pk: {"value": "101"}})


@pytest.mark.parametrize(("year", "quarter", "field", "message"), [
    ("2025/26", 2, "year", "like 2025-26"),
    ("2025-27", 2, "year", "like 2025-26"),
    ("2025-26", 5, "quarter", "from 1 to 4"),
    ("2025-26", "two", "quarter", "from 1 to 4"),
    ("2025-26", 3, "quarter", "has not ended yet"),         # October-December 2025
    ("2023-24", 4, "quarter", "did not run"),               # before the contract started
    ("2027-28", 1, "quarter", "has not ended yet"),
])
def test_wrong_quarters_are_refused(contract, commissioner, year, quarter, field, message):
    kpi = make_kpi(contract)
    with pytest.raises(ApplicationError) as exc:
        submit(commissioner, contract, {kpi.pk: {"value": "90"}}, year=year, quarter=quarter)
    assert message in exc.value.errors[field][0]


def test_a_quarter_the_kpi_does_not_report_is_refused(contract, commissioner):
    kpi = make_kpi(contract, frequency="annual")
    with pytest.raises(ApplicationError, match="not in Q2"):
        submit(commissioner, contract, {kpi.pk: {"value": "90"}})


def test_duplicates_are_refused_as_a_conflict_and_nothing_is_saved(contract, commissioner):
    first, second = make_kpi(contract), make_kpi(contract)
    submit(commissioner, contract, {first.pk: {"value": "95"}})
    with pytest.raises(ApplicationError) as exc:
        submit(commissioner, contract, {first.pk: {"value": "80"}, second.pk: {"value": "91"}})
    assert exc.value.code == ErrorCode.CONFLICT
    assert "already has a return" in exc.value.errors[f"kpi-{first.pk}"][0]
    # All or nothing: the good value for the second KPI was not saved either.
    assert list(KPIReturn.objects.values_list("kpi_id", "value")) == [(first.pk, Decimal("95.00"))]


def test_a_kpi_of_another_contract_is_refused(area, council, contract, commissioner):
    from tests.factories.contracts import make_contract
    other = make_contract(area, council, reference="TST-OTHER")
    foreign = make_kpi(other)
    with pytest.raises(ApplicationError, match="not one of this contract's"):
        submit(commissioner, contract, {foreign.pk: {"value": "90"}})


def test_correction_rerates_and_keeps_history(contract, commissioner):
    kpi = make_kpi(contract, target="90", tolerance="5")
    kpi_return = add_return(kpi, "2025-26", 1, "70", today=TODAY)
    assert kpi_return.rag == "red"
    services.kpi_return_correct(actor=commissioner, kpi_return=kpi_return, value="92")
    kpi_return.refresh_from_db()
    assert (kpi_return.value, kpi_return.rag) == (Decimal("92.00"), "green")
    assert [h.value for h in kpi_return.history.order_by("history_date")] == [
        Decimal("70.00"), Decimal("92.00")]


def test_changing_a_target_rerates_existing_returns(contract, commissioner):
    kpi = make_kpi(contract, target="90", tolerance="0")
    kpi_return = add_return(kpi, "2025-26", 1, "85", today=TODAY)
    services.kpi_update(actor=commissioner, kpi=kpi, target="80")
    kpi_return.refresh_from_db()
    assert kpi_return.rag == "green"


def test_only_the_contracts_commissioners_enter_returns(contract, school, make_member):
    kpi = make_kpi(contract)
    outsider = make_member(school, Role.COMMISSIONER)
    with pytest.raises(ApplicationError) as exc:
        submit(outsider, contract, {kpi.pk: {"value": "90"}})
    assert exc.value.code == ErrorCode.FORBIDDEN


def test_an_empty_submission_is_refused(contract, commissioner):
    make_kpi(contract)
    with pytest.raises(ApplicationError, match="at least one"):
        submit(commissioner, contract, {})
