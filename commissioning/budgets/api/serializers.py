"""API shapes. Money is a decimal string with two places everywhere."""
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from portal.api import FinancialYearField

from ..models import BudgetType, JointPackage, NeedsCategory, Schedule, Section75Agreement, Spend

MONEY = {"max_digits": 14, "decimal_places": 2}


class PartySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    short_name = serializers.CharField()
    kind = serializers.CharField()
    code = serializers.CharField()


class AgreementSerializer(serializers.ModelSerializer):
    local_area = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    host = PartySerializer()
    parties = PartySerializer(many=True)
    pooled_fund_manager = serializers.SerializerMethodField()
    schedule_count = serializers.SerializerMethodField()

    class Meta:
        model = Section75Agreement
        fields = ["id", "local_area", "title", "reference", "status", "starts", "ends", "host",
                  "parties", "pooled_fund_manager", "share_separately", "schedule_count"]

    def get_schedule_count(self, agreement) -> int:
        """Annotated on lists (no query per row); counted on a single agreement."""
        count = getattr(agreement, "schedule_count", None)
        return agreement.schedules.count() if count is None else count

    @extend_schema_field({"type": "object", "nullable": True, "properties": {
        "id": {"type": "integer"}, "name": {"type": "string"}}})
    def get_pooled_fund_manager(self, agreement):
        person = agreement.pooled_fund_manager
        return {"id": person.pk, "name": str(person)} if person else None


class ScheduleSerializer(serializers.ModelSerializer):
    lead_partner = serializers.PrimaryKeyRelatedField(read_only=True)
    lead_partner_name = serializers.CharField(source="lead_partner.name", read_only=True)
    intentions = serializers.SlugRelatedField(slug_field="reference", many=True, read_only=True)

    class Meta:
        model = Schedule
        fields = ["id", "code", "name", "budget_type", "lead_partner", "lead_partner_name",
                  "description", "intentions", "contract_references"]


class AgreementDetailSerializer(AgreementSerializer):
    schedules = serializers.SerializerMethodField()
    contributions = serializers.SerializerMethodField()

    class Meta(AgreementSerializer.Meta):
        fields = [*AgreementSerializer.Meta.fields, "schedules", "contributions"]

    @extend_schema_field(ScheduleSerializer(many=True))
    def get_schedules(self, agreement):
        return ScheduleSerializer(self.context["schedules"], many=True).data

    @extend_schema_field({"type": "array", "items": {"type": "object", "properties": {
        "year": {"type": "string"}, "total": {"type": "string"},
        "partners": {"type": "array", "items": {"type": "object"}}}}})
    def get_contributions(self, agreement):
        summary = self.context["contributions"]
        return [{"year": year, "total": f"{summary['totals'][year]:.2f}",
                 "partners": [{"agency": row["agency"], "name": row["name"],
                               "amount": f"{row['amounts'][year]:.2f}"}
                              for row in summary["rows"]]}
                for year in summary["years"]]


class SpendSerializer(serializers.ModelSerializer):
    schedule = serializers.CharField(source="schedule.code")
    source_agency = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = Spend
        fields = ["id", "schedule", "date", "amount", "description", "source_agency",
                  "contract_reference", "batch"]


class SpendInputSerializer(serializers.Serializer):
    schedule = serializers.CharField(help_text="The schedule's code, e.g. S1")
    date = serializers.DateField()
    amount = serializers.DecimalField(**MONEY, min_value=0)
    description = serializers.CharField(max_length=250)
    source_agency = serializers.IntegerField(required=False, allow_null=True)
    contract_reference = serializers.CharField(max_length=60, required=False, allow_blank=True,
                                               default="")


class SpendImportSerializer(serializers.Serializer):
    file = serializers.FileField()


class PositionQuerySerializer(serializers.Serializer):
    year = FinancialYearField()
    quarter = serializers.IntegerField(min_value=1, max_value=4)


class SnapshotInputSerializer(PositionQuerySerializer):
    pass


class QuarterAnswerSerializer(PositionQuerySerializer):
    """A partner's answer to a submitted quarter: `agency` is the partner's id."""

    agency = serializers.IntegerField(min_value=1)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000,
                                   default="")


