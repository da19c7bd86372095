"""Providers, contracts, KPIs and their quarterly returns, quality visits and the
Procurement Act 2023 performance assessments."""
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from simple_history.models import HistoricalRecords

MONEY = {"max_digits": 14, "decimal_places": 2}
NOT_NEGATIVE = [MinValueValidator(Decimal("0"))]
YEAR = RegexValidator(r"^\d{4}-\d{2}$", "Write the financial year like 2025-26.")


class ProviderType(models.TextChoices):
    NHS_TRUST = "nhs-trust", "NHS trust"
    INDEPENDENT = "independent", "Independent sector"
    VOLUNTARY = "voluntary", "Voluntary sector"
    SCHOOL = "school", "School or college"
    LOCAL_AUTHORITY = "local-authority", "Local authority service"


class Provider(models.Model):
    """A provider in an area's shared market: every agency of the area buys from the same list."""

    local_area = models.ForeignKey("agencies.LocalArea", on_delete=models.PROTECT,
                                   related_name="providers")
    name = models.CharField(max_length=200)
    type = models.CharField(max_length=30, choices=ProviderType.choices)
    companies_house_number = models.CharField(
        max_length=8, blank=True, validators=[RegexValidator(
            r"^([0-9]{8}|[A-Z]{2}[0-9]{6})$", "A Companies House number is 8 characters, "
            "like 01234567 or SC123456.")])
    charity_number = models.CharField(
        max_length=12, blank=True, validators=[RegexValidator(
            r"^[0-9]{6,8}(-[0-9]{1,2})?$", "A charity number is 6 to 8 digits, like 1012345.")])
    ods_code = models.CharField(
        max_length=6, blank=True, validators=[RegexValidator(
            r"^[A-Z0-9]{3,6}$", "An NHS ODS code is 3 to 6 capital letters or digits.")])
    address = models.TextField(blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    website = models.URLField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["local_area", "name"]
        constraints = [
            models.UniqueConstraint(fields=["local_area", "name"], name="provider_unique_name"),
        ]

    def __str__(self):
        return self.name


class ContractStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    LIVE = "live", "Live"
    EXTENDED = "extended", "Extended"
    ENDED = "ended", "Ended"
    TERMINATED = "terminated", "Terminated"


ACTIVE_STATUSES = (ContractStatus.LIVE, ContractStatus.EXTENDED)


class ProcurementRoute(models.TextChoices):
    OPEN = "open", "Open procedure"
    COMPETITIVE_FLEXIBLE = "competitive-flexible", "Competitive flexible procedure"
    FRAMEWORK = "framework", "Call-off from a framework"
    DYNAMIC_MARKET = "dynamic-market", "Dynamic market"
    DIRECT_AWARD = "direct-award", "Direct award"
    PROVIDER_SELECTION = "psr", "NHS Provider Selection Regime"
    GRANT = "grant", "Grant agreement"
    SPOT_PURCHASE = "spot", "Spot purchase"


class Contract(models.Model):
    local_area = models.ForeignKey("agencies.LocalArea", on_delete=models.PROTECT,
                                   related_name="contracts")
    reference = models.CharField(max_length=40)
    title = models.CharField(max_length=250)
    description = models.TextField(blank=True)
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="contracts")
    lead_agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT,
                                    related_name="led_contracts")
    commissioning_agencies = models.ManyToManyField(
        "agencies.Agency", related_name="commissioned_contracts",
        help_text="Every agency buying through the contract, the lead included.")
    intention = models.ForeignKey(
        "commissioning.Intention", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="contracts", help_text="The commissioning intention it came from.")
    review_intention = models.ForeignKey(
        "commissioning.Intention", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="reviewed_contracts",
        help_text="The review-stage intention opened as the contract nears its end.")
    schedule = models.ForeignKey(
        "budgets.Schedule", null=True, blank=True, on_delete=models.PROTECT,
        related_name="contracts",
        help_text="The section 75 schedule (scheme) funding the contract, if any.")
    total_value = models.DecimalField(**MONEY, validators=NOT_NEGATIVE)
    annual_value = models.DecimalField(**MONEY, validators=NOT_NEGATIVE)
    value_is_sensitive = models.BooleanField(
        default=False, help_text="Commercially sensitive: withheld from the open data export.")
    starts = models.DateField()
    ends = models.DateField()
    extension_options = models.CharField(max_length=200, blank=True,
                                         help_text="For example: two optional 12-month extensions.")
    procurement_route = models.CharField(max_length=30, choices=ProcurementRoute.choices)
    is_light_touch = models.BooleanField(
        default=False, help_text="Procured under the Procurement Act's light-touch regime.")
    status = models.CharField(max_length=20, choices=ContractStatus.choices,
                              default=ContractStatus.PLANNED)
    published_on_contracts_finder = models.BooleanField(default=False)
    contracts_finder_id = models.CharField(max_length=60, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(m2m_fields=[commissioning_agencies])

    class Meta:
        ordering = ["local_area", "ends", "reference"]
        constraints = [
            models.UniqueConstraint(fields=["local_area", "reference"],
                                    name="contract_unique_reference"),
            models.CheckConstraint(condition=models.Q(ends__gte=models.F("starts")),
                                   name="contract_ends_after_start"),
            models.CheckConstraint(condition=models.Q(total_value__gte=0, annual_value__gte=0),
                                   name="contract_values_not_negative"),
        ]
        indexes = [models.Index(fields=["local_area", "status", "ends"])]

    def __str__(self):
        return f"{self.reference} {self.title}"


class Direction(models.TextChoices):
    HIGHER = "higher", "Higher is better"
    LOWER = "lower", "Lower is better"


class Frequency(models.TextChoices):
    QUARTERLY = "quarterly", "Quarterly"
    HALF_YEARLY = "half-yearly", "Half-yearly (Q2 and Q4)"
    ANNUAL = "annual", "Annual (Q4)"


FREQUENCY_QUARTERS = {Frequency.QUARTERLY: (1, 2, 3, 4), Frequency.HALF_YEARLY: (2, 4),
                      Frequency.ANNUAL: (4,)}


class Rag(models.TextChoices):
    GREEN = "green", "Green"
    AMBER = "amber", "Amber"
    RED = "red", "Red"


class KPI(models.Model):
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="kpis")
    name = models.CharField(max_length=200)
    unit = models.CharField(max_length=30, help_text="For example: %, days, children")
    target = models.DecimalField(max_digits=12, decimal_places=2)
    direction = models.CharField(max_length=10, choices=Direction.choices,
                                 default=Direction.HIGHER)
    amber_tolerance = models.DecimalField(
        max_digits=12, decimal_places=2, default=Decimal("0"), validators=NOT_NEGATIVE,
        help_text="How far on the wrong side of the target (in the KPI's unit) is still amber.")
    frequency = models.CharField(max_length=20, choices=Frequency.choices,
                                 default=Frequency.QUARTERLY)
    position = models.PositiveSmallIntegerField(default=1)
    history = HistoricalRecords()

    class Meta:
        ordering = ["contract", "position", "name"]
        verbose_name = "KPI"
        constraints = [
            models.UniqueConstraint(fields=["contract", "name"], name="kpi_unique_name"),
        ]

    def __str__(self):
        return self.name


