"""The one place governance reaches into the cycle's board referrals.

`commissioning.BoardReferral` (with a foreign key to Board) and
`commissioning.services.board_referral_decide` belong to the commissioning cycle, which is
built beside this app; everything here asks for them lazily and answers "not available"
when they are not there, so boards work before and after the cycle lands.
"""
from django.apps import apps

from portal.errors import ApplicationError

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
