"""The commissioning cycle: strategies, priorities, intentions, stage gates and sign-offs,
board referrals, action plans and disagreements."""
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords


class StrategyStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    ARCHIVED = "archived", "Archived"


class Strategy(models.Model):
    local_area = models.ForeignKey("agencies.LocalArea", on_delete=models.PROTECT,
                                   related_name="strategies")
    title = models.CharField(max_length=250)
    period = models.CharField(max_length=20, help_text="For example 2022-2025")
    status = models.CharField(max_length=20, choices=StrategyStatus.choices,
                              default=StrategyStatus.DRAFT)
    published_on = models.DateField(null=True, blank=True)
    summary = models.TextField(blank=True)
    vision = models.TextField(blank=True, help_text="The strategy's vision, in its own words.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["local_area", "-period", "title"]
        verbose_name_plural = "strategies"

    def __str__(self):
        return f"{self.title} ({self.period})"


class Principle(models.Model):
    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="principles")
    position = models.PositiveSmallIntegerField()
    text = models.TextField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["strategy", "position"]

    def __str__(self):
        return self.text[:60]


class StrategyOutcome(models.Model):
    """An outcome children, young people and families said they want, in the strategy's
    order (its priorities answer them)."""

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="outcomes")
    position = models.PositiveSmallIntegerField()
    text = models.TextField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["strategy", "position"]

    def __str__(self):
        return self.text[:60]


class Priority(models.Model):
    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="priorities")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=250)
    description = models.TextField(blank=True)
    outcomes = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["strategy", "number"]
        verbose_name_plural = "priorities"
        constraints = [
            models.UniqueConstraint(fields=["strategy", "number"], name="priority_unique_number"),
        ]

    def __str__(self):
        return f"{self.number}. {self.title}"


class Level(models.TextChoices):
    STRATEGIC = "strategic", "Strategic"
    OPERATIONAL = "operational", "Operational"
    INDIVIDUAL = "individual", "Individual"


class IntentionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ACTIVE = "active", "Active"
    ON_HOLD = "on-hold", "On hold"
    COMPLETED = "completed", "Completed"
    WITHDRAWN = "withdrawn", "Withdrawn"


STATUS_TAG_COLOURS = {IntentionStatus.ACTIVE: "green", IntentionStatus.DRAFT: "grey",
                      IntentionStatus.ON_HOLD: "yellow", IntentionStatus.COMPLETED: "blue",
                      IntentionStatus.WITHDRAWN: "red"}


