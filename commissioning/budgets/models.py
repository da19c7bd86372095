"""Section 75 pooled and aligned budgets: agreements, schedules, contributions, spend,
commitments, forecasts, risk-share rules, frozen quarter snapshots and joint packages.

Money is `DecimalField(max_digits=14, decimal_places=2)` everywhere; a financial year is
stored as its written form (`2025-26`, see `portal.periods`).
"""
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

MONEY = {"max_digits": 14, "decimal_places": 2}
YEAR = RegexValidator(r"^\d{4}-\d{2}$", "Write the financial year like 2025-26.")
QUARTER = [MinValueValidator(1), MaxValueValidator(4)]


class AgreementStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ACTIVE = "active", "Active"
    ENDED = "ended", "Ended"


class RiskBasis(models.TextChoices):
    PROPORTIONAL = "proportional", "In proportion to contributions"
    FIXED = "fixed", "Fixed percentages"
    LEAD_BEARS = "lead-bears", "Lead partner bears its own schemes"


class Direction(models.TextChoices):
    BOTH = "both", "Over- and underspends"
    OVERSPEND = "overspend", "Overspends"
    UNDERSPEND = "underspend", "Underspends"


class Section75Agreement(models.Model):
    """A section 75 (NHS Act 2006) agreement: parties pool or align money for schedules."""

    local_area = models.ForeignKey("agencies.LocalArea", on_delete=models.PROTECT,
                                   related_name="section75_agreements")
    title = models.CharField(max_length=250)
    reference = models.CharField(max_length=60, blank=True,
                                 help_text="The signed agreement's document reference.")
    parties = models.ManyToManyField("agencies.Agency", related_name="section75_agreements")
    host = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT,
                             related_name="hosted_agreements")
    pooled_fund_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="managed_pools", help_text="An officer of the host partner.")
    starts = models.DateField()
    ends = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=AgreementStatus.choices,
                              default=AgreementStatus.ACTIVE)
    share_separately = models.BooleanField(
        default=False, help_text="Share overspends and underspends separately, each by its "
                                 "own rule, instead of netting them first.")
    carry_forward_underspend = models.BooleanField(
        default=False, help_text="The agreement lets a year's underspend stay in the pool "
                                 "for the next year instead of being returned to the "
                                 "partners at the year-end settlement.")
    history = HistoricalRecords(m2m_fields=[parties])

    class Meta:
        ordering = ["local_area_id", "title"]
        constraints = [models.UniqueConstraint(fields=["local_area", "title"],
                                               name="s75_unique_title")]

    def __str__(self):
        return self.title


class BudgetType(models.TextChoices):
    POOLED = "pooled", "Pooled"
    ALIGNED = "aligned", "Aligned"


class Schedule(models.Model):
    """A service or scheme funded under an agreement."""

    agreement = models.ForeignKey(Section75Agreement, on_delete=models.CASCADE,
                                  related_name="schedules")
    code = models.CharField(max_length=20, help_text="Short code used in spend files, e.g. S1.")
    name = models.CharField(max_length=200)
    budget_type = models.CharField(max_length=10, choices=BudgetType.choices,
                                   default=BudgetType.POOLED)
    lead_partner = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT,
                                     related_name="led_schedules")
    description = models.TextField(blank=True)
    intentions = models.ManyToManyField("commissioning.Intention", blank=True,
                                        related_name="budget_schedules")
    contract_references = models.CharField(
        max_length=250, blank=True, help_text="References of contracts funded from it.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["agreement_id", "code"]
        constraints = [models.UniqueConstraint(fields=["agreement", "code"],
                                               name="schedule_unique_code")]

    def __str__(self):
        return f"{self.code} {self.name}"


class Contribution(models.Model):
    """What one partner puts into one schedule for one financial year."""

    schedule = models.ForeignKey(Schedule, on_delete=models.CASCADE,
                                 related_name="contributions")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT,
                               related_name="s75_contributions")
    year = models.CharField(max_length=7, validators=[YEAR])
    amount = models.DecimalField(**MONEY, validators=[MinValueValidator(0)])
    history = HistoricalRecords()

    class Meta:
        ordering = ["schedule_id", "year", "agency_id"]
        constraints = [
            models.UniqueConstraint(fields=["schedule", "agency", "year"],
                                    name="contribution_unique"),
            models.CheckConstraint(condition=models.Q(amount__gte=0),
                                   name="contribution_not_negative"),
        ]
        indexes = [models.Index(fields=["year", "schedule"])]

    def __str__(self):
        return f"{self.agency_id} to {self.schedule_id}, {self.year}: {self.amount}"


