"""Meetings, agendas, attendance with the quorum check, and decisions."""
from dataclasses import dataclass

from django.db import transaction

from portal.errors import ApplicationError, ErrorCode

from .. import permissions, referrals
from ..models import (
    AgendaItem,
    AgendaKind,
    Attendance,
    BoardMember,
    BoardReport,
    Decision,
    DecisionMethod,
    Meeting,
    MeetingStatus,
    Outcome,
)
from .common import require, save

MEETING_FIELDS = ("date", "location", "online", "status", "minutes")


def _check_runner(actor, board):
    if actor is not None:
        require(permissions.can_run_board(actor, board))


@transaction.atomic
def meeting_create(*, actor, board, date, location="", online=False, minutes="",
                   status=MeetingStatus.SCHEDULED) -> Meeting:
    _check_runner(actor, board)
    if Meeting.objects.filter(board=board, date=date).exists():
        raise ApplicationError("The board already meets on that day.",
                               errors={"date": ["The board already has a meeting that day."]})
    if not online and not location.strip():
        raise ApplicationError("Say where the meeting is, or that it is online.",
                               errors={"location": ["Enter a location or choose online."]})
    return save(Meeting(board=board, date=date, location=location.strip(), online=online,
                        minutes=minutes, status=MeetingStatus(status)), actor)


@transaction.atomic
def meeting_update(*, actor, meeting, **fields) -> Meeting:
    meeting = Meeting.objects.select_for_update().select_related("board").get(pk=meeting.pk)
    _check_runner(actor, meeting.board)
    for key, value in fields.items():
        if key in MEETING_FIELDS:
            setattr(meeting, key, value)
    return save(meeting, actor)


@transaction.atomic
def agenda_item_add(*, actor, meeting, title, kind=AgendaKind.PAPER, intention=None,
                    referral_id=None, report=None, paper_url="") -> AgendaItem:
    meeting = Meeting.objects.select_for_update().select_related("board").get(pk=meeting.pk)
    board = meeting.board
    _check_runner(actor, board)
    kind = AgendaKind(kind)
    if not title.strip():
        raise ApplicationError("Give the item a title.", errors={"title": ["Enter a title."]})
    if kind == AgendaKind.INTENTION and (
            intention is None or intention.local_area_id != board.local_area_id):
        raise ApplicationError("Choose an intention of this local area.",
                               errors={"intention": ["Choose an intention of this area."]})
    if kind == AgendaKind.REFERRAL:
        if referral_id is None:
            raise ApplicationError("Choose the referral.",
                                   errors={"referral_id": ["Choose the referral."]})
        referral = referrals.get_for_board(board, referral_id)
        intention = referrals.intention_of(referral) or intention
    if kind == AgendaKind.REPORT and (report is None or report.board_id != board.pk):
        raise ApplicationError("Choose one of this board's reports.",
                               errors={"report": ["Choose one of this board's reports."]})
    last = meeting.agenda.order_by("-position").values_list("position", flat=True).first()
    return save(AgendaItem(meeting=meeting, position=(last or 0) + 1, title=title.strip(),
                           kind=kind, intention=intention, referral_id=referral_id,
                           report=report if isinstance(report, BoardReport) else None,
                           paper_url=paper_url), actor)


@transaction.atomic
def attendance_set(*, actor, meeting, present_member_ids) -> list[Attendance]:
    """Record who attended: every current member is marked present or absent."""
    meeting = Meeting.objects.select_for_update().select_related("board").get(pk=meeting.pk)
    _check_runner(actor, meeting.board)
    seats = list(BoardMember.objects.filter(board=meeting.board))
    present = {int(i) for i in present_member_ids}
    unknown = present - {s.pk for s in seats}
    if unknown:
        raise ApplicationError("Only the board's members can attend.",
                               errors={"present": ["Choose members of this board."]})
    existing = {a.member_id: a for a in Attendance.objects.filter(meeting=meeting)}
    rows = []
    for seat in seats:
        row = existing.get(seat.pk) or Attendance(meeting=meeting, member=seat)
        row.present = seat.pk in present
        rows.append(save(row, actor))
    return rows


@dataclass(frozen=True)
class Quorum:
    quorate: bool
    present: int
    required: int
    missing_agencies: list

    @property
    def reason(self):
        if self.quorate:
            return ""
        parts = []
        if self.present < self.required:
            parts.append(f"{self.present} of the {self.required} members needed are present")
        if self.missing_agencies:
            parts.append("not represented: " + ", ".join(self.missing_agencies))
        return "The meeting is not quorate: " + "; ".join(parts) + "."


def quorum_check(meeting) -> Quorum:
    """Quorate when enough members attend and every required agency is represented."""
    board = meeting.board
    present = list(Attendance.objects.filter(meeting=meeting, present=True)
                   .values_list("member__agency_id", flat=True))
    required = list(board.quorum_agencies.all())
    missing = [a.name for a in required if a.pk not in set(present)]
    return Quorum(quorate=len(present) >= board.quorum and not missing, present=len(present),
                  required=board.quorum, missing_agencies=missing)


@transaction.atomic
def decision_record(*, actor, agenda_item, outcome, reason, method=DecisionMethod.CONSENSUS,
                    votes_for=None, votes_against=None, abstentions=None) -> Decision:
    """Record the board's decision on an agenda item; on a referral, fulfil it in the cycle."""
    item = AgendaItem.objects.select_for_update().select_related("meeting__board").get(
        pk=agenda_item.pk)
    meeting, board = item.meeting, item.meeting.board
    _check_runner(actor, board)
    outcome, method = Outcome(outcome), DecisionMethod(method)
    if Decision.objects.filter(agenda_item=item).exists():
        raise ApplicationError("This item already has a decision.", code=ErrorCode.CONFLICT)
    if meeting.status == MeetingStatus.CANCELLED:
        raise ApplicationError("The meeting was cancelled.", code=ErrorCode.CONFLICT)
    if not (reason or "").strip():
        raise ApplicationError("Give the reason for the decision.",
                               errors={"reason": ["Enter the reason for the decision."]})
    votes = (votes_for, votes_against, abstentions)
    if method == DecisionMethod.VOTE and (votes_for is None or votes_against is None):
        raise ApplicationError("Record the votes for and against.",
                               errors={"votes_for": ["Enter the votes for and against."]})
    if method == DecisionMethod.CONSENSUS and any(v for v in votes):
        raise ApplicationError("A consensus decision has no votes.",
                               errors={"method": ["Choose vote to record votes."]})
    if method == DecisionMethod.VOTE and outcome == Outcome.APPROVED \
            and votes_for <= votes_against:
        raise ApplicationError("The votes do not carry the motion.",
                               errors={"outcome": ["Approved needs more votes for than against."]})
    quorum = quorum_check(meeting)
    if not quorum.quorate:
        raise ApplicationError(quorum.reason, errors={"outcome": [quorum.reason]})
    decision = save(Decision(agenda_item=item, outcome=outcome, reason=reason.strip(),
                             method=method, votes_for=votes_for, votes_against=votes_against,
                             abstentions=abstentions, recorded_by=actor), actor)
    if item.kind == AgendaKind.REFERRAL and outcome in (Outcome.APPROVED, Outcome.REJECTED):
        referrals.decide(actor=actor, board=board, referral_id=item.referral_id,
                         approved=outcome == Outcome.APPROVED, reason=decision.reason,
                         decision=decision)
    if meeting.status == MeetingStatus.SCHEDULED:
        meeting.status = MeetingStatus.HELD
        save(meeting, actor)
    return decision
