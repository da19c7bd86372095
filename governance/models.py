"""Governance boards, their members, meetings, decisions and quarterly board reports.

Boards report to boards (`reports_to`, a graph without cycles: a board may report to
several boards) and decide for named agencies (`decides_for`, through `BoardDelegation`,
each with its own limit or the board's). A board member's access to the board's reports comes
from one guardian group per board (see `roles.py`); secretaries also hold the board's
`run_board` permission directly. Both live in the direct foreign-key tables below.
"""
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from portal.dates import long_date

from .roles import BoardPerm, BoardRole

FINANCIAL_YEAR = RegexValidator(r"^\d{4}-\d{2}$", "Write the financial year like 2025-26.")


class MeetingFrequency(models.TextChoices):
    MONTHLY = "monthly", "Monthly"
    BIMONTHLY = "bimonthly", "Every two months"
    QUARTERLY = "quarterly", "Quarterly"
    TWICE_YEARLY = "twice-yearly", "Twice a year"


class Board(models.Model):
    """A governance board; it reports to any number of boards (`reports_to`) and decides for
    the agencies it has a delegation from (`decides_for`)."""

    local_area = models.ForeignKey("agencies.LocalArea", on_delete=models.PROTECT,
                                   related_name="boards")
    name = models.CharField(max_length=200)
    short_name = models.CharField(max_length=40, blank=True)
    purpose = models.TextField(blank=True, help_text="Purpose and terms of reference.")
    reports_to = models.ManyToManyField(
        "self", symmetrical=False, related_name="reporting_boards", blank=True,
        help_text="Boards this board reports to (no cycles).")
    meeting_frequency = models.CharField(max_length=20, choices=MeetingFrequency.choices,
                                         default=MeetingFrequency.QUARTERLY)
    delegated_limit = models.DecimalField(
        max_digits=14, decimal_places=2, default=Decimal("0.00"),
        help_text="Largest annual value (GBP) the board may decide.")
    quorum = models.PositiveSmallIntegerField(default=3)
    quorum_agencies = models.ManyToManyField(
        "agencies.Agency", related_name="+", blank=True,
        help_text="Agencies that must be represented for the meeting to be quorate.")
    scope_agencies = models.ManyToManyField(
        "agencies.Agency", related_name="boards_informed", blank=True,
        help_text="Agencies whose intentions, budgets and contracts the board receives.")
    decides_for = models.ManyToManyField(
        "agencies.Agency", through="BoardDelegation", related_name="boards_deciding",
        blank=True, help_text="Agencies the board may decide for (each with a limit).")
    history = HistoricalRecords(m2m_fields=[quorum_agencies, scope_agencies, reports_to])

    class Meta:
        ordering = ["local_area", "name"]
        permissions = [(BoardPerm.VIEW_REPORTS.value, BoardPerm.VIEW_REPORTS.label),
                       (BoardPerm.RUN.value, BoardPerm.RUN.label)]
        constraints = [
            models.UniqueConstraint(fields=["local_area", "name"], name="board_unique_name"),
        ]

    def __str__(self):
        return self.name


class BoardDelegation(models.Model):
    """An agency's delegation to a board: the board decides for the agency up to `limit`
    (blank: the board's own delegated limit)."""

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="delegations")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT,
                               related_name="board_delegations")
    limit = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True,
        help_text="Largest annual value (GBP) the board decides for this agency; blank for "
                  "the board's delegated limit.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["board", "agency__name"]
        constraints = [
            models.UniqueConstraint(fields=["board", "agency"], name="board_delegation_unique"),
        ]

    def __str__(self):
        return f"{self.board} decides for {self.agency}"

    @property
    def effective_limit(self):
        return self.board.delegated_limit if self.limit is None else self.limit


class BoardMember(models.Model):
    """A person's seat on a board, representing one agency."""

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="board_seats")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT,
                               related_name="board_seats")
    role = models.CharField(max_length=20, choices=BoardRole.choices, default=BoardRole.MEMBER)
    starts = models.DateField(null=True, blank=True)
    ends = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["board", "role", "user__last_name"]
        constraints = [
            models.UniqueConstraint(fields=["board", "user"], name="board_member_unique"),
        ]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()}, {self.board}"


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    HELD = "held", "Held"
    CANCELLED = "cancelled", "Cancelled"


class Meeting(models.Model):
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="meetings")
    date = models.DateField()
    location = models.CharField(max_length=200, blank=True)
    online = models.BooleanField(default=False)
    status = models.CharField(max_length=20, choices=MeetingStatus.choices,
                              default=MeetingStatus.SCHEDULED)
    minutes = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["board", "-date"]
        constraints = [
            models.UniqueConstraint(fields=["board", "date"], name="meeting_unique_date"),
        ]

    def __str__(self):
        return f"{self.board} — {long_date(self.date)}"


