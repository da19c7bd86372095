"""Needs evidence (JSNA): indicators, geographies, observations, comparator sets, findings.

Indicators, geographies and observations are *published statistics* (DfE, OHID Fingertips):
one national copy shared by every local area, so England's value is stored once. What is
the area's own is its comparator set (its geography, region, England and statistical
neighbours) and its findings. Observations are not history-tracked row by row (an import
may write a million rows); each import is recorded as an `ImportRun` saying who loaded
which file and what it changed.
"""
from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from simple_history.models import HistoricalRecords

CODE = RegexValidator(r"^[a-z0-9][a-z0-9-]*$", "Use lower-case letters, digits and hyphens.")


class Unit(models.TextChoices):
    PERCENTAGE = "percentage", "Percentage"
    RATE_1000 = "rate-1000", "Rate per 1,000"
    RATE_100000 = "rate-100000", "Rate per 100,000"
    COUNT = "count", "Count"


# The multiplier from a proportion (numerator / denominator) to the unit's value.
UNIT_MULTIPLIER = {Unit.PERCENTAGE: 100, Unit.RATE_1000: 1000, Unit.RATE_100000: 100000,
                   Unit.COUNT: 1}


class Polarity(models.TextChoices):
    HIGHER_IS_BETTER = "higher-better", "Higher is better"
    HIGHER_IS_WORSE = "higher-worse", "Higher is worse"
    NEITHER = "neither", "Neither higher nor lower is better"


class Indicator(models.Model):
    code = models.CharField(max_length=60, unique=True, validators=[CODE],
                            help_text="The code used in import files, e.g. sen-prevalence.")
    name = models.CharField(max_length=250)
    definition = models.TextField(blank=True)
    unit = models.CharField(max_length=20, choices=Unit.choices)
    polarity = models.CharField(max_length=20, choices=Polarity.choices,
                                default=Polarity.NEITHER)
    source = models.CharField(max_length=250, blank=True,
                              help_text='e.g. DfE "Special educational needs in England".')
    fingertips_id = models.PositiveIntegerField(null=True, blank=True, unique=True,
                                                help_text="OHID Fingertips indicator id.")
    topic = models.CharField(max_length=120, blank=True)
    headline = models.BooleanField(default=False, help_text="Shown on the needs dashboard.")
    position = models.PositiveSmallIntegerField(default=100)
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    @property
    def multiplier(self):
        return UNIT_MULTIPLIER[Unit(self.unit)]


class GeographyKind(models.TextChoices):
    ENGLAND = "england", "Country"
    REGION = "region", "Region"
    LOCAL_AUTHORITY = "local-authority", "Local authority"
    ICB = "icb", "Integrated Care Board"


class Geography(models.Model):
    """A place published statistics describe, by its ONS GSS or NHS ODS code."""

    code = models.CharField(max_length=12, unique=True,
                            validators=[RegexValidator(r"^[A-Z0-9]{3,12}$",
                                                       "Use the GSS or ODS code, e.g. E10000034.")])
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=GeographyKind.choices)
    # A sub-area (ward, locality, a council within an ICB's footprint) names the geography
    # it lies within: an area may import figures for its own geography and its sub-areas.
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="sub_areas",
                               help_text="The larger geography this one lies within.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "name"]
        verbose_name_plural = "geographies"

    def __str__(self):
        return self.name


class ComparatorSet(models.Model):
    """What a local area compares itself with: England, its region, its statistical neighbours."""

    local_area = models.OneToOneField("agencies.LocalArea", on_delete=models.CASCADE,
                                      related_name="comparator_set")
    geography = models.ForeignKey(Geography, on_delete=models.PROTECT, related_name="+",
                                  help_text="The geography the area's own figures are for.")
    england = models.ForeignKey(Geography, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Geography, on_delete=models.PROTECT, related_name="+",
                               null=True, blank=True)
    neighbours = models.ManyToManyField(Geography, related_name="+", blank=True,
                                        help_text="Statistical neighbours.")
    history = HistoricalRecords(m2m_fields=[neighbours])

    def __str__(self):
        return f"Comparators for {self.local_area}"