class CommentaryInputSerializer(PositionQuerySerializer):
    """Write the overall commentary (no `schedule`) or a schedule's (its code)."""

    schedule = serializers.CharField(required=False, allow_blank=True, max_length=20,
                                     default="")
    variance_reasons = serializers.CharField(required=False, allow_blank=True,
                                             max_length=5000, default="")
    mitigations = serializers.CharField(required=False, allow_blank=True, max_length=5000,
                                        default="")
    forecast_risks = serializers.CharField(required=False, allow_blank=True, max_length=5000,
                                           default="")


class SettlementQuerySerializer(serializers.Serializer):
    year = FinancialYearField()


class SettlementSignSerializer(SettlementQuerySerializer):
    agency = serializers.IntegerField(min_value=1)


class ReasonSerializer(PositionQuerySerializer):
    reason = serializers.CharField(max_length=2000)


class JointPackageSerializer(serializers.ModelSerializer):
    local_area = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    days_taken = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = JointPackage
        fields = ["id", "local_area", "reference", "needs_category", "annual_cost",
                  "social_care_amount", "health_amount", "education_amount", "request_date",
                  "agreement_date", "days_taken", "review_date", "agreement"]


class SplitSerializer(serializers.Serializer):
    social_care = serializers.DecimalField(max_digits=14, decimal_places=4, min_value=0)
    health = serializers.DecimalField(max_digits=14, decimal_places=4, min_value=0)
    education = serializers.DecimalField(max_digits=14, decimal_places=4, min_value=0)


class JointPackageInputSerializer(serializers.Serializer):
    local_area = serializers.SlugField()
    reference = serializers.CharField(max_length=24)
    needs_category = serializers.ChoiceField(choices=NeedsCategory.choices)
    annual_cost = serializers.DecimalField(**MONEY, min_value=0)
    split_by = serializers.ChoiceField(choices=["percentages", "amounts"])
    split = SplitSerializer()
    request_date = serializers.DateField()
    agreement_date = serializers.DateField(required=False, allow_null=True)
    review_date = serializers.DateField(required=False, allow_null=True)
    agreement = serializers.IntegerField(required=False, allow_null=True)


BUDGET_TYPES = BudgetType.values


# --- response shapes (documentation of the plain-data answers) ---------------------------
class ShareSerializer(serializers.Serializer):
    agency = serializers.IntegerField()
    name = serializers.CharField()
    share = serializers.CharField(help_text="Decimal string, two places")
    overspend = serializers.CharField()
    underspend = serializers.CharField()


class PartnerAmountSerializer(serializers.Serializer):
    agency = serializers.IntegerField()
    name = serializers.CharField()
    amount = serializers.CharField(help_text="Decimal string, two places")


class PositionSerializer(serializers.Serializer):
    agreement = serializers.IntegerField()
    title = serializers.CharField()
    year = serializers.CharField()
    quarter = serializers.IntegerField()
    period_end = serializers.DateField()
    frozen = serializers.BooleanField()
    contributions = PartnerAmountSerializer(many=True)
    total_pool = serializers.CharField()
    spend_to_date = serializers.CharField()
    committed = serializers.CharField()
    forecast_outturn = serializers.CharField()
    variance = serializers.CharField(help_text="Forecast outturn minus contributions; the "
                                               "risk shares add up to it exactly")
    risk_share = ShareSerializer(many=True)
    schedules = serializers.ListField(child=serializers.DictField())
    commentary = serializers.DictField(
        required=False, help_text="{overall: {variance_reasons, mitigations, forecast_risks} "
                                  "or null, schedules: [{schedule, code, name, ...}]}; "
                                  "absent from quarters closed before issue 16")
    trend = serializers.DictField()


class ConfirmationSerializer(serializers.Serializer):
    agency = serializers.IntegerField()
    name = serializers.CharField()
    decision = serializers.CharField(allow_null=True, help_text="confirmed, returned, or null "
                                                                "while awaited")
    person = serializers.CharField(allow_null=True)
    reason = serializers.CharField()
    at = serializers.DateTimeField(allow_null=True)


class SnapshotSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    year = serializers.CharField()
    quarter = serializers.IntegerField()
    status = serializers.CharField()
    sha256 = serializers.CharField()
    closed_at = serializers.DateTimeField(allow_null=True)
    reopened_at = serializers.DateTimeField(allow_null=True)
    reopen_reason = serializers.CharField()
    round = serializers.IntegerField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    confirmations = ConfirmationSerializer(many=True)
    position = PositionSerializer(required=False)


class SpendImportResultSerializer(serializers.Serializer):
    dry_run = serializers.BooleanField()
    lines = serializers.IntegerField()
    total = serializers.CharField()
    by_schedule = serializers.DictField(child=serializers.CharField())
    batch = serializers.IntegerField(allow_null=True)


class SpendImportErrorSerializer(serializers.Serializer):
    line = serializers.IntegerField(allow_null=True)
    field = serializers.CharField()
    message = serializers.CharField()


class SpendImportErrorsSerializer(serializers.Serializer):
    message = serializers.CharField()
    errors = SpendImportErrorSerializer(many=True)
    error_count = serializers.IntegerField()


class AggregatesSerializer(serializers.Serializer):
    """Small numbers suppressed: null figures with `suppressed`/`display` (docs/budgets.md)."""

    local_area = serializers.CharField()
    threshold = serializers.IntegerField(help_text="Counts below this are suppressed")
    rows = serializers.ListField(child=serializers.DictField())
    total = serializers.DictField()
    agreed = serializers.IntegerField(allow_null=True)
    median_days = serializers.FloatField(allow_null=True)
    within_week = serializers.IntegerField(allow_null=True)
    suppressed_fields = serializers.ListField(child=serializers.CharField())
    display = serializers.DictField(child=serializers.CharField())


class SignerSerializer(serializers.Serializer):
    agency = serializers.IntegerField()
    name = serializers.CharField()
    signed_by = serializers.CharField(allow_null=True)
    signed_at = serializers.DateTimeField(allow_null=True)


class SettlementSerializer(serializers.Serializer):
    year = serializers.CharField()
    statement = serializers.DictField(
        allow_null=True, help_text="null until Q4 is closed; partners' `payment` is positive "
                                   "when the partner pays the host; payments add to zero")
    sha256 = serializers.CharField(allow_null=True)
    signed = serializers.BooleanField()
    signers = SignerSerializer(many=True)


# --- virements (issue 16) -------------------------------------------------------------------
class VirementInputSerializer(PositionQuerySerializer):
    from_schedule = serializers.CharField(help_text="The schedule's code, e.g. S1")
    to_schedule = serializers.CharField(help_text="The schedule's code, e.g. S2")
    amount = serializers.CharField(help_text="Pounds and pence, more than 0, e.g. 1250.00")
    reason = serializers.CharField(max_length=2000)


class VirementAnswerSerializer(serializers.Serializer):
    agency = serializers.IntegerField(min_value=1)


class VirementRejectSerializer(VirementAnswerSerializer):
    reason = serializers.CharField(max_length=2000)


class VirementApprovalSerializer(serializers.Serializer):
    agency = serializers.IntegerField()
    name = serializers.CharField()
    decision = serializers.CharField(allow_null=True, help_text="approved, rejected or null "
                                                                "(awaited)")
    person = serializers.CharField(allow_null=True)
    reason = serializers.CharField(allow_blank=True)
    at = serializers.DateTimeField(allow_null=True)


class VirementSplitSerializer(serializers.Serializer):
    agency = serializers.IntegerField()
    amount = serializers.DecimalField(**MONEY)


class VirementSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    year = serializers.CharField()
    quarter = serializers.IntegerField()
    from_schedule = serializers.CharField(source="from_schedule.code")
    to_schedule = serializers.CharField(source="to_schedule.code")
    amount = serializers.DecimalField(**MONEY)
    reason = serializers.CharField()
    status = serializers.CharField(help_text="proposed, approved, rejected or referred (a "
                                             "board must decide)")
    split = VirementSplitSerializer(many=True)
    proposed_by = serializers.CharField(allow_null=True)
    proposed_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)
    approvals = VirementApprovalSerializer(many=True, source="answers")
