"""Delivery milestones of a consulted intention: "we did" as a traceable record."""
from django.db import transaction
from django.utils import timezone

from portal.errors import ApplicationError

from .. import permissions
from ..models import Milestone, MilestoneKind
from .common import require, save
from .follows import notify_followers


@transaction.atomic
def milestone_set(*, actor, intention, kind, planned_on=None, achieved_on=None,
                  evidence="", note="") -> Milestone:
    require(permissions.can_manage_consultation(actor, intention))
    errors = {}
    if kind not in MilestoneKind.values:
        errors["kind"] = ["Choose the milestone"]
    if achieved_on and achieved_on > timezone.localdate():
        errors["achieved_on"] = ["The date it was achieved cannot be in the future"]
    evidence, note = (evidence or "").strip(), (note or "").strip()
    if len(evidence) > 250:
        errors["evidence"] = ["The evidence must be 250 characters or fewer"]
    if len(note) > 5000:
        errors["note"] = ["The note must be 5,000 characters or fewer"]
    if errors:
        raise ApplicationError("Check the milestone.", errors=errors)
    milestone = Milestone.objects.select_for_update().filter(
        intention=intention, kind=kind).first() or Milestone(intention=intention, kind=kind)
    milestone.planned_on, milestone.achieved_on = planned_on, achieved_on
    milestone.evidence, milestone.note = evidence, note
    newly_achieved = achieved_on is not None and (milestone.pk is None or not Milestone.objects
                                                  .filter(pk=milestone.pk,
                                                          achieved_on__isnull=False).exists())
    save(milestone, actor)
    if kind == MilestoneKind.DECISION and newly_achieved:  # a decision was made: tell followers
        notify_followers(f"decision-{milestone.pk}", intention_id=intention.pk)
    return milestone
