"""Celery tasks of the pooled budgets app: thin, idempotent, safe to run twice."""
import logging

from celery import shared_task
from django.core.mail import send_mail

from portal import periods
from portal.links import absolute_url

from .models import ConfirmationDecision, QuarterConfirmation, QuarterSnapshot
from .selectors import finance_officers_by_agency, snapshots_tampered

logger = logging.getLogger(__name__)


@shared_task(name="budgets.verify_snapshots")
def verify_snapshots() -> list[int]:
    """Check every closed quarter's stored position still matches its sha256; log and
    return the ids of any that do not (run it nightly from beat)."""
    bad = snapshots_tampered()
    for snapshot_id in bad:
        logger.error("Quarter snapshot %s no longer matches its sha256", snapshot_id)
    return bad


# --- e-mails of the quarter close (issue 16): take ids, load, send; queued on commit -----
RETRY = {"autoretry_for": (ConnectionError, TimeoutError), "retry_backoff": True,
         "max_retries": 5}


def _position_link(snapshot):
    return absolute_url("budgets:position", snapshot.agreement_id,
                        query=f"year={snapshot.year}&quarter={snapshot.quarter}")


def _load(snapshot_id):
    return (QuarterSnapshot.objects.select_related("agreement", "submitted_by", "reopened_by")
            .filter(pk=snapshot_id).first())


def _label(snapshot):
    return f"{snapshot.agreement.title}: {periods.label(snapshot.year, snapshot.quarter)}"


@shared_task(name="budgets.quarter_submitted", **RETRY)
def quarter_submitted(snapshot_id: int) -> int:
    """Ask the finance officers of each contributing partner to confirm the figures."""
    snapshot = _load(snapshot_id)
    if snapshot is None:
        return 0
    officers = finance_officers_by_agency(snapshot.contributing_agency_ids)
    sent = 0
    for agency_id in snapshot.contributing_agency_ids:
        people = [p for p in officers.get(agency_id, []) if p.pk != snapshot.submitted_by_id]
        recipients = sorted({p.email for p in people if p.email})
        if not recipients:
            continue
        link = absolute_url("budgets:quarter-confirm", snapshot.agreement_id, snapshot.year,
                            snapshot.quarter, query=f"agency={agency_id}")
        send_mail(f"Confirm the quarter: {_label(snapshot)}",
                  f"{snapshot.submitted_by or 'The pooled fund manager'} submitted "
                  f"{_label(snapshot)} for every partner's confirmation.\n\nPlease confirm "
                  f"the figures for your organisation, or return them with a reason: "
                  f"{link}\n", None, recipients)
        sent += 1
    return sent


@shared_task(name="budgets.quarter_answered", **RETRY)
def quarter_answered(confirmation_id: int) -> int:
    """Tell the pooled fund manager (and, once closed, every partner's finance officers)."""
    confirmation = (QuarterConfirmation.objects.select_related(
        "snapshot__agreement__pooled_fund_manager", "snapshot__submitted_by", "agency",
        "person").filter(pk=confirmation_id).first())
    if confirmation is None:
        return 0
    snapshot = confirmation.snapshot
    manager = snapshot.submitted_by or snapshot.agreement.pooled_fund_manager
    recipients = {manager.email} if manager is not None and manager.email else set()
    if confirmation.decision == ConfirmationDecision.RETURNED:
        subject = f"Returned: {_label(snapshot)}"
        body = (f"{confirmation.person} returned the figures for {confirmation.agency}.\n\n"
                f"Reason: {confirmation.reason}\n\nCorrect them and submit the quarter again.")
    elif snapshot.is_closed and snapshot.round == confirmation.round:
        subject = f"Closed: {_label(snapshot)}"
        body = (f"Every partner has confirmed {_label(snapshot)}; the quarter is closed "
                f"(sha256 {snapshot.sha256}).")
        for people in finance_officers_by_agency(snapshot.contributing_agency_ids).values():
            recipients |= {p.email for p in people if p.email}
    else:
        subject = f"Confirmed by {confirmation.agency}: {_label(snapshot)}"
        body = f"{confirmation.person} confirmed the figures for {confirmation.agency}."
    if not recipients:
        return 0
    send_mail(subject, f"{body}\n\n{_position_link(snapshot)}\n", None, sorted(recipients))
    return 1


