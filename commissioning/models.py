"""The commissioning cycle: strategies, priorities and intentions.

(Stage gates, sign-offs, referrals, action plans and disagreements are added by the cycle work.)
"""
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
    history = HistoricalRecords(m2m_fields=[partner_agencies, priorities])

    class Meta:
        ordering = ["local_area", "reference"]
        constraints = [
            models.UniqueConstraint(fields=["local_area", "reference"],
                                    name="intention_unique_reference"),
            models.CheckConstraint(condition=models.Q(estimated_annual_value__gte=0),
                                   name="intention_value_not_negative"),
        ]
        indexes = [models.Index(fields=["local_area", "status", "current_stage"])]

    def __str__(self):
        return f"{self.reference} {self.title}"
