"""Meetings, attendance and the quorum check, decisions, and decisions on referrals that
let an intention's stage gate proceed (through the cycle's own service)."""
from datetime import date

import pytest

from commissioning.models import BoardReferral
from governance import services
from governance.models import Decision, MeetingStatus
from portal.errors import ApplicationError, ErrorCode
from tests.factories.governance import decided_item, meeting, quorate_meeting, seat

pytestmark = pytest.mark.django_db


def test_a_meeting_needs_a_place_and_one_per_day(gov):
    with pytest.raises(ApplicationError) as exc:
        services.meeting_create(actor=gov.secretary, board=gov.board, date=date(2025, 9, 1))
    assert "location" in exc.value.errors
    meeting(gov.board, on=date(2025, 9, 1))
    with pytest.raises(ApplicationError) as exc:
        meeting(gov.board, on=date(2025, 9, 1))
    assert "date" in exc.value.errors
    online = services.meeting_create(actor=gov.secretary, board=gov.board,
                                     date=date(2025, 9, 2), online=True)
    assert online.online and online.history.first().history_user == gov.secretary


def test_only_the_secretary_or_an_administrator_runs_meetings(gov):
    for outsider in (gov.member, gov.chair, gov.commissioner):
        with pytest.raises(ApplicationError) as exc:
            services.meeting_create(actor=outsider, board=gov.board, date=date(2025, 9, 3),
                                    location="Room 1")
        assert exc.value.code == ErrorCode.FORBIDDEN
    assert services.meeting_create(actor=gov.admin, board=gov.board, date=date(2025, 9, 3),
                                   location="Room 1")


def test_quorum_needs_the_count_and_every_required_agency(gov):
    held = meeting(gov.board)
    seats = {s.user_id: s.pk for s in gov.board.members.all()}
    services.attendance_set(actor=gov.secretary, meeting=held,
                            present_member_ids=[seats[gov.secretary.pk], seats[gov.member.pk]])
    quorum = services.quorum_check(held)
    # Two present (quorum 2) but both from the council: the ICB is required too.
    assert not quorum.quorate and quorum.missing_agencies == ["NHS Testshire ICB"]
    assert "not represented: NHS Testshire ICB" in quorum.reason
    item = services.agenda_item_add(actor=gov.secretary, meeting=held, title="Short breaks")
    with pytest.raises(ApplicationError) as exc:
        services.decision_record(actor=gov.secretary, agenda_item=item, outcome="approved",
                                 reason="Agreed")
    assert "not quorate" in exc.value.message
    services.attendance_set(actor=gov.secretary, meeting=held,
                            present_member_ids=[seats[gov.secretary.pk], seats[gov.chair.pk]])
    assert services.quorum_check(held).quorate


def test_attendance_is_only_for_members(gov):
    held = meeting(gov.board)
    with pytest.raises(ApplicationError) as exc:
        services.attendance_set(actor=gov.secretary, meeting=held, present_member_ids=[99999])
    assert "present" in exc.value.errors


def test_a_decision_is_recorded_once_with_its_reason_and_audited(gov):
    held = quorate_meeting(gov.board)
    item = services.agenda_item_add(actor=gov.secretary, meeting=held, title="Equipment")
    with pytest.raises(ApplicationError) as exc:
        services.decision_record(actor=gov.secretary, agenda_item=item, outcome="approved",
                                 reason="  ")
    assert "reason" in exc.value.errors
    decision = services.decision_record(actor=gov.secretary, agenda_item=item,
                                        outcome="approved", reason="Meets the need.")
    assert decision.history.first().history_user == gov.secretary
    held.refresh_from_db()
    assert held.status == MeetingStatus.HELD
    with pytest.raises(ApplicationError) as exc:
        services.decision_record(actor=gov.secretary, agenda_item=item, outcome="rejected",
                                 reason="Second thoughts")
    assert exc.value.code == ErrorCode.CONFLICT


def test_votes_must_carry_an_approval(gov):
    held = quorate_meeting(gov.board)
    item = services.agenda_item_add(actor=gov.secretary, meeting=held, title="Therapies")
    with pytest.raises(ApplicationError) as exc:
        services.decision_record(actor=gov.secretary, agenda_item=item, outcome="approved",
                                 reason="Close vote", method="vote", votes_for=1,
                                 votes_against=2)
    assert "outcome" in exc.value.errors
    with pytest.raises(ApplicationError):
        services.decision_record(actor=gov.secretary, agenda_item=item, outcome="approved",
                                 reason="No votes given", method="vote")
    with pytest.raises(ApplicationError):
        services.decision_record(actor=gov.secretary, agenda_item=item, outcome="approved",
                                 reason="Consensus", votes_for=3)
    decision = services.decision_record(actor=gov.secretary, agenda_item=item,
                                        outcome="approved", reason="Carried", method="vote",
                                        votes_for=3, votes_against=0, abstentions=0)
    assert (decision.votes_for, decision.votes_against) == (3, 0)


