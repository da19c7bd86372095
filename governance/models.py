"""Governance boards. (Meetings, decisions and reports are added by the governance work.)"""
from decimal import Decimal

from django.db import models
from simple_history.models import HistoricalRecords


class MeetingFrequency(models.TextChoices):
    MONTHLY = "monthly", "Monthly"
    BIMONTHLY = "bimonthly", "Every two months"
    QUARTERLY = "quarterly", "Quarterly"
    TWICE_YEARLY = "twice-yearly", "Twice a year"


class Board(models.Model):
    """A governance board; boards report to boards (the parent)."""

    local_area = models.ForeignKey("agencies.LocalArea", on_delete=models.PROTECT,
                                   related_name="boards")
    name = models.CharField(max_length=200)
    short_name = models.CharField(max_length=40, blank=True)
    purpose = models.TextField(blank=True, help_text="Purpose and terms of reference.")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="children")
    meeting_frequency = models.CharField(max_length=20, choices=MeetingFrequency.choices,
                                         default=MeetingFrequency.QUARTERLY)
    delegated_limit = models.DecimalField(
        max_digits=14, decimal_places=2, default=Decimal("0.00"),
        help_text="Largest annual value (GBP) the board may decide.")
    quorum = models.PositiveSmallIntegerField(default=3)
    history = HistoricalRecords()

    class Meta:
        ordering = ["local_area", "name"]
        constraints = [
            models.UniqueConstraint(fields=["local_area", "name"], name="board_unique_name"),
        ]

    def __str__(self):
        return self.name