class ContributionVariation(models.Model):
    """An in-year change to a contribution (positive or negative), dated and explained."""

    contribution = models.ForeignKey(Contribution, on_delete=models.CASCADE,
                                     related_name="variations")
    amount = models.DecimalField(**MONEY)
    date = models.DateField()
    reason = models.CharField(max_length=300)
    history = HistoricalRecords()

    class Meta:
        ordering = ["contribution_id", "date", "id"]

    def __str__(self):
        return f"{self.amount} on {self.date}: {self.reason}"


class ImportBatch(models.Model):
    """One spend CSV import: all of its lines were saved together."""

    agreement = models.ForeignKey(Section75Agreement, on_delete=models.CASCADE,
                                  related_name="imports")
    filename = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    lines = models.PositiveIntegerField()
    total = models.DecimalField(**MONEY)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, related_name="+")
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-imported_at"]

    def __str__(self):
        return f"{self.filename} ({self.lines} lines)"


class Spend(models.Model):
    schedule = models.ForeignKey(Schedule, on_delete=models.CASCADE, related_name="spend")
    date = models.DateField()
    amount = models.DecimalField(**MONEY)
    description = models.CharField(max_length=250)
    source_agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        help_text="Whose money paid for it (required for aligned budgets).")
    contract_reference = models.CharField(max_length=60, blank=True)
    batch = models.ForeignKey(ImportBatch, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="spend")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name_plural = "spend"
        indexes = [models.Index(fields=["schedule", "date"])]
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0),
                                              name="spend_positive")]

    def __str__(self):
        return f"{self.date} {self.amount} {self.description}"


class Commitment(models.Model):
    """Money committed (ordered, not yet paid) on a schedule at a quarter's end."""

    schedule = models.ForeignKey(Schedule, on_delete=models.CASCADE, related_name="commitments")
    year = models.CharField(max_length=7, validators=[YEAR])
    quarter = models.PositiveSmallIntegerField(validators=QUARTER)
    amount = models.DecimalField(**MONEY, validators=[MinValueValidator(0)])
    note = models.CharField(max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["schedule_id", "year", "quarter"]
        constraints = [models.UniqueConstraint(fields=["schedule", "year", "quarter"],
                                               name="commitment_unique")]

    def __str__(self):
        return f"Committed Q{self.quarter} {self.year}: {self.amount}"


class Forecast(models.Model):
    """The forecast outturn for the whole year, made at a quarter."""

    schedule = models.ForeignKey(Schedule, on_delete=models.CASCADE, related_name="forecasts")
    year = models.CharField(max_length=7, validators=[YEAR])
    quarter = models.PositiveSmallIntegerField(validators=QUARTER)
    outturn = models.DecimalField(**MONEY, validators=[MinValueValidator(0)])
    note = models.CharField(max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["schedule_id", "year", "quarter"]
        constraints = [models.UniqueConstraint(fields=["schedule", "year", "quarter"],
                                               name="forecast_unique")]

    def __str__(self):
        return f"Forecast Q{self.quarter} {self.year}: {self.outturn}"


class RiskShareRule(models.Model):
    """How a variance is shared: for the agreement, or overriding it for one schedule."""

    agreement = models.ForeignKey(Section75Agreement, on_delete=models.CASCADE,
                                  related_name="risk_rules")
    schedule = models.ForeignKey(Schedule, on_delete=models.CASCADE, null=True, blank=True,
                                 related_name="risk_rules")
    direction = models.CharField(max_length=12, choices=Direction.choices,
                                 default=Direction.BOTH)
    basis = models.CharField(max_length=20, choices=RiskBasis.choices)
    history = HistoricalRecords()

    class Meta:
        ordering = ["agreement_id", "schedule_id", "direction"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "schedule", "direction"],
                                    name="risk_rule_unique"),
            models.UniqueConstraint(fields=["agreement", "direction"],
                                    condition=models.Q(schedule__isnull=True),
                                    name="risk_rule_unique_default"),
        ]

    def __str__(self):
        return f"{self.get_basis_display()} ({self.get_direction_display()})"


