"""An intention's timeline, read from the simple-history audit tables.

Created and edited (field by field, the value from £X to £Y, partner agencies and
priorities added or removed, via portal.audit), status changes and stage moves come from
the intention's own history; gate submissions, decisions, board referrals and comments from
theirs. One query per audit table whatever the length of the story.
"""
from agencies.models import Stage
from portal import audit

from .models import BoardReferral, IntentionNote, IntentionStatus, SignOff, StageGate

WATCH = audit.Watch(
    fields={
        "title": "title", "summary": "summary", "thematic_area": "thematic area",
        "level": "level", "lead_agency_id": "lead agency",
        "estimated_annual_value": "estimated value",
        "value_is_sensitive": "sensitivity of the value", "starts": "start date",
        "ends": "end date", "owner_id": "owner",
        "published_for_consultation": "publication for consultation",
    },
    m2m={"joint_lead_agencies": "joint lead agencies", "partner_agencies": "partner agencies",
         "priorities": "priorities"},
    money=frozenset({"estimated_annual_value"}),
)
STATUS = dict(IntentionStatus.choices)


def _intention_events(intention, show_value):
    records = list(intention.history.select_related("history_user").order_by(
        "history_date", "history_id"))
    stage_ids = {r.current_stage_id for r in records}
    stages = dict(Stage.objects.filter(pk__in=stage_ids).values_list("pk", "name"))
    previous = None
    for record in records:
        if previous is not None and record.history_type != "+":
            if record.current_stage_id != previous.current_stage_id:
                yield record.history_date, "stage", audit.who(record), (
                    f"Moved from {stages.get(previous.current_stage_id)} to "
                    f"{stages.get(record.current_stage_id)}"), ""
            if record.status != previous.status:
                yield record.history_date, "status", audit.who(record), (
                    f"Status changed from {STATUS.get(previous.status)} to "
                    f"{STATUS.get(record.status)}"), ""
        previous = record
    # Field edits, money and partners/priorities added or removed (portal.audit).
    for when, kind, who, what, detail in audit.changes(
            intention, WATCH, show_money=show_value, records=records):
        if kind == "created":
            what = f"Created at {stages.get(records[0].current_stage_id, 'its first stage')}"
        yield when, kind, who, what, detail


def build(intention, show_value=True) -> list[dict]:
    """`show_value=False` for a viewer who may not see a sensitive value's amounts."""
    events = list(_intention_events(intention, show_value))
    for gate in StageGate.objects.filter(intention=intention).select_related(
            "opened_by", "from_stage", "to_stage"):
        events.append((gate.opened_at, "gate", str(gate.opened_by),
                       f"Submitted for sign-off to move from {gate.from_stage} to "
                       f"{gate.to_stage} (round {gate.round})", gate.note))
        if gate.closed_at and gate.status in ("rejected", "withdrawn"):
            status = gate.get_status_display().lower()
            events.append((gate.closed_at, "gate", "", f"Stage gate {status}", ""))
    for sign_off in SignOff.objects.filter(gate__intention=intention).select_related(
            "agency", "person", "referral__board"):
        verb = "approved" if sign_off.decision == "approve" else "rejected"
        via = f" (decision of the {sign_off.referral.board})" if sign_off.referral_id else ""
        events.append((sign_off.decided_at, f"sign-off-{sign_off.decision}", str(sign_off.person),
                       f"{sign_off.agency} {verb} the stage gate{via}", sign_off.reason))
    for referral in BoardReferral.objects.filter(gate__intention=intention).select_related(
            "agency", "board", "referred_by"):
        what = (f"{referral.agency}'s decision referred to the {referral.board}"
                if referral.board_id else
                f"{referral.agency}'s decision needs a board: no board can take it")
        events.append((referral.referred_at, "referral", str(referral.referred_by), what,
                       "\n".join(filter(None, [referral.reason, referral.route_reason]))))
    for note in IntentionNote.objects.filter(intention=intention).select_related("author"):
        events.append((note.created_at, "comment", str(note.author), "Comment", note.text))
    events.sort(key=lambda e: e[0], reverse=True)
    return [{"when": when, "kind": kind, "who": who, "what": what, "detail": detail}
            for when, kind, who, what, detail in events]
