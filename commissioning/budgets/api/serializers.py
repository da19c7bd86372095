"""API shapes. Money is a decimal string with two places everywhere."""
from rest_framework import serializers

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
    schedule_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Section75Agreement
        fields = ["id", "local_area", "title", "reference", "status", "starts", "ends", "host",
                  "parties", "pooled_fund_manager", "share_separately", "schedule_count"]

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

    def get_schedules(self, agreement):
        return ScheduleSerializer(self.context["schedules"], many=True).data

    def get_contributions(self, agreement):
        summary = self.context["contributions"]
        return [{"year": year, "total": f"{summary['totals'][year]:.2f}",
                 "partners": [{"agency": row["agency"], "name": row["name"],
                               "amount": f"{row['amounts'][year]:.2f}"}
                              for row in summary["rows"]]}
                for year in summary["years"]]


class SpendSerializer(serializers.ModelSerializer):
    schedule = serializers.CharField(source="schedule.code")
    source_agency = serializers.PrimaryKeyRelatedField(read_only=True)

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


class ImportSerializer(serializers.Serializer):
    file = serializers.FileField()


class PositionQuerySerializer(serializers.Serializer):
    year = serializers.RegexField(r"^\d{4}-\d{2}$", error_messages={
        "invalid": "Write the financial year like 2025-26."})
    quarter = serializers.IntegerField(min_value=1, max_value=4)


class SnapshotInputSerializer(PositionQuerySerializer):
    pass


class JointPackageSerializer(serializers.ModelSerializer):
    local_area = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    days_taken = serializers.IntegerField(read_only=True)

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