class RiskShareTerm(models.Model):
    """A partner's fixed percentage (for fixed rules) and optional cap under a rule."""

    rule = models.ForeignKey(RiskShareRule, on_delete=models.CASCADE, related_name="terms")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    percentage = models.DecimalField(max_digits=7, decimal_places=4, null=True, blank=True)
    cap = models.DecimalField(**MONEY, null=True, blank=True,
                              help_text="Largest share this partner bears; the rest falls "
                                        "to the host.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["rule_id", "agency_id"]
        constraints = [models.UniqueConstraint(fields=["rule", "agency"],
                                               name="risk_term_unique")]

    def __str__(self):
        return f"{self.agency_id}: {self.percentage}% cap {self.cap}"


class SnapshotStatus(models.TextChoices):
    SUBMITTED = "submitted", "Awaiting partners' confirmation"
    RETURNED = "returned", "Returned"
    CLOSED = "closed", "Closed"
    REOPENED = "reopened", "Reopened"


# While submitted or closed the quarter's figures are frozen (what partners confirm is what
# is stored); returned and reopened quarters are live again.
FROZEN_STATUSES = (SnapshotStatus.SUBMITTED, SnapshotStatus.CLOSED)


class QuarterSnapshot(models.Model):
    """A quarter's position frozen as stored values with their sha256.

    The pooled fund manager submits it (`submitted`); a finance officer of each contributing
    partner confirms it or returns it with a reason; it is `closed` (final) once every
    contributing partner has confirmed. Each submission starts a new `round`: confirmations
    of an earlier round (before a return or a reopening) no longer count.
    """

    agreement = models.ForeignKey(Section75Agreement, on_delete=models.CASCADE,
                                  related_name="snapshots")
    year = models.CharField(max_length=7, validators=[YEAR])
    quarter = models.PositiveSmallIntegerField(validators=QUARTER)
    status = models.CharField(max_length=10, choices=SnapshotStatus.choices,
                              default=SnapshotStatus.CLOSED)
    position = models.JSONField()
    sha256 = models.CharField(max_length=64)
    round = models.PositiveIntegerField(default=1)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+")
    submitted_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  null=True, blank=True, related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)
    reopened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")
    reopened_at = models.DateTimeField(null=True, blank=True)
    reopen_reason = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["agreement_id", "year", "quarter"]
        constraints = [models.UniqueConstraint(fields=["agreement", "year", "quarter"],
                                               name="snapshot_unique")]

    def __str__(self):
        return f"Q{self.quarter} {self.year} {self.status}"

    @property
    def is_closed(self):
        return self.status == SnapshotStatus.CLOSED

    @property
    def is_frozen(self):
        return self.status in FROZEN_STATUSES

    @property
    def contributing_agency_ids(self) -> list[int]:
        """Partners whose contribution in the stored position is more than zero: each must
        confirm the quarter."""
        return [c["agency"] for c in self.position.get("contributions", [])
                if Decimal(c.get("amount") or "0") > 0]


class ConfirmationDecision(models.TextChoices):
    CONFIRMED = "confirmed", "Confirmed"
    RETURNED = "returned", "Returned"


