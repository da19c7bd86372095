"""Section `boards` of an area file: the board hierarchy, seats, meetings, decisions and
the quarterly reports to produce (through the same request -> Celery task path as beat).

    boards:
      - name: SEND Strategic Board          # natural key within the area
        parent: Derbyshire Children's Partnership   # a board listed in this file
        meeting_frequency: quarterly
        delegated_limit: 2000000
        quorum: 3
        quorum_agencies: [dcc, icb]         # agency keys
        scope: [dcc, icb]                   # agencies whose information it receives
        members: [{person: derbyshire.board-member, agency: icb, role: member}]
        meetings:
          - {date: 2026-07-16, location: County Hall, status: held, attendance: all,
             minutes: "...", agenda: [{title: ..., decision: {outcome: approved, reason: ...}}]}
        reports: [{year: 2026-27, quarter: 1}]
"""
from datetime import date
from decimal import Decimal, InvalidOperation

from portal.area_files import ANY, FLAG

from . import services
from .models import (
    AgendaItem,
    Board,
    Decision,
    DecisionMethod,
    Meeting,
    MeetingFrequency,
    MeetingStatus,
    Outcome,
)
from .quarters import parse_year
from .roles import BoardRole

ORDER = 50
# Every key an area file may use in this section (anything else is refused).
DECISION = {"outcome": ANY, "reason": ANY, "method": ANY, "votes_for": ANY,
            "votes_against": ANY, "abstentions": ANY}
KEYS = {
    "boards": [{"name": ANY, "short_name": ANY, "purpose": ANY, "parent": ANY,
                "meeting_frequency": ANY, "delegated_limit": ANY, "quorum": ANY,
                "quorum_agencies": ANY, "scope": ANY,
                "members": [{"person": ANY, "agency": ANY, "role": ANY}],
                "meetings": [{"date": ANY, "location": ANY, "online": FLAG, "status": ANY,
                              "minutes": ANY, "attendance": ANY,
                              "agenda": [{"title": ANY, "paper_url": ANY,
                                          "decision": DECISION}]}],
                "reports": [{"year": ANY, "quarter": ANY}]}],
}


def validate(data, check):
    boards = check.items(data, "boards")
    names = [b.get("name") for _, b in boards if isinstance(b, dict)]
    check.unique(names, "boards", "board name")
    agencies = {a.get("key") for _, a in check.items(data, "agencies") if isinstance(a, dict)}
    people = {p.get("username") for _, p in check.items(data, "people") if isinstance(p, dict)}
    slug = (data.get("area") or {}).get("slug", "")
    people |= {f"{slug}.{role}" for role in (data.get("demo_roles") or {})}
    for path, board in boards:
        check.require(board, "name", path)
        parent = board.get("parent") if isinstance(board, dict) else None
        if parent is not None and parent not in names:
            check.error(f"{path}.parent", f"unknown board {parent!r}")
        if isinstance(board, dict):
            check.one_of(board.get("meeting_frequency", "quarterly"),
                         set(MeetingFrequency.values), f"{path}.meeting_frequency")
            _money(check, board.get("delegated_limit", 0), f"{path}.delegated_limit")
            for key in ("scope", "quorum_agencies"):
                for i, agency in enumerate(board.get(key) or []):
                    if agency not in agencies:
                        check.error(f"{path}.{key}[{i}]", f"unknown agency {agency!r}")
        for mpath, member in check.items(board, "members", path):
            if check.require(member, "person", mpath) not in people | {None}:
                check.error(f"{mpath}.person", f"unknown person {member.get('person')!r}")
            if check.require(member, "agency", mpath) not in agencies | {None}:
                check.error(f"{mpath}.agency", f"unknown agency {member.get('agency')!r}")
            check.one_of(member.get("role", "member"), set(BoardRole.values), f"{mpath}.role")
        for mpath, meeting in check.items(board, "meetings", path):
            _validate_meeting(check, meeting, mpath)
        for rpath, report in check.items(board, "reports", path):
            try:
                parse_year(str(report.get("year", "")))
            except ValueError:
                check.error(f"{rpath}.year", "write the financial year like 2025-26")
            check.one_of(report.get("quarter"), {1, 2, 3, 4}, f"{rpath}.quarter")


def _money(check, value, path):
    try:
        if Decimal(str(value)) < 0:
            check.error(path, "must not be negative")
    except InvalidOperation:
        check.error(path, f"{value!r} is not an amount of money")


