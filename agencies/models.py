"""Local areas (the tenant), their agencies, people and the roles they hold."""
from decimal import Decimal

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from .roles import AgencyPerm, AreaPerm, Role


class LocalArea(models.Model):
    """A partnership of councils and NHS bodies: the unit of tenancy."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    description = models.TextField(blank=True)
    # The month the financial year starts (4 = April, the English public-sector year).
    financial_year_start_month = models.PositiveSmallIntegerField(default=4)
    reference_prefix = models.CharField(
        max_length=6, help_text="Prefix of intention references, e.g. WOR",
        validators=[RegexValidator(r"^[A-Z]{2,6}$", "Use 2 to 6 capital letters.")],
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        permissions = [(AreaPerm.ADMINISTER.value, AreaPerm.ADMINISTER.label),
                       (AreaPerm.VIEW_INTERNAL.value, AreaPerm.VIEW_INTERNAL.label)]

    def __str__(self):
        return self.name


class Stage(models.Model):
    """One stage of the area's commissioning cycle; names and checklists are the area's."""

    local_area = models.ForeignKey(LocalArea, on_delete=models.CASCADE, related_name="stages")
    position = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=60)
    description = models.TextField(blank=True)
    checklist = models.JSONField(default=list, blank=True,
                                 help_text="Items to complete before the stage gate.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["local_area", "position"]
        constraints = [
            models.UniqueConstraint(fields=["local_area", "position"],
                                    name="stage_unique_position"),
            models.UniqueConstraint(fields=["local_area", "name"], name="stage_unique_name"),
        ]

    def __str__(self):
        return self.name


class AgencyKind(models.TextChoices):
    COUNCIL = "council", "Council"
    ICB = "icb", "Integrated Care Board"
    CCG = "ccg", "Clinical Commissioning Group"
    NHS_TRUST = "nhs-trust", "NHS trust"
    SCHOOL = "school", "School or college"
    PARENT_CARER_FORUM = "parent-carer-forum", "Parent carer forum"
    PROVIDER = "provider", "Provider"
    OTHER = "other", "Other"


NHS_KINDS = {AgencyKind.ICB, AgencyKind.CCG, AgencyKind.NHS_TRUST}
GSS_CODE = RegexValidator(r"^[EWSN]\d{8}$", "A council's ONS GSS code looks like E10000034.")
ODS_CODE = RegexValidator(r"^[A-Z0-9]{3,6}$", "An NHS ODS code is 3 to 6 letters or digits.")


class Agency(models.Model):
    local_area = models.ForeignKey(LocalArea, on_delete=models.PROTECT, related_name="agencies")
    name = models.CharField(max_length=200)
    short_name = models.CharField(max_length=40, blank=True)
    kind = models.CharField(max_length=30, choices=AgencyKind.choices)
    code = models.CharField(max_length=12, blank=True,
                            help_text="ONS GSS code for councils, ODS code for NHS bodies.")
    is_host = models.BooleanField(default=False, help_text="Hosts the area's pooled funds.")
    website = models.URLField(blank=True)
    active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["local_area", "name"]
        verbose_name_plural = "agencies"
        permissions = [(p.value, p.label) for p in AgencyPerm if p.value.endswith("_for_agency")]
        constraints = [
            models.UniqueConstraint(fields=["local_area", "name"], name="agency_unique_name"),
        ]

    def __str__(self):
        return self.name

    @property
    def display_name(self):
        return self.short_name or self.name


class AgencySuccession(models.Model):
    """An agency replaced by another from a date (a CCG became an ICB on 1 July 2022; a
    county council became a unitary authority with a new GSS code). One successor per
    agency (the one-to-one key); the predecessor is inactive from the date on. Records it
    held are shown under the body that holds them now (`agencies.selectors.current_holders`).
    """

    predecessor = models.OneToOneField(Agency, on_delete=models.PROTECT,
                                       related_name="succession")
    successor = models.ForeignKey(Agency, on_delete=models.PROTECT,
                                  related_name="predecessor_links")
    date = models.DateField(help_text="The day the successor took over.")
    note = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["date", "predecessor__name"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(predecessor=models.F("successor")),
                                   name="succession_not_itself"),
        ]

    def __str__(self):
        return f"{self.predecessor} replaced by {self.successor}"


class User(AbstractUser):
    """A person; signs in with the username or the e-mail address."""

    email = models.EmailField("e-mail address", unique=True)
    job_title = models.CharField(max_length=120, blank=True)
    # Set when the person confirms an authenticator app: from then on every door (pages,
    # API sessions, API tokens) asks for the second factor. Kept on the row so checking it
    # costs no query (agencies.twofactor.requires_second_factor).
    two_factor_enrolled = models.BooleanField(default=False)
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    objects = UserManager()

    class Meta:
        ordering = ["last_name", "first_name", "username"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_unique_email_ci"),
        ]

    def __str__(self):
        return self.get_full_name() or self.username


class MembershipQuerySet(models.QuerySet):
    def active(self, on=None):
        on = on or timezone.localdate()
        return self.filter(models.Q(starts__isnull=True) | models.Q(starts__lte=on),
                           models.Q(ends__isnull=True) | models.Q(ends__gte=on))


class Membership(models.Model):
    """A person holds a role in an agency; approvers carry a delegated financial limit."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=30, choices=Role.choices)
    delegated_limit = models.DecimalField(
        max_digits=14, decimal_places=2, default=Decimal("0.00"),
        help_text="Largest annual value (GBP) this person may approve for the agency.",
    )
    starts = models.DateField(null=True, blank=True)
    ends = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["agency", "role", "user"]
        constraints = [
            models.UniqueConstraint(fields=["user", "agency", "role"], name="membership_unique"),
            models.CheckConstraint(condition=models.Q(delegated_limit__gte=0),
                                   name="membership_limit_not_negative"),
        ]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()}, {self.agency}"

    @property
    def is_active(self):
        today = timezone.localdate()
        return (self.starts is None or self.starts <= today) and (
            self.ends is None or self.ends >= today)


# Guardian's direct foreign-key tables: permission look-ups join on an integer key.
class LocalAreaUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(LocalArea, on_delete=models.CASCADE)


class LocalAreaGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(LocalArea, on_delete=models.CASCADE)


class AgencyUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Agency, on_delete=models.CASCADE)


class AgencyGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Agency, on_delete=models.CASCADE)


class ApiToken(models.Model):
    """A personal API token. Only a SHA-256 digest of the key is stored; the key is shown
    once. Tokens expire (API_TOKEN_TTL_DAYS), are revoked on password change and
    deactivation, and record whether they were issued after a second factor."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, blank=True)
    prefix = models.CharField(max_length=8, help_text="The key's first characters.")
    digest = models.CharField(max_length=64, unique=True)
    two_factor = models.BooleanField(default=False,
                                     help_text="Issued after the second factor was checked.")
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "API token"

    def __str__(self):
        return f"{self.prefix}… ({self.user})"

    @property
    def is_live(self):
        return self.revoked_at is None and self.expires_at > timezone.now()

    @property
    def status(self):
        if self.revoked_at is not None:
            return "Revoked"
        return "Active" if self.expires_at > timezone.now() else "Expired"