class QuarterConfirmation(models.Model):
    """One partner's answer to a submitted quarter (in one round): confirmed, or returned
    with a reason."""

    snapshot = models.ForeignKey(QuarterSnapshot, on_delete=models.CASCADE,
                                 related_name="confirmations")
    round = models.PositiveIntegerField()
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               null=True, blank=True, related_name="+")
    decision = models.CharField(max_length=10, choices=ConfirmationDecision.choices)
    reason = models.TextField(blank=True)
    sha256 = models.CharField(max_length=64, help_text="The figures confirmed.")
    at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["snapshot_id", "round", "at", "id"]
        constraints = [models.UniqueConstraint(fields=["snapshot", "round", "agency"],
                                               name="quarter_confirmation_unique")]

    def __str__(self):
        return f"{self.agency_id} {self.decision} round {self.round}"


class PositionCommentary(models.Model):
    """The narrative on a quarter's position, overall (no schedule) or for one schedule:
    reasons for the variance, mitigations, forecast risks. It is part of the position, so
    submitting the quarter freezes it with the figures (and its sha256 covers it)."""

    agreement = models.ForeignKey(Section75Agreement, on_delete=models.CASCADE,
                                  related_name="commentary")
    year = models.CharField(max_length=7, validators=[YEAR])
    quarter = models.PositiveSmallIntegerField(validators=QUARTER)
    schedule = models.ForeignKey(Schedule, on_delete=models.CASCADE, null=True, blank=True,
                                 related_name="commentary")
    variance_reasons = models.TextField(blank=True)
    mitigations = models.TextField(blank=True)
    forecast_risks = models.TextField(blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["agreement_id", "year", "quarter", "schedule_id"]
        verbose_name_plural = "position commentary"
        constraints = [
            models.UniqueConstraint(fields=["agreement", "year", "quarter", "schedule"],
                                    name="commentary_unique"),
            models.UniqueConstraint(fields=["agreement", "year", "quarter"],
                                    condition=models.Q(schedule__isnull=True),
                                    name="commentary_unique_overall"),
        ]

    def __str__(self):
        return f"Commentary Q{self.quarter} {self.year} ({self.schedule_id or 'overall'})"


class SettlementStatus(models.TextChoices):
    AWAITING = "awaiting", "Awaiting sign-off"
    SIGNED = "signed", "Signed off"


class YearEndSettlement(models.Model):
    """The year-end settlement statement of a pool (computed from its closed Q4), as signed:
    the statement and its sha256. If Q4 is reopened and closed with other figures, the
    statement is replaced and the sign-offs of the old one no longer count."""

    agreement = models.ForeignKey(Section75Agreement, on_delete=models.CASCADE,
                                  related_name="settlements")
    year = models.CharField(max_length=7, validators=[YEAR])
    statement = models.JSONField()
    sha256 = models.CharField(max_length=64)
    status = models.CharField(max_length=10, choices=SettlementStatus.choices,
                              default=SettlementStatus.AWAITING)
    signed_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["agreement_id", "year"]
        constraints = [models.UniqueConstraint(fields=["agreement", "year"],
                                               name="settlement_unique")]

    def __str__(self):
        return f"Settlement {self.year} ({self.status})"


class SettlementSignOff(models.Model):
    """A partner's finance lead signs the statement (the sha256 it signed)."""

    settlement = models.ForeignKey(YearEndSettlement, on_delete=models.CASCADE,
                                   related_name="sign_offs")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               null=True, blank=True, related_name="+")
    sha256 = models.CharField(max_length=64)
    at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["settlement_id", "at", "id"]
        constraints = [models.UniqueConstraint(fields=["settlement", "agency", "sha256"],
                                               name="settlement_sign_off_unique")]

    def __str__(self):
        return f"{self.agency_id} signed {self.sha256[:8]}"


class NeedsCategory(models.TextChoices):
    """The four broad areas of need of the SEND Code of Practice (6.28-6.35)."""

    COMMUNICATION = "communication", "Communication and interaction"
    COGNITION = "cognition", "Cognition and learning"
    SEMH = "semh", "Social, emotional and mental health"
    SENSORY_PHYSICAL = "sensory-physical", "Sensory and/or physical"


