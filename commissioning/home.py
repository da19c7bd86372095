"""Home panels of the commissioning cycle: approvals waiting for me, my intentions,
decisions with boards, and what is published for consultation."""
from django.urls import reverse

from agencies.roles import Role
from portal.dates import long_date

from . import next_steps, selectors
from .models import IntentionStatus, ReferralStatus

LIMIT = 5


def panels(user, area):
    result = []
    inbox = selectors.approvals_inbox(actor=user, local_area=area)
    result.append({
        "title": "Approvals waiting for you", "roles": [Role.APPROVER],
        "items": [{"text": f"{i['intention'].reference} {i['intention'].title}",
                   "href": reverse("commissioning:sign-off", args=[i["intention"].pk])
                   + f"?agency={i['agency'].pk}",
                   "meta": f"for {i['agency'].name}, since "
                           f"{long_date(i['gate'].opened_at)}"} for i in inbox[:LIMIT]],
        "empty": "Nothing is waiting for your sign-off.",
        "href": reverse("commissioning:approvals"), "link_text": "All approvals"})
    # Intentions the person can move on now (the same checks as the intention's task list).
    ready = next_steps.ready_for_next_step(user, area, limit=LIMIT)
    result.append({
        "title": "Ready for your next step", "roles": [Role.COMMISSIONER],
        "items": [{"text": f"{r['intention'].reference} {r['intention'].title}",
                   "href": r["href"], "meta": r["step"]} for r in ready],
        "empty": "No intention is ready to submit for sign-off or to move on. An intention "
                 "is ready once it is active and its stage's checklist is complete.",
        "href": reverse("commissioning:intention-list") + "?status=active",
        "link_text": "All active intentions"})
    # Five rows with their stage: none of the list's agencies and priorities (issue 15).
    mine = selectors.intention_list(actor=user, local_area=area).filter(
        owner=user, status__in=[IntentionStatus.DRAFT, IntentionStatus.ACTIVE,
                                IntentionStatus.ON_HOLD]).prefetch_related(None).order_by(
        "-updated_at")[:LIMIT]
    result.append({
        "title": "Your intentions", "roles": [Role.COMMISSIONER],
        "items": [{"text": f"{i.reference} {i.title}",
                   "href": reverse("commissioning:intention-detail", args=[i.pk]),
                   "meta": f"{i.current_stage.name} · {i.get_status_display()}"} for i in mine],
        "empty": "You own no intentions in progress.",
        "href": reverse("commissioning:intention-list"), "link_text": "All intentions"})
    referrals = selectors.referrals_awaiting(actor=user).filter(
        gate__intention__local_area=area).order_by("referred_at")[:LIMIT]
    result.append({
        "title": "Sign-offs referred to boards",
        "roles": [Role.BOARD_SECRETARY, Role.BOARD_MEMBER],
        "items": [{"text": f"{r.gate.intention.reference} {r.gate.intention.title}",
                   "href": reverse("commissioning:intention-detail", args=[r.gate.intention_id]),
                   "meta": f"{r.agency.name} to the {r.board.name}"
                           if r.status == ReferralStatus.AWAITING else ""}
                  for r in referrals],
        "empty": "No sign-off is waiting for a board."})
    # Parent carers and young people see published intentions in the co-production panel
    # (commissioning/coproduction/home.py), once: not here as well.
    return result