class Observation(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE,
                                  related_name="observations")
    geography = models.ForeignKey(Geography, on_delete=models.PROTECT,
                                  related_name="observations")
    period = models.CharField(max_length=40, help_text="e.g. 2024/25 or January 2021")
    # A sortable key derived from the period (YYYYMM of its start), so "last five periods"
    # orders correctly whatever the label's wording.
    period_sort = models.PositiveIntegerField()
    value = models.DecimalField(max_digits=20, decimal_places=6, null=True, blank=True)
    numerator = models.DecimalField(max_digits=20, decimal_places=6, null=True, blank=True)
    denominator = models.DecimalField(max_digits=20, decimal_places=6, null=True, blank=True)
    lower_ci = models.DecimalField(max_digits=20, decimal_places=6, null=True, blank=True)
    upper_ci = models.DecimalField(max_digits=20, decimal_places=6, null=True, blank=True)
    note = models.CharField(max_length=250, blank=True)

    class Meta:
        ordering = ["indicator", "geography", "period_sort"]
        # The unique key's index (indicator, geography, period) serves the dashboard's
        # look-up (indicators x comparator geographies); a second index would only slow
        # bulk imports.
        constraints = [
            models.UniqueConstraint(fields=["indicator", "geography", "period"],
                                    name="observation_unique_key"),
        ]

    def __str__(self):
        return f"{self.indicator} — {self.geography}, {self.period}: {self.value}"


class ImportStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    PREVIEWED = "previewed", "Checked, not yet imported"
    IMPORTED = "imported", "Imported"
    FAILED = "failed", "Failed"


class ImportScope(models.TextChoices):
    AREA = "area", "The area's own figures"
    PLATFORM = "platform", "Published data for every geography (platform)"


class ImportRun(models.Model):
    """One upload of a file of observations: who, what, and what it found or changed.

    An *area* import (`local_area` set) may hold figures only for the area's own geography
    and its sub-areas. A *platform* import (`local_area` blank: the platform pages and API,
    the command line, area files) holds published data for any geography, England, regions
    and statistical neighbours included. Either way, the areas whose figures a real import
    changed are recorded in `ImportRunArea`, so the change shows in each one's history.
    """

    local_area = models.ForeignKey("agencies.LocalArea", on_delete=models.CASCADE,
                                   related_name="needs_imports", null=True, blank=True)
    scope = models.CharField(max_length=10, choices=ImportScope.choices,
                             default=ImportScope.AREA)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    file = models.FileField(upload_to="needs/imports/%Y/%m/", blank=True)
    dry_run = models.BooleanField(default=True)
    filename = models.CharField(max_length=250)
    status = models.CharField(max_length=20, choices=ImportStatus.choices,
                              default=ImportStatus.QUEUED)
    layout = models.CharField(max_length=20, blank=True)
    rows = models.PositiveIntegerField(default=0)
    new = models.PositiveIntegerField(default=0)
    changed = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    error_count = models.PositiveIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        permissions = [("import_published_statistics",
                        "Can import published statistics for every geography (platform)")]

    def __str__(self):
        return f"{self.filename} ({self.get_status_display()})"


class ImportRunArea(models.Model):
    """A local area whose figures an import changed: `own` figures of its own geography and
    sub-areas, `comparators` figures of its England, region or statistical neighbours."""

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="affected")
    local_area = models.ForeignKey("agencies.LocalArea", on_delete=models.CASCADE,
                                   related_name="needs_imports_affecting")
    own = models.PositiveIntegerField(default=0)
    comparators = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "local_area"],
                                               name="import_run_area_unique")]

    def __str__(self):
        return f"{self.run} changed {self.own} + {self.comparators} figures of {self.local_area}"


class Finding(models.Model):
    """A statement the evidence supports, linked to the strategy priorities it informs."""

    local_area = models.ForeignKey("agencies.LocalArea", on_delete=models.PROTECT,
                                   related_name="findings")
    statement = models.TextField()
    found_on = models.DateField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="needs_findings")
    observations = models.ManyToManyField(Observation, related_name="findings", blank=True)
    priorities = models.ManyToManyField("commissioning.Priority", related_name="findings",
                                        blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[observations, priorities])

    class Meta:
        ordering = ["local_area", "-found_on", "-id"]

    def __str__(self):
        return self.statement[:80]