def _validate_meeting(check, meeting, path):
    when = meeting.get("date") if isinstance(meeting, dict) else None
    if not isinstance(when, date):
        check.error(f"{path}.date", "write the date like 2026-07-16")
    check.one_of(meeting.get("status", "scheduled"), set(MeetingStatus.values),
                 f"{path}.status")
    for ipath, item in check.items(meeting, "agenda", path):
        check.require(item, "title", ipath)
        decision = item.get("decision") if isinstance(item, dict) else None
        if decision is not None:
            check.one_of(decision.get("outcome"), set(Outcome.values), f"{ipath}.decision.outcome")
            check.require(decision, "reason", f"{ipath}.decision")
            check.one_of(decision.get("method", "consensus"), set(DecisionMethod.values),
                         f"{ipath}.decision.method")


def load(data, ctx):
    area, agencies, people = ctx["area"], ctx["agencies"], ctx["people"]
    boards = {}
    for spec in data.get("boards", []):
        boards[spec["name"]] = _board(area, spec, agencies)
    for spec in data.get("boards", []):
        if spec.get("parent"):
            services.board_update(actor=None, board=boards[spec["name"]],
                                  parent=boards[spec["parent"]])
    for spec in data.get("boards", []):
        board = boards[spec["name"]]
        for member in spec.get("members", []):
            services.board_member_add(actor=None, board=board, user=people[member["person"]],
                                      agency=agencies[member["agency"]],
                                      role=member.get("role", BoardRole.MEMBER))
        for meeting in spec.get("meetings", []):
            _meeting(board, meeting)
    # Children first, so a parent board's roll-up finds its children's reports (eager mode).
    depth = {name: _depth(name, data["boards"]) for name in boards}
    for spec in sorted(data.get("boards", []), key=lambda s: -depth[s["name"]]):
        for report in spec.get("reports", []):
            services.report_request(actor=None, board=boards[spec["name"]],
                                    year=str(report["year"]), quarter=int(report["quarter"]))
    ctx["boards"] = boards


def _depth(name, specs):
    parents = {s["name"]: s.get("parent") for s in specs}
    depth, current = 0, parents.get(name)
    while current:
        depth, current = depth + 1, parents.get(current)
    return depth


def _board(area, spec, agencies):
    fields = {"short_name": spec.get("short_name", ""), "purpose": spec.get("purpose", ""),
              "meeting_frequency": spec.get("meeting_frequency", MeetingFrequency.QUARTERLY),
              "delegated_limit": Decimal(str(spec.get("delegated_limit", 0))),
              "quorum": int(spec.get("quorum", 3)),
              "scope_agencies": [agencies[k] for k in spec.get("scope", [])],
              "quorum_agencies": [agencies[k] for k in spec.get("quorum_agencies", [])]}
    board = Board.objects.filter(local_area=area, name=spec["name"]).first()
    if board is None:
        return services.board_create(actor=None, local_area=area, name=spec["name"], **fields)
    return services.board_update(actor=None, board=board, **fields)


def _meeting(board, spec):
    meeting = Meeting.objects.filter(board=board, date=spec["date"]).first()
    fields = {"location": spec.get("location", ""), "online": bool(spec.get("online", False)),
              "minutes": spec.get("minutes", "")}
    if meeting is None:
        meeting = services.meeting_create(actor=None, board=board, date=spec["date"], **fields)
    if spec.get("attendance") == "all":
        services.attendance_set(actor=None, meeting=meeting, present_member_ids=list(
            board.members.values_list("pk", flat=True)))
    for item_spec in spec.get("agenda", []):
        item = AgendaItem.objects.filter(meeting=meeting, title=item_spec["title"]).first() \
            or services.agenda_item_add(actor=None, meeting=meeting, title=item_spec["title"],
                                        paper_url=item_spec.get("paper_url", ""))
        decision = item_spec.get("decision")
        if decision and not Decision.objects.filter(agenda_item=item).exists():
            services.decision_record(actor=None, agenda_item=item, outcome=decision["outcome"],
                                     reason=decision["reason"],
                                     method=decision.get("method", DecisionMethod.CONSENSUS),
                                     votes_for=decision.get("votes_for"),
                                     votes_against=decision.get("votes_against"),
                                     abstentions=decision.get("abstentions"))
    services.meeting_update(actor=None, meeting=meeting,
                            status=spec.get("status", MeetingStatus.SCHEDULED), **fields)