class Intention(models.Model):
    """A piece of commissioning moving through the area's stages."""

    local_area = models.ForeignKey("agencies.LocalArea", on_delete=models.PROTECT,
                                   related_name="intentions")
    reference = models.CharField(max_length=20, help_text="e.g. WOR-2025-014")
    title = models.CharField(max_length=250)
    summary = models.TextField(blank=True)
    thematic_area = models.CharField(max_length=120, blank=True)
    level = models.CharField(max_length=20, choices=Level.choices, default=Level.STRATEGIC)
    lead_agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT,
                                    related_name="led_intentions")
    # Jointly led: the agencies leading it with `lead_agency` (which stays the first lead,
    # so code that names one lead keeps working). Each is shown as a lead and signs off.
    joint_lead_agencies = models.ManyToManyField(
        "agencies.Agency", related_name="joint_led_intentions", blank=True,
        help_text="Agencies leading it jointly with the lead agency; each signs off each gate.")
    partner_agencies = models.ManyToManyField(
        "agencies.Agency", related_name="partner_intentions", blank=True,
        help_text="Agencies taking part besides the lead; every one signs off each gate.")
    priorities = models.ManyToManyField(Priority, related_name="intentions", blank=True)
    estimated_annual_value = models.DecimalField(
        max_digits=14, decimal_places=2, default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0"))])
    value_is_sensitive = models.BooleanField(
        default=False, help_text="Commercially sensitive: hidden outside the partner agencies.")
    current_stage = models.ForeignKey("agencies.Stage", on_delete=models.PROTECT,
                                      related_name="intentions")
    status = models.CharField(max_length=20, choices=IntentionStatus.choices,
                              default=IntentionStatus.DRAFT)
    starts = models.DateField(null=True, blank=True)
    ends = models.DateField(null=True, blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                              related_name="owned_intentions")
    published_for_consultation = models.BooleanField(
        default=False, help_text="Visible to parent-carer and young people's representatives.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(m2m_fields=[joint_lead_agencies, partner_agencies, priorities])

    class Meta:
        ordering = ["local_area", "reference"]
        constraints = [
            models.UniqueConstraint(fields=["local_area", "reference"],
                                    name="intention_unique_reference"),
            models.CheckConstraint(condition=models.Q(estimated_annual_value__gte=0),
                                   name="intention_value_not_negative"),
        ]
        indexes = [models.Index(fields=["local_area", "status", "current_stage"]),
                   # issue 15: the by-stage page's first 25 of each stage, and the home
                   # page's "your intentions" (newest first), read as index ranges
                   models.Index(fields=["local_area", "current_stage", "reference"],
                                name="intention_stage_reference"),
                   models.Index(fields=["owner", "-updated_at"], name="intention_owner_recent")]

    def __str__(self):
        return f"{self.reference} {self.title}"

    @property
    def status_tag_colour(self) -> str:
        """The GOV.UK tag colour of the status (list and detail pages)."""
        return STATUS_TAG_COLOURS.get(self.status, "red")

    @property
    def lead_agencies(self) -> list:
        """The lead agency first, then the joint leads (prefetched by the selectors)."""
        return [self.lead_agency, *self.joint_lead_agencies.all()]


# --- stage gates and joint sign-off -----------------------------------------------------
class GateStatus(models.TextChoices):
    OPEN = "open", "Waiting for sign-off"
    APPROVED = "approved", "Approved by every partner"
    REJECTED = "rejected", "Rejected"
    ADVANCED = "advanced", "Advanced"
    WITHDRAWN = "withdrawn", "Withdrawn"


class StageGate(models.Model):
    """One attempt to move an intention from one stage to the next.

    A rejected gate stays as the record; resubmitting opens a new gate (the next round)
    for the same transition. At most one gate per intention is open or approved at a time.
    """

    intention = models.ForeignKey(Intention, on_delete=models.CASCADE, related_name="gates")
    from_stage = models.ForeignKey("agencies.Stage", on_delete=models.PROTECT,
                                   related_name="gates_from")
    to_stage = models.ForeignKey("agencies.Stage", on_delete=models.PROTECT,
                                 related_name="gates_to")
    round = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(max_length=20, choices=GateStatus.choices, default=GateStatus.OPEN)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+")
    opened_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["intention", "-opened_at"]
        constraints = [
            models.UniqueConstraint(fields=["intention", "from_stage", "round"],
                                    name="gate_unique_round"),
            models.UniqueConstraint(fields=["intention"], name="gate_one_live_per_intention",
                                    condition=models.Q(status__in=["open", "approved"])),
        ]
        indexes = [models.Index(fields=["status", "intention"])]

    def __str__(self):
        return f"{self.intention.reference}: {self.from_stage} to {self.to_stage}"


class SignOffDecision(models.TextChoices):
    APPROVE = "approve", "Approve"
    REJECT = "reject", "Reject"


class SignOff(models.Model):
    """A partner agency's decision on a gate, by an approver within limit or by a board."""

    gate = models.ForeignKey(StageGate, on_delete=models.CASCADE, related_name="sign_offs")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT,
                               related_name="sign_offs")
    decision = models.CharField(max_length=10, choices=SignOffDecision.choices)
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="sign_offs")
    reason = models.TextField(blank=True)
    decided_at = models.DateTimeField()
    referral = models.OneToOneField("BoardReferral", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="sign_off",
                                    help_text="Set when a board decided for the agency.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["gate", "decided_at"]
        constraints = [
            models.UniqueConstraint(fields=["gate", "agency"], name="sign_off_one_per_agency"),
        ]

    def __str__(self):
        return f"{self.agency}: {self.get_decision_display()}"


class ReferralStatus(models.TextChoices):
    AWAITING = "awaiting", "Awaiting the board"
    APPROVED = "approved", "Approved by the board"
    REJECTED = "rejected", "Rejected by the board"
    WITHDRAWN = "withdrawn", "Withdrawn"
    NO_BOARD = "no-board", "No board can take this"


class BoardReferral(models.Model):
    """An agency's sign-off sent to a board because the value is above every approver's limit.

    `governance.referrals.route` chooses the board and says why (`route_reason`); when no
    board can take it the referral has no board and the status `no-board`, until a local-area
    administrator sets one up (then `governance.referrals.reroute_unrouted` sends it on)."""

    board = models.ForeignKey("governance.Board", on_delete=models.PROTECT, null=True,
                              blank=True, related_name="referrals")
    gate = models.ForeignKey(StageGate, on_delete=models.CASCADE, related_name="referrals")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT,
                               related_name="board_referrals")
    status = models.CharField(max_length=20, choices=ReferralStatus.choices,
                              default=ReferralStatus.AWAITING)
    referred_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    referred_at = models.DateTimeField()
    reason = models.TextField(blank=True, help_text="Why the board is asked to decide.")
    route_reason = models.TextField(
        blank=True, help_text="Why it went to this board, or why no board can take it.")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    # The governance app's decision record, when it passes one (kept as its id so this app
    # does not depend on governance models that land later).
    board_decision_id = models.PositiveBigIntegerField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-referred_at"]
        constraints = [
            models.UniqueConstraint(fields=["gate", "agency"], name="referral_one_per_agency",
                                    condition=models.Q(status__in=["awaiting", "approved",
                                                                     "no-board"])),
        ]
        indexes = [models.Index(fields=["board", "status"])]

    def __str__(self):
        return f"{self.gate} — {self.agency} to {self.board or 'no board'}"


