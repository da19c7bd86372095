"""E-mails of the stage-gate workflow. Tasks take ids, load, send; queued on commit."""
from celery import shared_task
from django.core.mail import send_mail

from portal.links import absolute_url

from .models import SignOff, StageGate
from .participants import participants
from .selectors import approvers_by_agency

RETRY = {"autoretry_for": (ConnectionError, TimeoutError), "retry_backoff": True,
         "max_retries": 5}


def _path(intention):
    """The intention's page at the site's configured address (SITE_URL)."""
    return absolute_url("commissioning:intention-detail", intention.pk)


@shared_task(**RETRY)
def gate_ready(gate_id: int) -> int:
    """Tell the approvers of every participating agency that a gate waits for them."""
    gate = StageGate.objects.select_related("intention__lead_agency", "from_stage",
                                            "to_stage").filter(pk=gate_id).first()
    if gate is None:
        return 0
    intention = gate.intention
    agencies = participants(intention)
    # Agencies whose decision is with a board are not asked; those no board can take are
    # (their approvers may refer it to a board by hand).
    open_referrals = list(gate.referrals.filter(status__in=("awaiting", "no-board")))
    referred = {r.agency_id for r in open_referrals if r.status == "awaiting"}
    no_board = {r.agency_id: r.route_reason for r in open_referrals if r.status == "no-board"}
    approvers = approvers_by_agency([a.pk for a in agencies if a.pk not in referred])
    sent = 0
    for agency in agencies:
        recipients = sorted({m.user.email for m in approvers.get(agency.pk, []) if m.user.email})
        if not recipients:
            continue
        query = f"agency={agency.pk}"
        send_mail(
            f"Sign-off needed: {intention.reference} {intention.title}",
            f"{intention.reference} {intention.title} is ready to move from "
            f"{gate.from_stage} to {gate.to_stage}.\n\nPlease approve or reject it for "
            f"{agency}: {absolute_url('commissioning:sign-off', intention.pk, query=query)}\n"
            + (f"\nNo board can take {agency}'s decision yet: {no_board[agency.pk]}\n"
               if agency.pk in no_board else ""),
            None, recipients)
        sent += 1
    return sent


@shared_task(**RETRY)
def decision_made(sign_off_id: int) -> int:
    """Tell the intention's owner about each agency's decision."""
    sign_off = SignOff.objects.select_related("gate__intention__owner", "agency", "person",
                                              "gate__to_stage").filter(pk=sign_off_id).first()
    if sign_off is None or not sign_off.gate.intention.owner.email:
        return 0
    intention = sign_off.gate.intention
    verb = "approved" if sign_off.decision == "approve" else "rejected"
    body = (f"{sign_off.agency} {verb} the move of {intention.reference} {intention.title} "
            f"to {sign_off.gate.to_stage} ({sign_off.person}).")
    if sign_off.reason:
        body += f"\n\nReason: {sign_off.reason}"
    send_mail(f"{intention.reference}: {sign_off.agency} {verb} the stage gate",
              body + f"\n\n{_path(intention)}\n", None, [intention.owner.email])
    return 1


@shared_task(**RETRY)
def stage_advanced(gate_id: int) -> int:
    gate = StageGate.objects.select_related("intention__owner", "to_stage").filter(
        pk=gate_id).first()
    if gate is None or not gate.intention.owner.email:
        return 0
    intention = gate.intention
    send_mail(f"{intention.reference} moved to {gate.to_stage}",
              f"{intention.reference} {intention.title} is now at {gate.to_stage}.\n\n"
              f"{_path(intention)}\n", None, [intention.owner.email])
    return 1
