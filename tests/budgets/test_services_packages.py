"""Joint packages: pseudonymous references only, exact funding splits, explicit grants."""
from datetime import date
from decimal import Decimal

import pytest

from commissioning.budgets import permissions, selectors, services
from commissioning.budgets.services.packages import reference_problem
from portal.errors import ApplicationError


def create(actor, area, reference="JP-TST-0001", **kwargs):
    defaults = {"needs_category": "semh", "annual_cost": "120000.00",
                "request_date": date(2025, 5, 1), "agreement_date": date(2025, 5, 7),
                "percentages": {"social_care_amount": "50", "health_amount": "50",
                                "education_amount": "0"}}
    defaults.update(kwargs)
    return services.joint_package_create(actor=actor, local_area=area, reference=reference,
                                         **defaults)


@pytest.mark.parametrize("reference", ["JP-DER-0042", "LM-17-0003", "JP-0042-77", "JP-X7"])
def test_pseudonymous_references_are_accepted(reference):
    assert reference_problem(reference) is None


@pytest.mark.parametrize(("reference", "why"), [
    ("Tom Smith", "name"), ("tom-0001", "name"), ("SMITH-0001", "name"),
    ("JP-12/03/2010", "date"), ("JP-2010-03-12", "date"), ("JP-12032010", "date of birth"),
    ("JP-100310", "date of birth"), ("943 476 5919", "name"), ("9434765919", "NHS number"),
    ("JP-943-476-5919", "NHS number"), ("JP-1234567890", "NHS number"), ("JP", "4 to 24"),
    ("JP-DER", "Include a number"), ("JP_0001", "capital letters"),
])
def test_personal_data_is_refused(reference, why):
    problem = reference_problem(reference)
    assert problem is not None and why in problem


def test_create_splits_percentages_to_the_penny(area, finance):
    package = create(finance, area, annual_cost="100000.01", percentages={
        "social_care_amount": "33.3333", "health_amount": "33.3333",
        "education_amount": "33.3334"})
    parts = [package.social_care_amount, package.health_amount, package.education_amount]
    assert sum(parts) == Decimal("100000.01")
    assert package.days_taken == 6


def test_amounts_must_add_up(area, finance):
    with pytest.raises(ApplicationError, match="add up to"):
        create(finance, area, percentages=None, amounts={
            "social_care_amount": "1", "health_amount": "2", "education_amount": "3"})
    with pytest.raises(ApplicationError, match="exactly 100"):
        create(finance, area, percentages={"social_care_amount": "60", "health_amount": "60"})


def test_only_granted_people_see_a_package(area, finance, viewer, council, make_member):
    package = create(finance, area)
    admin = make_member(council, "admin", username="adm")
    admin.is_superuser = True
    assert permissions.can_view_joint_package(finance, package)
    for other in (viewer, admin):
        assert not permissions.can_view_joint_package(other, package)
        assert list(selectors.joint_package_list(actor=other)) == []
    services.joint_package_grant(actor=finance, package=package, user=viewer)
    assert permissions.can_view_joint_package(viewer, package)
    assert not permissions.can_change_joint_package(viewer, package)
    with pytest.raises(ApplicationError):
        services.joint_package_split_set(actor=viewer, package=package, amounts={
            "social_care_amount": "120000.00", "health_amount": "0", "education_amount": "0"})
    services.joint_package_revoke(actor=finance, package=package, user=viewer)
    assert not permissions.can_view_joint_package(viewer, package)


def test_grant_only_within_the_area(area, other_area, finance):
    from tests.factories.agencies import AgencyFactory, member

    outsider = member(AgencyFactory(local_area=other_area), "finance", username="out")
    package = create(finance, area)
    with pytest.raises(ApplicationError, match="no role in this local area"):
        services.joint_package_grant(actor=finance, package=package, user=outsider)


def test_viewers_cannot_create(area, viewer):
    with pytest.raises(ApplicationError) as caught:
        create(viewer, area)
    assert caught.value.status == 403


def test_aggregates_cost_two_queries(area, finance, django_assert_max_num_queries):
    for n in range(1, 4):
        create(finance, area, reference=f"JP-TST-{n:04d}")
    with django_assert_max_num_queries(2):
        small = selectors.joint_package_aggregates(area_ids=[area.pk])
    for n in range(4, 30):
        create(finance, area, reference=f"JP-TST-{n:04d}", needs_category="cognition")
    with django_assert_max_num_queries(2):
        big = selectors.joint_package_aggregates(area_ids=[area.pk])
    assert small["total"]["count"] is None and small["total"]["display"] == "fewer than 5"
    assert big["total"]["count"] == 29
    assert sorted(r["display"] for r in big["rows"]) == ["fewer than 5", "suppressed"]
    assert big["median_days"] == 6 and big["within_week"] == 29


def test_grants_are_audited(area, finance, viewer):
    package = create(finance, area)
    services.joint_package_grant(actor=finance, package=package, user=viewer, can_change=True)
    services.joint_package_revoke(actor=finance, package=package, user=viewer)
    reasons = list(package.history.order_by("history_id").values_list(
        "history_change_reason", "history_user"))
    assert reasons[-2] == (f"Granted to {viewer} (may change it)", finance.pk)
    assert reasons[-1] == (f"Access removed from {viewer}", finance.pk)