@shared_task(name="budgets.quarter_reopened", **RETRY)
def quarter_reopened(snapshot_id: int) -> int:
    """Tell the pooled fund manager and every partner's finance officers."""
    snapshot = _load(snapshot_id)
    if snapshot is None:
        return 0
    agreement = snapshot.agreement
    recipients = set()
    if agreement.pooled_fund_manager_id:
        recipients |= {agreement.pooled_fund_manager.email} - {""}
    for people in finance_officers_by_agency(snapshot.contributing_agency_ids).values():
        recipients |= {p.email for p in people if p.email}
    if not recipients:
        return 0
    send_mail(f"Reopened: {_label(snapshot)}",
              f"{snapshot.reopened_by} reopened {_label(snapshot)}.\n\nReason: "
              f"{snapshot.reopen_reason}\n\nClosing it again needs every partner's "
              f"confirmation.\n\n{_position_link(snapshot)}\n", None, sorted(recipients))
    return 1


@shared_task(name="budgets.settlement_signed", **RETRY)
def settlement_signed(sign_off_id: int) -> int:
    """Tell every signing partner's finance officers and the pooled fund manager who
    signed the year-end settlement, and when every partner has."""
    from .models import SettlementSignOff

    sign_off = (SettlementSignOff.objects.select_related(
        "settlement__agreement__pooled_fund_manager", "agency", "person")
        .filter(pk=sign_off_id).first())
    if sign_off is None:
        return 0
    settlement = sign_off.settlement
    agreement = settlement.agreement
    signers = [p["agency"] for p in settlement.statement.get("partners", [])]
    recipients = set()
    for people in finance_officers_by_agency(signers).values():
        recipients |= {p.email for p in people if p.email and p.pk != sign_off.person_id}
    if agreement.pooled_fund_manager and agreement.pooled_fund_manager.email:
        recipients.add(agreement.pooled_fund_manager.email)
    if not recipients:
        return 0
    done = settlement.status == "signed" and settlement.sha256 == sign_off.sha256
    subject = (f"{'Signed off' if done else 'Signed for ' + str(sign_off.agency)}: "
               f"{agreement.title} year-end settlement {settlement.year}")
    body = (f"{sign_off.person} signed the {settlement.year} year-end settlement for "
            f"{sign_off.agency}." + (" Every partner has now signed it." if done else ""))
    link = absolute_url("budgets:settlement", agreement.pk, settlement.year)
    send_mail(subject, f"{body}\n\n{link}\n", None, sorted(recipients))
    return 1


@shared_task(name="budgets.virement_proposed", **RETRY)
def virement_proposed(virement_id: int) -> int:
    """Ask each partner's approvers whose limit covers the amount to approve the virement
    (when referred, tell every partner's approvers that a board must decide)."""
    from .models import Virement, VirementStatus
    from .selectors import approvers_by_agency

    virement = (Virement.objects.select_related("agreement", "from_schedule", "to_schedule",
                                                "proposed_by")
                .filter(pk=virement_id).first())
    if virement is None:
        return 0
    party_ids = list(virement.agreement.parties.values_list("id", flat=True))
    referred = virement.status == VirementStatus.REFERRED
    people = approvers_by_agency(party_ids, None if referred else virement.amount)
    recipients = sorted({p.email for group in people.values() for p in group
                         if p.email and p.pk != virement.proposed_by_id})
    if not recipients:
        return 0
    link = absolute_url("budgets:virement-detail", virement.agreement_id, virement.pk)
    what = (f"£{virement.amount:,.2f} from {virement.from_schedule} to {virement.to_schedule} "
            f"({periods.label(virement.year, virement.quarter)} on)")
    ask = ("The amount is above a partner's approvers' delegated limits: a board must "
           "decide." if referred else "Please approve it for your organisation, or reject "
                                      "it with a reason.")
    send_mail(f"Virement proposed: {virement.agreement.title}",
              f"{virement.proposed_by or 'Someone'} proposed a virement of {what}.\n\n"
              f"Reason: {virement.reason}\n\n{ask}\n\n{link}\n", None, recipients)
    return len(recipients)