class ChecklistTick(models.Model):
    """One checklist item of a stage marked done for an intention."""

    intention = models.ForeignKey(Intention, on_delete=models.CASCADE, related_name="ticks")
    stage = models.ForeignKey("agencies.Stage", on_delete=models.CASCADE, related_name="+")
    item = models.CharField(max_length=200)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                related_name="+")
    done_at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["intention", "stage", "item"]
        constraints = [
            models.UniqueConstraint(fields=["intention", "stage", "item"], name="tick_unique"),
        ]

    def __str__(self):
        return self.item


class IntentionNote(models.Model):
    """A comment on an intention by someone working on it (shown on the timeline)."""

    intention = models.ForeignKey(Intention, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+")
    text = models.TextField()
    created_at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["intention", "created_at"]

    def __str__(self):
        return self.text[:60]


# --- action plans and disagreements ------------------------------------------------------
class ActionPlan(models.Model):
    local_area = models.ForeignKey("agencies.LocalArea", on_delete=models.PROTECT,
                                   related_name="action_plans")
    strategy = models.ForeignKey(Strategy, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="action_plans")
    title = models.CharField(max_length=250)
    period = models.CharField(max_length=20, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["local_area", "title"]
        constraints = [
            models.UniqueConstraint(fields=["local_area", "title"], name="action_plan_unique"),
        ]

    def __str__(self):
        return self.title


class Rag(models.TextChoices):
    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"
    COMPLETE = "complete", "Complete"


class Action(models.Model):
    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="actions")
    number = models.CharField(max_length=10, help_text="e.g. 1.3")
    title = models.CharField(max_length=300)
    priority = models.ForeignKey(Priority, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="actions")
    owner_agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT,
                                     related_name="actions")
    due = models.DateField(null=True, blank=True)
    rag = models.CharField(max_length=10, choices=Rag.choices, default=Rag.GREEN)
    progress_note = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="action_unique_number"),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"


class DisagreementStatus(models.TextChoices):
    OPEN = "open", "Open"
    ESCALATED = "escalated", "Escalated"
    RESOLVED = "resolved", "Resolved"


class Disagreement(models.Model):
    """A dispute between partners, escalated up the board hierarchy until resolved."""

    local_area = models.ForeignKey("agencies.LocalArea", on_delete=models.PROTECT,
                                   related_name="disagreements")
    subject = models.CharField(max_length=250)
    details = models.TextField(blank=True)
    parties = models.ManyToManyField("agencies.Agency", related_name="disagreements")
    intention = models.ForeignKey(Intention, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="disagreements")
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+")
    raised_on = models.DateField()
    status = models.CharField(max_length=20, choices=DisagreementStatus.choices,
                              default=DisagreementStatus.OPEN)
    escalation_level = models.PositiveSmallIntegerField(
        default=0, help_text="0 = between officers; 1 = first board; 2 = its parent, and so on.")
    escalated_to = models.ForeignKey("governance.Board", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="disagreements")
    resolution = models.TextField(blank=True)
    resolved_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords(m2m_fields=[parties])

    class Meta:
        ordering = ["local_area", "-raised_on", "subject"]

    def __str__(self):
        return self.subject