def test_nothing_is_half_saved_when_a_decision_fails(gov):
    held = meeting(gov.board)  # nobody attended: not quorate
    item = services.agenda_item_add(actor=gov.secretary, meeting=held, title="Equipment")
    with pytest.raises(ApplicationError):
        services.decision_record(actor=gov.secretary, agenda_item=item, outcome="noted",
                                 reason="Noted")
    assert not Decision.objects.exists()
    held.refresh_from_db()
    assert held.status == MeetingStatus.SCHEDULED


def test_an_agenda_item_about_an_intention_must_be_of_the_area(gov, other_area):
    from tests.factories.agencies import AgencyFactory
    from tests.factories.commissioning import intention

    held = meeting(gov.board)
    foreign = intention(lead_agency=AgencyFactory(local_area=other_area))
    with pytest.raises(ApplicationError) as exc:
        services.agenda_item_add(actor=gov.secretary, meeting=held, title="Foreign",
                                 kind="intention", intention=foreign)
    assert "intention" in exc.value.errors


# --- board referrals from the commissioning cycle ------------------------------------------
def _referred_cycle(area):
    from commissioning.models import BoardReferral
    from tests.factories.commissioning import Cycle

    cycle = Cycle(area, value="800000.00")  # above both approvers' limits: referred
    gate = cycle.submit()
    referrals = list(BoardReferral.objects.filter(gate=gate).order_by("pk"))
    assert len(referrals) == 2
    seat(cycle.board, cycle.council, "secretary", user=cycle.secretary)
    seat(cycle.board, cycle.icb, "chair")
    seat(cycle.board, cycle.council, "member")  # the cycle's board has a quorum of 3
    return cycle, gate, referrals


def test_a_board_decision_on_referrals_lets_the_gate_proceed(area):
    from commissioning.models import GateStatus, ReferralStatus

    cycle, gate, referrals = _referred_cycle(area)
    held = quorate_meeting(cycle.board)
    for referral in referrals:
        item = services.agenda_item_add(actor=cycle.secretary, meeting=held, kind="referral",
                                        title=f"Referral: {referral.agency}",
                                        referral_id=referral.pk)
        assert item.intention_id == cycle.intention.pk
        decision = services.decision_record(actor=cycle.secretary, agenda_item=item,
                                            outcome="approved", reason="Within the budget.")
        referral.refresh_from_db()
        assert referral.status == ReferralStatus.APPROVED
        assert referral.board_decision_id == decision.pk
    gate.refresh_from_db()
    assert gate.status == GateStatus.APPROVED


def test_a_board_rejection_stops_the_gate_and_a_deferral_leaves_it_waiting(area):
    from commissioning.models import GateStatus, ReferralStatus

    cycle, gate, referrals = _referred_cycle(area)
    held = quorate_meeting(cycle.board)
    first = services.agenda_item_add(actor=cycle.secretary, meeting=held, kind="referral",
                                     title="Referral one", referral_id=referrals[0].pk)
    services.decision_record(actor=cycle.secretary, agenda_item=first, outcome="deferred",
                             reason="More information needed.")
    referrals[0].refresh_from_db()
    assert referrals[0].status == ReferralStatus.AWAITING
    second = services.agenda_item_add(actor=cycle.secretary, meeting=held, kind="referral",
                                      title="Referral two", referral_id=referrals[1].pk)
    services.decision_record(actor=cycle.secretary, agenda_item=second, outcome="rejected",
                             reason="Unaffordable this year.")
    gate.refresh_from_db()
    assert gate.status == GateStatus.REJECTED


def test_a_referral_of_another_board_cannot_be_put_on_the_agenda(area, gov):
    # gov.board decides for the cycle's agencies with the lowest limit (2m) covering 800k,
    # so the cycle refers to it.
    from tests.factories.commissioning import Cycle

    cycle = Cycle(area, value="800000.00")
    services.board_update(actor=None, board=gov.board, decides_for=[cycle.council, cycle.icb])
    gate = cycle.submit()
    referrals = list(BoardReferral.objects.filter(gate=gate).order_by("pk"))
    assert referrals[0].board_id == gov.board.pk
    held = quorate_meeting(cycle.board)
    with pytest.raises(ApplicationError) as exc:
        services.agenda_item_add(actor=cycle.secretary, meeting=held, kind="referral",
                                 title="Not ours", referral_id=referrals[0].pk)
    assert "referral_id" in exc.value.errors


def test_decided_item_helper_records_through_the_service(gov):
    decision = decided_item(quorate_meeting(gov.board))
    assert decision.outcome == "approved"