class AgendaKind(models.TextChoices):
    PAPER = "paper", "Paper"
    INTENTION = "intention", "Commissioning intention"
    REFERRAL = "referral", "Board referral"
    REPORT = "report", "Board report"


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    position = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=250)
    kind = models.CharField(max_length=20, choices=AgendaKind.choices, default=AgendaKind.PAPER)
    intention = models.ForeignKey("commissioning.Intention", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="agenda_items")
    # commissioning.BoardReferral belongs to the cycle app, which may land after this one:
    # the id is resolved through commissioning.services when a decision is recorded.
    referral_id = models.PositiveBigIntegerField(null=True, blank=True)
    report = models.ForeignKey("BoardReport", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="agenda_items")
    paper_url = models.URLField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "position"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "position"], name="agenda_unique_position"),
        ]

    def __str__(self):
        return f"{self.position}. {self.title}"


class Attendance(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey(BoardMember, on_delete=models.CASCADE, related_name="attendance")
    present = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="attendance_unique"),
        ]

    def __str__(self):
        return f"{self.member} at {self.meeting}: {'present' if self.present else 'absent'}"


class Outcome(models.TextChoices):
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    DEFERRED = "deferred", "Deferred"
    NOTED = "noted", "Noted"


class DecisionMethod(models.TextChoices):
    CONSENSUS = "consensus", "Consensus"
    VOTE = "vote", "Vote"


class Decision(models.Model):
    agenda_item = models.OneToOneField(AgendaItem, on_delete=models.PROTECT,
                                       related_name="decision")
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    reason = models.TextField()
    method = models.CharField(max_length=20, choices=DecisionMethod.choices,
                              default=DecisionMethod.CONSENSUS)
    votes_for = models.PositiveSmallIntegerField(null=True, blank=True)
    votes_against = models.PositiveSmallIntegerField(null=True, blank=True)
    abstentions = models.PositiveSmallIntegerField(null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    def __str__(self):
        return f"{self.agenda_item}: {self.get_outcome_display()}"


class ReportStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"
    PUBLISHED = "published", "Published"


def report_path(report, filename):
    return (f"board-reports/{report.board.local_area_id}/{report.board_id}/"
            f"{report.year}-Q{report.quarter}-v{report.version}.pdf")


class BoardReport(models.Model):
    """One version of a board's quarterly report; published versions never change."""

    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="reports")
    year = models.CharField(max_length=7, validators=[FINANCIAL_YEAR])
    quarter = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(4)])
    version = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(max_length=20, choices=ReportStatus.choices,
                              default=ReportStatus.QUEUED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    page_count = models.PositiveIntegerField(null=True, blank=True)
    pdf = models.FileField(upload_to=report_path, max_length=300, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    error = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True,
                            help_text="The figures the report was rendered from.")
    html = models.TextField(blank=True, help_text="The rendered report body.")
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    history = HistoricalRecords(excluded_fields=["html", "data"])

    class Meta:
        ordering = ["board", "-year", "-quarter", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["board", "year", "quarter", "version"],
                                    name="board_report_unique_version"),
            models.CheckConstraint(condition=models.Q(quarter__gte=1, quarter__lte=4),
                                   name="board_report_quarter_1_4"),
        ]
        indexes = [models.Index(fields=["status", "started_at"])]

    def __str__(self):
        return f"{self.board} {self.year} Q{self.quarter} (version {self.version})"

    @property
    def period_label(self):
        return f"Quarter {self.quarter} {self.year}"

    @property
    def download_name(self) -> str:
        """The PDF's file name: board, year, quarter and version."""
        from django.utils.text import slugify

        return f"{slugify(self.board.name)}-{self.year}-q{self.quarter}-v{self.version}.pdf"

    @property
    def duration_seconds(self):
        if self.started_at and self.finished_at:
            return round((self.finished_at - self.started_at).total_seconds(), 2)
        return None


class ReportRead(models.Model):
    report = models.ForeignKey(BoardReport, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+")
    read_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["report", "user"], name="report_read_unique"),
        ]

    def __str__(self):
        return f"{self.user} read {self.report}"


class ReportComment(models.Model):
    report = models.ForeignKey(BoardReport, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE,
                               related_name="replies")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+")
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["report", "created_at", "id"]

    def __str__(self):
        return f"{self.author}: {self.body[:40]}"


# Guardian's direct foreign-key tables for boards (see agencies.models for the pattern).
class BoardUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Board, on_delete=models.CASCADE)


class BoardGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Board, on_delete=models.CASCADE)
