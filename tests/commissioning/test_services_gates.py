"""Every rule of the stage gate: missing approval, rejection, limit exceeded, referral,
resubmission, withdrawn intention, checklist, e-mails."""
from decimal import Decimal

import pytest
from django.core import mail

from agencies.roles import Role
from commissioning import services
from commissioning.models import (
    BoardReferral,
    GateStatus,
    IntentionStatus,
    ReferralStatus,
    SignOff,
)
from portal.errors import ApplicationError, ErrorCode
from tests.factories.agencies import member
from tests.factories.commissioning import Cycle, tick_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def cycle(area):
    return Cycle(area)


def test_gate_needs_the_checklist_done(cycle):
    with pytest.raises(ApplicationError) as err:
        services.gate_submit(actor=cycle.commissioner, intention=cycle.intention)
    assert err.value.code == ErrorCode.CONFLICT
    assert "checklist" in err.value.message


def test_gate_opens_at_next_stage_and_emails_the_approvers(
        cycle, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        gate = cycle.submit()
    assert gate.status == GateStatus.OPEN
    assert (gate.from_stage.name, gate.to_stage.name) == ("Analyse", "Plan")
    recipients = sorted(r for m in mail.outbox for r in m.to)
    assert recipients == ["council-approver@example.org", "icb-approver@example.org"]


def test_advance_with_a_missing_approval_is_a_conflict_naming_the_agency(cycle):
    cycle.submit()
    services.intention_sign_off(actor=cycle.council_approver, intention=cycle.intention,
                                agency=cycle.council, decision="approve")
    with pytest.raises(ApplicationError) as err:
        services.intention_advance(actor=cycle.commissioner, intention=cycle.intention)
    assert err.value.code == ErrorCode.CONFLICT
    assert err.value.extra["missing"] == [{"id": cycle.icb.pk, "name": "ICB"}]
    assert "waiting for ICB" in err.value.message


def test_every_approval_lets_it_advance_once(cycle, django_capture_on_commit_callbacks):
    gate = cycle.submit()
    with django_capture_on_commit_callbacks(execute=True):
        cycle.approve_all()
    gate.refresh_from_db()
    assert gate.status == GateStatus.APPROVED
    assert "ICB approved" in mail.outbox[-1].subject or "approved" in mail.outbox[-1].subject
    intention = services.intention_advance(actor=cycle.commissioner, intention=cycle.intention)
    assert intention.current_stage.name == "Plan"
    gate.refresh_from_db()
    assert gate.status == GateStatus.ADVANCED
    with pytest.raises(ApplicationError) as err:
        services.intention_advance(actor=cycle.commissioner, intention=cycle.intention)
    assert err.value.code == ErrorCode.CONFLICT
    assert "No stage gate has been submitted" in err.value.message


def test_a_rejection_stops_the_gate_and_says_why(cycle):
    gate = cycle.submit()
    with pytest.raises(ApplicationError) as err:
        services.intention_sign_off(actor=cycle.icb_approver, intention=cycle.intention,
                                    agency=cycle.icb, decision="reject", reason=" ")
    assert err.value.errors == {"reason": ["Say why you reject it."]}
    services.intention_sign_off(actor=cycle.icb_approver, intention=cycle.intention,
                                agency=cycle.icb, decision="reject",
                                reason="No evidence of demand in the south of the county.")
    gate.refresh_from_db()
    assert gate.status == GateStatus.REJECTED
    with pytest.raises(ApplicationError) as err:
        services.intention_sign_off(actor=cycle.council_approver, intention=cycle.intention,
                                    agency=cycle.council, decision="approve")
    assert err.value.code == ErrorCode.CONFLICT
    with pytest.raises(ApplicationError) as err:
        services.intention_advance(actor=cycle.commissioner, intention=cycle.intention)
    assert err.value.extra["rejected"] == [{"id": cycle.icb.pk, "name": "ICB"}]
    cycle.intention.refresh_from_db()
    assert cycle.intention.current_stage.name == "Analyse"


def test_resubmission_opens_the_next_round(cycle):
    first = cycle.submit()
    services.intention_sign_off(actor=cycle.icb_approver, intention=cycle.intention,
                                agency=cycle.icb, decision="reject", reason="Not yet")
    second = services.gate_submit(actor=cycle.commissioner, intention=cycle.intention)
    assert (first.round, second.round) == (1, 2)
    cycle.approve_all()
    services.intention_advance(actor=cycle.commissioner, intention=cycle.intention)
    cycle.intention.refresh_from_db()
    assert cycle.intention.current_stage.name == "Plan"


def test_one_gate_at_a_time(cycle):
    cycle.submit()
    with pytest.raises(ApplicationError) as err:
        services.gate_submit(actor=cycle.commissioner, intention=cycle.intention)
    assert err.value.code == ErrorCode.CONFLICT


def test_an_approver_cannot_sign_above_their_limit(area):
    cycle = Cycle(area, value="300000.00")  # ICB approver's limit is 250,000
    cycle.icb_approver_2 = member(cycle.icb, Role.APPROVER, limit="1000000")
    cycle.submit()
    with pytest.raises(ApplicationError) as err:
        services.intention_sign_off(actor=cycle.icb_approver, intention=cycle.intention,
                                    agency=cycle.icb, decision="approve")
    assert err.value.code == ErrorCode.FORBIDDEN
    assert "£300,000.00 exceeds your delegated limit of £250,000.00" in err.value.message
    # Another ICB approver covers the value: the refusal names who can sign (issue 12).
    assert "can sign for ICB" in err.value.message and "board" not in err.value.message
    services.intention_sign_off(actor=cycle.icb_approver_2, intention=cycle.intention,
                                agency=cycle.icb, decision="approve")
    assert SignOff.objects.filter(gate__intention=cycle.intention).count() == 1


def test_only_an_approver_of_that_agency_signs(cycle):
    cycle.submit()
    with pytest.raises(ApplicationError) as err:
        services.intention_sign_off(actor=cycle.council_approver, intention=cycle.intention,
                                    agency=cycle.icb, decision="approve")
    assert err.value.message == "You are not an approver for this agency."


def test_above_every_limit_the_agency_is_referred_to_a_board(area):
    cycle = Cycle(area, value="800000.00")  # above the ICB's only approver (250,000)
    gate = cycle.submit()
    referral = BoardReferral.objects.get(gate=gate, agency=cycle.icb)
    assert (referral.agency, referral.board, referral.status) == (
        cycle.icb, cycle.board, ReferralStatus.AWAITING)
    # the council approver (limit 500,000) is also below 800,000: both referred
    assert BoardReferral.objects.filter(gate=gate).count() == 2
    with pytest.raises(ApplicationError) as err:
        services.intention_sign_off(actor=cycle.icb_approver, intention=cycle.intention,
                                    agency=cycle.icb, decision="approve")
    assert err.value.code == ErrorCode.FORBIDDEN
    for referral in BoardReferral.objects.filter(gate=gate):
        services.board_referral_decide(actor=cycle.secretary, referral=referral, approved=True,
                                       reason="Agreed at the March meeting.")
    gate.refresh_from_db()
    assert gate.status == GateStatus.APPROVED
    assert SignOff.objects.filter(gate=gate, referral__isnull=False).count() == 2
    services.intention_advance(actor=cycle.commissioner, intention=cycle.intention)


def test_a_board_rejection_stops_the_gate(area):
    cycle = Cycle(area, value="800000.00")
    gate = cycle.submit()
    first, second = BoardReferral.objects.filter(gate=gate).order_by("id")
    services.board_referral_decide(actor=cycle.secretary, referral=first, approved=False,
                                   reason="Unaffordable this year.")
    gate.refresh_from_db()
    second.refresh_from_db()
    assert gate.status == GateStatus.REJECTED
    assert second.status == ReferralStatus.WITHDRAWN
    with pytest.raises(ApplicationError) as err:
        services.board_referral_decide(actor=cycle.secretary, referral=first, approved=True,
                                       reason="")
    assert err.value.code == ErrorCode.CONFLICT


def test_only_board_people_record_a_referral_decision(area):
    cycle = Cycle(area, value="800000.00")
    gate = cycle.submit()
    referral = BoardReferral.objects.filter(gate=gate).first()
    with pytest.raises(ApplicationError) as err:
        services.board_referral_decide(actor=cycle.icb_approver, referral=referral,
                                       approved=True, reason="")
    assert err.value.code == ErrorCode.FORBIDDEN


def test_a_withdrawn_intention_closes_its_gate_and_takes_no_sign_off(area):
    cycle = Cycle(area, value="800000.00")
    gate = cycle.submit()
    with pytest.raises(ApplicationError):
        services.intention_transition(actor=cycle.commissioner, intention=cycle.intention,
                                      name="withdraw", reason="")
    services.intention_transition(actor=cycle.commissioner, intention=cycle.intention,
                                  name="withdraw", reason="Merged into WOR-2025-002.")
    gate.refresh_from_db()
    assert gate.status == GateStatus.WITHDRAWN
    assert set(BoardReferral.objects.values_list("status", flat=True)) == {"withdrawn"}
    with pytest.raises(ApplicationError) as err:
        services.intention_sign_off(actor=cycle.council_approver, intention=cycle.intention,
                                    agency=cycle.council, decision="approve")
    assert "withdrawn" in err.value.message
    with pytest.raises(ApplicationError):
        services.gate_submit(actor=cycle.commissioner, intention=cycle.intention)
    with pytest.raises(ApplicationError) as err:
        services.intention_transition(actor=cycle.commissioner, intention=cycle.intention,
                                      name="resume")
    assert err.value.code == ErrorCode.CONFLICT


def test_the_last_stage_has_no_gate_and_completes(cycle):
    for _ in range(3):
        cycle.submit()
        cycle.approve_all()
        services.intention_advance(actor=cycle.commissioner, intention=cycle.intention)
    cycle.intention.refresh_from_db()
    assert cycle.intention.current_stage.name == "Review"
    with pytest.raises(ApplicationError) as err:
        cycle.submit()
    assert "last stage" in err.value.message
    done = services.intention_transition(actor=cycle.commissioner, intention=cycle.intention,
                                         name="complete")
    assert done.status == IntentionStatus.COMPLETED


def test_complete_only_from_the_last_stage(cycle):
    with pytest.raises(ApplicationError) as err:
        services.intention_transition(actor=cycle.commissioner, intention=cycle.intention,
                                      name="complete")
    assert "last stage" in err.value.message


def test_draft_intention_goes_through_no_gate(area):
    cycle = Cycle(area)
    services.intention_transition(actor=cycle.commissioner, intention=cycle.intention,
                                  name="hold", reason="Waiting for the JSNA refresh.")
    tick_all(cycle.intention)
    with pytest.raises(ApplicationError) as err:
        services.gate_submit(actor=cycle.commissioner, intention=cycle.intention)
    assert "on hold" in err.value.message


def test_partners_cannot_change_while_a_gate_waits(cycle):
    cycle.submit()
    with pytest.raises(ApplicationError) as err:
        services.intention_update(actor=cycle.commissioner, intention=cycle.intention,
                                  partner_agencies=[])
    assert err.value.code == ErrorCode.CONFLICT
    assert list(cycle.intention.partner_agencies.all()) == [cycle.icb]


def test_value_is_exact_money(cycle):
    updated = services.intention_update(actor=cycle.commissioner, intention=cycle.intention,
                                        estimated_annual_value="123456.785")
    assert updated.estimated_annual_value == Decimal("123456.79")
    with pytest.raises(ApplicationError) as err:
        services.intention_update(actor=cycle.commissioner, intention=cycle.intention,
                                  estimated_annual_value="lots")
    assert "estimated_annual_value" in err.value.errors
