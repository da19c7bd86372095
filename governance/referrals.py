"""The one place governance reaches into the cycle's board referrals, and the one routing
rule that says which board takes a referral (`Router.route`, `route`).

Routing: a referral for agency X worth V goes to the board with the lowest limit for X
among the boards that decide for X (`Board.decides_for`, through `BoardDelegation`) whose
limit for X covers V; else up the reports-to graph from those boards, to the nearest board
whose own delegated limit covers V; else nowhere: the referral is kept with no board (status
`no-board`) and says why and who can fix it, until a local-area administrator sets up a
board that can take it (`reroute_unrouted` then sends it on).

`commissioning.BoardReferral` (with a foreign key to Board) and
`commissioning.services.board_referral_decide` belong to the commissioning cycle, which is
built beside this app; everything here asks for them lazily and answers "not available"
when they are not there, so boards work before and after the cycle lands.
"""
from dataclasses import dataclass
from decimal import Decimal

from django.apps import apps

from portal.errors import ApplicationError
from portal.money import format_gbp

from .graph import Graph
from .models import Board, BoardDelegation

FIX = ("A local-area administrator can fix this on the boards page: add {agency} to the "
       "agencies a board decides for, with a limit that covers the value.")


@dataclass(frozen=True)
class Route:
    """Where a referral goes and why; `board` None: no board can take it."""

    board: Board | None
    reason: str
    via: str  # "decides-for", "reports-to" or "none"

    @property
    def routed(self) -> bool:
        return self.board is not None


def _name(obj) -> str:
    return getattr(obj, "short_name", "") or getattr(obj, "name", "") or str(obj)


class Router:
    """The boards of one local area read once (three queries), then any number of routes
    worked out in memory."""

    def __init__(self, area_id):
        self.area_id = area_id
        self.boards = {b.pk: b for b in Board.objects.filter(local_area_id=area_id)}
        self.delegations: dict[int, list[BoardDelegation]] = {}
        for delegation in BoardDelegation.objects.filter(
                board__local_area_id=area_id).order_by("pk"):
            delegation.board = self.boards[delegation.board_id]
            self.delegations.setdefault(delegation.agency_id, []).append(delegation)
        self.graph = Graph.of_area(area_id)

    def deciding_for(self, agency) -> list[BoardDelegation]:
        """The delegations from `agency`, lowest limit first."""
        return sorted(self.delegations.get(agency.pk, []),
                      key=lambda d: (d.effective_limit, d.board.name))

    def route(self, agency, amount, approver_limit=None) -> Route:
        amount = Decimal(amount)
        who = _name(agency)
        if approver_limit is None:
            start = f"{who} has no approver with a delegated limit"
        else:
            start = f"{who}'s approvers' highest limit is {format_gbp(approver_limit)}"
        delegations = self.deciding_for(agency)
        for delegation in delegations:
            if delegation.effective_limit >= amount:
                return Route(delegation.board, (
                    f"{start}; the {delegation.board.name} decides for {who} up to "
                    f"{format_gbp(delegation.effective_limit)}."), "decides-for")
        fix = FIX.format(agency=agency.name)
        if not delegations:
            return Route(None, f"{start}; no board decides for {who}, so no board can take "
                               f"this. {fix}", "none")
        top = delegations[-1]
        highest = (f"the highest is the {top.board.name}, up to "
                   f"{format_gbp(top.effective_limit)}")
        starts = [d.board_id for d in delegations]
        above = self.graph.ancestors(starts)
        candidates = sorted(
            (pk for pk in above if pk in self.boards
             and self.boards[pk].delegated_limit >= amount),
            key=lambda pk: (above[pk], self.boards[pk].delegated_limit, self.boards[pk].name))
        if candidates:
            board = self.boards[candidates[0]]
            below = next((self.boards[pk] for pk in starts
                          if self.graph.path_down(board.pk, pk)), top.board)
            return Route(board, (
                f"{start}; no board that decides for {who} can take {format_gbp(amount)} "
                f"({highest}), so it goes up to the {board.name}, to which the {below.name} "
                f"reports, which decides up to {format_gbp(board.delegated_limit)}."),
                "reports-to")
        return Route(None, (
            f"{start}; no board that decides for {who} can take {format_gbp(amount)} "
            f"({highest}), nor any board they report to, so no board can take this. {fix}"),
            "none")


def route(*, area_id, agency, amount, approver_limit=None) -> Route:
    """The board a referral for `agency` worth `amount` goes to, and why."""
    return Router(area_id).route(agency, amount, approver_limit)


def reroute_unrouted(area_id) -> int:
    """Send the area's referrals that no board could take to a board that can take them
    now (through the cycle's own service); the number sent on."""
    try:
        from commissioning.services import referrals_reroute
    except ImportError:
        return 0
    return referrals_reroute(actor=None, area_id=area_id)

UNAVAILABLE = "Board referrals are not available: the commissioning cycle does not provide them."


def referral_model():
    try:
        model = apps.get_model("commissioning", "BoardReferral")
    except LookupError:
        return None
    field_names = {f.name for f in model._meta.get_fields()}
    return model if "board" in field_names else None


def _decide_function():
    try:
        from commissioning import services as cycle_services
    except ImportError:
        return None
    return getattr(cycle_services, "board_referral_decide", None)


def _waiting_filter(model):
    """Referrals still waiting for the board: status awaiting (or, failing that, undecided)."""
    names = {f.name for f in model._meta.get_fields()}
    if "status" in names:
        choices = dict(model._meta.get_field("status").choices or [])
        waiting = [v for v in choices if v in {"awaiting", "open", "pending", "waiting"}]
        if waiting:
            return {"status__in": waiting}
    if "decided_at" in names:
        return {"decided_at__isnull": True}
    return {}


def waiting_for(board_ids) -> list:
    """Referrals waiting for the given boards (one query), newest first."""
    model = referral_model()
    if model is None:
        return []
    names = {f.name for f in model._meta.get_fields()}
    related = [name for name in ("board", "agency", "intention", "gate__intention")
               if name.split("__")[0] in names]
    return list(model.objects.filter(board_id__in=board_ids, **_waiting_filter(model))
                .select_related(*related).order_by("-pk"))


def intention_of(referral):
    """The intention a referral is about (directly or through its stage gate)."""
    intention = getattr(referral, "intention", None)
    gate = getattr(referral, "gate", None)
    return intention or getattr(gate, "intention", None)


def get_for_board(board, referral_id):
    model = referral_model()
    if model is None:
        raise ApplicationError(UNAVAILABLE, errors={"referral_id": [UNAVAILABLE]})
    referral = model.objects.filter(pk=referral_id, board_id=board.pk).first()
    if referral is None:
        message = "No such referral is waiting for this board."
        raise ApplicationError(message, errors={"referral_id": [message]})
    return referral


def decide(*, actor, board, referral_id, approved: bool, reason: str, decision):
    """Record the board's decision on the referral through the cycle's own service."""
    decide_fn = _decide_function()
    if decide_fn is None:
        raise ApplicationError(UNAVAILABLE, errors={"referral_id": [UNAVAILABLE]})
    referral = get_for_board(board, referral_id)
    return decide_fn(actor=actor, referral=referral, approved=approved, reason=reason,
                     decision=decision)