class JointPackage(models.Model):
    """An individual child's package funded jointly by social care, health and education.

    Holds a pseudonymous reference only: never a name, date of birth or NHS number.
    The three parts add up to the annual cost exactly: the services guarantee it (a database
    check cannot: SQLite adds decimals as floating point).
    """

    local_area = models.ForeignKey("agencies.LocalArea", on_delete=models.PROTECT,
                                   related_name="joint_packages")
    reference = models.CharField(max_length=24)
    needs_category = models.CharField(max_length=20, choices=NeedsCategory.choices)
    annual_cost = models.DecimalField(**MONEY, validators=[MinValueValidator(0)])
    social_care_amount = models.DecimalField(**MONEY, validators=[MinValueValidator(0)])
    health_amount = models.DecimalField(**MONEY, validators=[MinValueValidator(0)])
    education_amount = models.DecimalField(**MONEY, validators=[MinValueValidator(0)])
    request_date = models.DateField()
    agreement_date = models.DateField(null=True, blank=True)
    review_date = models.DateField(null=True, blank=True)
    agreement = models.ForeignKey(Section75Agreement, on_delete=models.SET_NULL, null=True,
                                  blank=True, related_name="joint_packages",
                                  help_text="The pooled fund paying for it, if any.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["local_area_id", "reference"]
        constraints = [
            models.UniqueConstraint(fields=["local_area", "reference"],
                                    name="joint_package_unique_reference"),
        ]

    def __str__(self):
        return self.reference

    @property
    def days_taken(self):
        if self.agreement_date is None:
            return None
        return (self.agreement_date - self.request_date).days


class JointPackageUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(JointPackage, on_delete=models.CASCADE)


class JointPackageGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(JointPackage, on_delete=models.CASCADE)


class VirementStatus(models.TextChoices):
    PROPOSED = "proposed", "Awaiting approval"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    REFERRED = "referred", "Referred to a board"


class Virement(models.Model):
    """Budget moved from one schedule to another of the same agreement for a year, from a
    quarter on (issue 16). It takes effect once every partner the agreement names has
    approved it; `split` then holds how much of each partner's contribution moves (largest
    remainder over the from-schedule's contributions), so each partner's total is unchanged
    and the pool's total too."""

    agreement = models.ForeignKey(Section75Agreement, on_delete=models.CASCADE,
                                  related_name="virements")
    year = models.CharField(max_length=7, validators=[YEAR])
    quarter = models.PositiveSmallIntegerField(
        validators=QUARTER, help_text="The first quarter whose position it changes.")
    from_schedule = models.ForeignKey(Schedule, on_delete=models.PROTECT, related_name="+")
    to_schedule = models.ForeignKey(Schedule, on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(**MONEY, validators=[MinValueValidator(Decimal("0.01"))])
    reason = models.TextField()
    status = models.CharField(max_length=10, choices=VirementStatus.choices,
                              default=VirementStatus.PROPOSED)
    split = models.JSONField(default=list, blank=True,
                             help_text='[{"agency": id, "amount": "0.00"}] once approved.')
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")
    proposed_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["agreement_id", "-proposed_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="virement_positive"),
            models.CheckConstraint(condition=~models.Q(from_schedule=models.F("to_schedule")),
                                   name="virement_two_schedules"),
        ]
        indexes = [models.Index(fields=["agreement", "year", "status"])]

    def __str__(self):
        return f"{self.amount} from {self.from_schedule_id} to {self.to_schedule_id}"


class ApprovalDecision(models.TextChoices):
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class VirementApproval(models.Model):
    """One partner's answer to a proposed virement, by an approver within their limit."""

    virement = models.ForeignKey(Virement, on_delete=models.CASCADE, related_name="approvals")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               null=True, blank=True, related_name="+")
    decision = models.CharField(max_length=10, choices=ApprovalDecision.choices)
    reason = models.TextField(blank=True)
    at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["virement_id", "at", "id"]
        constraints = [models.UniqueConstraint(fields=["virement", "agency"],
                                               name="virement_approval_unique")]

    def __str__(self):
        return f"{self.agency_id} {self.decision} virement {self.virement_id}"
