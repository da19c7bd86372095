"""The expiry pipeline, the review intention it opens, and the commissioner's home panels."""
import re
from datetime import date, timedelta

import pytest
from django.utils import timezone

from commissioning.contracts import selectors, services
from commissioning.contracts.home import panels
from portal.errors import ApplicationError, ErrorCode
from tests.factories.contracts import make_contract

pytestmark = pytest.mark.django_db


def _ending_in(area, lead, days, **fields):
    today = timezone.localdate()
    return make_contract(area, lead, starts=today - timedelta(days=800),
                         ends=today + timedelta(days=days), **fields)


def test_pipeline_holds_contracts_ending_within_the_window(area, council, commissioner,
                                                           settings):
    soon = _ending_in(area, council, 100, reference="SOON")
    edge = _ending_in(area, council, 540, reference="EDGE")        # about 17.7 months
    _ending_in(area, council, 600, reference="LATER")               # about 19.7 months
    _ending_in(area, council, 100, reference="DONE", status="ended")
    _ending_in(area, council, -5, reference="PAST", status="live")
    listed = [c.reference for c in selectors.pipeline_list(actor=commissioner, local_area=area)]
    assert listed == [soon.reference, edge.reference]
    settings.CONTRACTS_EXPIRY_PIPELINE_MONTHS = 6
    listed = [c.reference for c in selectors.pipeline_list(actor=commissioner, local_area=area)]
    assert listed == [soon.reference]


def test_one_action_opens_a_review_intention_linked_back(area, council, icb, commissioner):
    contract = _ending_in(area, council, 200, reference="TST-SB-9", agencies=[icb],
                          value_is_sensitive=True)
    intention = services.contract_review_intention_create(actor=commissioner,
                                                          contract=contract)
    contract.refresh_from_db()
    assert contract.review_intention == intention
    assert intention.current_stage.name == "Review"            # the area's last stage
    assert re.fullmatch(rf"TST-{timezone.localdate().year}-\d{{3}}", intention.reference)
    assert intention.lead_agency == council and list(intention.partner_agencies.all()) == [icb]
    assert intention.estimated_annual_value == contract.annual_value
    assert intention.value_is_sensitive and intention.ends == contract.ends
    assert intention.owner == commissioner
    with pytest.raises(ApplicationError) as exc:
        services.contract_review_intention_create(actor=commissioner, contract=contract)
    assert exc.value.code == ErrorCode.CONFLICT


def test_references_count_up_per_area_and_year(area, council, commissioner):
    first = services.contract_review_intention_create(
        actor=commissioner, contract=_ending_in(area, council, 90, reference="A"))
    second = services.contract_review_intention_create(
        actor=commissioner, contract=_ending_in(area, council, 90, reference="B"))
    assert int(second.reference[-3:]) == int(first.reference[-3:]) + 1


def test_overdue_assessments_and_ending_contracts_reach_the_home_page(area, council,
                                                                      commissioner):
    today = timezone.localdate()
    overdue = make_contract(area, council, reference="OLD", starts=today - timedelta(days=400),
                            ends=today + timedelta(days=900))
    assessed = make_contract(area, council, reference="NEW", starts=today - timedelta(days=400),
                             ends=today + timedelta(days=900))
    services.assessment_create(actor=commissioner, contract=assessed,
                               assessed_on=today - timedelta(days=30))
    young = make_contract(area, council, reference="YOUNG", starts=today - timedelta(days=100),
                          ends=today + timedelta(days=900))
    ending = _ending_in(area, council, 60, reference="ENDING")
    found = {p["title"]: [i["text"].split()[0] for i in p["items"]]
             for p in panels(commissioner, area)}
    assert found["Contract performance assessments overdue"] == [ending.reference,
                                                                 overdue.reference]
    assert young.reference not in found["Contract performance assessments overdue"]
    assert found["Contracts ending soon without a review"] == [ending.reference]
    services.contract_review_intention_create(actor=commissioner, contract=ending)
    found = {p["title"]: p["items"] for p in panels(commissioner, area)}
    assert found["Contracts ending soon without a review"] == []


def test_panels_only_for_commissioners_of_the_contracts(area, council, school, make_member):
    from agencies.roles import Role
    make_contract(area, council, reference="X", starts=date(2020, 4, 1))
    assert panels(make_member(school, Role.COMMISSIONER), area)[0]["items"] == []
    assert panels(make_member(council, Role.VIEWER), area) == []
    forum_rep = make_member(school, Role.PARENT_CARER)
    assert panels(forum_rep, area) == []


def test_ended_contracts_get_no_review_intention(area, council, commissioner):
    contract = _ending_in(area, council, 30, reference="GONE", status="terminated")
    with pytest.raises(ApplicationError, match="has terminated"):
        services.contract_review_intention_create(actor=commissioner, contract=contract)