class KPIReturn(models.Model):
    """One quarter's value for a KPI; the RAG is worked out from the target when saved."""

    kpi = models.ForeignKey(KPI, on_delete=models.CASCADE, related_name="returns")
    year = models.CharField(max_length=7, validators=[YEAR])
    quarter = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(4)])
    value = models.DecimalField(max_digits=12, decimal_places=2)
    rag = models.CharField(max_length=10, choices=Rag.choices)
    comment = models.TextField(blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["kpi", "year", "quarter"]
        verbose_name = "KPI return"
        constraints = [
            models.UniqueConstraint(fields=["kpi", "year", "quarter"],
                                    name="kpi_return_one_per_quarter"),
            models.CheckConstraint(condition=models.Q(quarter__gte=1, quarter__lte=4),
                                   name="kpi_return_quarter_1_to_4"),
        ]
        indexes = [models.Index(fields=["year", "quarter", "rag"])]

    def __str__(self):
        return f"{self.kpi} {self.year} Q{self.quarter}: {self.value}"


class VisitRating(models.TextChoices):
    OUTSTANDING = "outstanding", "Outstanding"
    GOOD = "good", "Good"
    REQUIRES_IMPROVEMENT = "requires-improvement", "Requires improvement"
    INADEQUATE = "inadequate", "Inadequate"


class QualityVisit(models.Model):
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE,
                                 related_name="quality_visits")
    visited_on = models.DateField()
    findings = models.TextField()
    rating = models.CharField(max_length=30, choices=VisitRating.choices)
    actions = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["contract", "-visited_on"]

    def __str__(self):
        return f"{self.contract} visit {self.visited_on}"


class AssessmentRating(models.TextChoices):
    """The ratings of a contract performance assessment (Procurement Act 2023, s.52)."""

    GOOD = "good", "Good"
    APPROACHING = "approaching", "Approaching target"
    REQUIRES_IMPROVEMENT = "requires-improvement", "Requires improvement"
    INADEQUATE = "inadequate", "Inadequate"
    OTHER = "other", "Other"


class PerformanceAssessment(models.Model):
    """A yearly assessment; the rating starts as the one derived from the KPI returns and
    may be changed with a reason (history keeps both)."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE,
                                 related_name="assessments")
    period_start = models.DateField()
    period_end = models.DateField()
    assessed_on = models.DateField()
    derived_rating = models.CharField(max_length=30, choices=AssessmentRating.choices)
    rating = models.CharField(max_length=30, choices=AssessmentRating.choices)
    reason = models.TextField(blank=True, help_text="Why the rating differs from the derived one.")
    summary = models.TextField(blank=True)
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["contract", "-assessed_on"]
        constraints = [
            models.CheckConstraint(condition=models.Q(period_end__gte=models.F("period_start")),
                                   name="assessment_period_in_order"),
        ]

    def __str__(self):
        return f"{self.contract} assessed {self.assessed_on}: {self.get_rating_display()}"
