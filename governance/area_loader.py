"""Section `boards` of an area file: the board hierarchy, seats, meetings, decisions and
the quarterly reports to produce (through the same request -> Celery task path as beat).

    boards:
      - name: SEND Strategic Board          # natural key within the area
        reports_to: [Derbyshire Children's Partnership]   # boards listed in this file
        meeting_frequency: quarterly
        delegated_limit: 2000000
        decides_for: [{agency: dcc, limit: 1000000}, icb]  # limit left out: the board's
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

from portal.area_files import ANY, FLAG, Record

from . import referrals, services
from .graph import Graph
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
    "boards": [Record({
                "name": ANY, "short_name": ANY, "purpose": ANY, "reports_to": ANY,
                "decides_for": [Record({"agency": ANY, "limit": ANY})],
                "meeting_frequency": ANY, "delegated_limit": ANY, "quorum": ANY,
                "quorum_agencies": ANY, "scope": ANY,
                "members": [{"person": ANY, "agency": ANY, "role": ANY}],
                "meetings": [{"date": ANY, "location": ANY, "online": FLAG, "status": ANY,
                              "minutes": ANY, "attendance": ANY,
                              "agenda": [{"title": ANY, "paper_url": ANY,
                                          "decision": DECISION}]}],
                "reports": [{"year": ANY, "quarter": ANY}]},
                renamed={"parent": "reports_to", "parents": "reports_to",
                         "decides": "decides_for", "sovereign_for": "decides_for"})],
}


def validate(data, check):
    boards = check.items(data, "boards")
    names = [b.get("name") for _, b in boards if isinstance(b, dict)]
    check.unique(names, "boards", "board name")
    agencies = {a.get("key") for _, a in check.items(data, "agencies") if isinstance(a, dict)}
    people = {p.get("username") for _, p in check.items(data, "people") if isinstance(p, dict)}
    slug = (data.get("area") or {}).get("slug", "")
    people |= {f"{slug}.{role}" for role in (data.get("demo_roles") or {})}
    _cycle_check(check, boards)
    for path, board in boards:
        check.require(board, "name", path)
        if isinstance(board, dict):
            _validate_links(check, board, path, names, agencies)
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


def _reports_to(board) -> list:
    value = board.get("reports_to") or []
    return [value] if isinstance(value, str) else value


def _decides_for(board) -> list[tuple]:
    """[(agency key, limit or None)] from `decides_for` items: codes or {agency, limit}."""
    rows = []
    for item in board.get("decides_for") or []:
        if isinstance(item, dict):
            rows.append((item.get("agency"), item.get("limit")))
        else:
            rows.append((item, None))
    return rows


def _validate_links(check, board, path, names, agencies):
    value = board.get("reports_to")
    if value is not None and not isinstance(value, str | list):
        check.error(f"{path}.reports_to", "must be a list of board names")
        return
    for i, parent in enumerate(_reports_to(board)):
        if parent not in names:
            check.error(f"{path}.reports_to[{i}]", f"unknown board {parent!r}")
        elif parent == board.get("name"):
            check.error(f"{path}.reports_to[{i}]", "a board cannot report to itself")
    if not isinstance(board.get("decides_for") or [], list):
        check.error(f"{path}.decides_for", "must be a list of agencies")
        return
    seen = set()
    for i, (agency, limit) in enumerate(_decides_for(board)):
        where = f"{path}.decides_for[{i}]"
        if not isinstance(agency, str) or agency not in agencies:
            check.error(where, f"unknown agency {agency!r}")
        elif agency in seen:
            check.error(where, f"agency {agency!r} is listed twice")
        seen.add(agency)
        if limit is not None:
            _money(check, limit, f"{where}.limit")


def _cycle_check(check, boards):
    """Refuse reports_to links that make a loop, naming it."""
    edges = [(b.get("name"), p) for _, b in boards if isinstance(b, dict)
             for p in (_reports_to(b) if isinstance(b.get("reports_to") or [], str | list)
                       else []) if isinstance(p, str)]
    graph = Graph(edges)
    paths = {b.get("name"): path for path, b in boards if isinstance(b, dict)}
    reported = set()
    for name, parent in edges:
        if name == parent:
            continue
        down = graph.path_down(name, parent)
        if down is not None and frozenset(down) not in reported:
            reported.add(frozenset(down))
            chain = " reports to ".join(reversed([*down, name]))
            check.error(f"{paths[name]}.reports_to",
                        f"a loop: {chain}; a board cannot report to a board below it")


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
        if "reports_to" in spec:
            services.board_update(actor=None, board=boards[spec["name"]],
                                  reports_to=[boards[n] for n in _reports_to(spec)])
    for spec in data.get("boards", []):
        board = boards[spec["name"]]
        for member in spec.get("members", []):
            services.board_member_add(actor=None, board=board, user=people[member["person"]],
                                      agency=agencies[member["agency"]],
                                      role=member.get("role", BoardRole.MEMBER))
        for meeting in spec.get("meetings", []):
            _meeting(board, meeting)
    # Referrals made before the boards could take them (the cycle section loads first).
    referrals.reroute_unrouted(area.pk)
    # Lower boards first, so a board's roll-up finds the reports of every board below it
    # (eager mode): a board comes after everything that reports to it, however deep.
    depth = _depths(data.get("boards", []))
    for spec in sorted(data.get("boards", []), key=lambda s: -depth[s["name"]]):
        for report in spec.get("reports", []):
            services.report_request(actor=None, board=boards[spec["name"]],
                                    year=str(report["year"]), quarter=int(report["quarter"]))
    ctx["boards"] = boards


def _depths(specs) -> dict[str, int]:
    """Each board's longest chain of boards above it (0 for a top board)."""
    parents = {s["name"]: _reports_to(s) for s in specs}
    depth: dict[str, int] = {}

    def of(name):
        if name not in depth:
            depth[name] = 0  # the file is checked for loops before loading
            depth[name] = max((of(p) + 1 for p in parents.get(name, [])), default=0)
        return depth[name]

    for name in parents:
        of(name)
    return depth


def _board(area, spec, agencies):
    decides_for = [(agencies[key], None if limit is None else Decimal(str(limit)))
                   for key, limit in _decides_for(spec)]
    fields = {"short_name": spec.get("short_name", ""), "purpose": spec.get("purpose", ""),
              "decides_for": decides_for,
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
