"""API input and output shapes. Money is output as strings (exact); a contract's values are
null, with `values_withheld: true`, for people outside its commissioning agencies."""
from rest_framework import serializers

from agencies.models import Agency
from commissioning.budgets.models import Schedule
from commissioning.models import Intention

from .. import permissions
from ..models import (
    KPI,
    Contract,
    ContractStatus,
    KPIReturn,
    ProcurementRoute,
    Provider,
    ProviderType,
)


class ProviderSerializer(serializers.ModelSerializer):
    local_area = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Provider
        fields = ["id", "local_area", "name", "type", "companies_house_number",
                  "charity_number", "ods_code", "address", "postcode", "website"]


class ProviderInputSerializer(serializers.Serializer):
    local_area = serializers.SlugField()
    name = serializers.CharField(max_length=200)
    type = serializers.ChoiceField(choices=ProviderType.choices)
    companies_house_number = serializers.CharField(max_length=8, required=False,
                                                   allow_blank=True)
    charity_number = serializers.CharField(max_length=12, required=False, allow_blank=True)
    ods_code = serializers.CharField(max_length=6, required=False, allow_blank=True)
    address = serializers.CharField(required=False, allow_blank=True)
    postcode = serializers.CharField(max_length=10, required=False, allow_blank=True)
    website = serializers.URLField(required=False, allow_blank=True)


class KPISerializer(serializers.ModelSerializer):
    class Meta:
        model = KPI
        fields = ["id", "name", "unit", "target", "direction", "amber_tolerance", "frequency"]


class ContractSerializer(serializers.ModelSerializer):
    local_area = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    provider_name = serializers.CharField(source="provider.name", read_only=True)
    commissioning_agencies = serializers.SerializerMethodField()
    total_value = serializers.SerializerMethodField()
    annual_value = serializers.SerializerMethodField()
    values_withheld = serializers.SerializerMethodField()
    kpi_count = serializers.SerializerMethodField()

    class Meta:
        model = Contract
        fields = ["id", "local_area", "reference", "title", "description", "provider",
                  "provider_name", "lead_agency", "commissioning_agencies", "intention",
                  "schedule",
                  "review_intention", "total_value", "annual_value", "values_withheld",
                  "value_is_sensitive", "starts", "ends", "extension_options",
                  "procurement_route", "is_light_touch", "status",
                  "published_on_contracts_finder", "contracts_finder_id", "kpi_count"]

    def _show(self, contract):
        return permissions.can_view_values(self.context["request"].user, contract).allowed

    def get_kpi_count(self, contract) -> int:
        """Annotated on lists (no query per row); counted on a single contract."""
        count = getattr(contract, "kpi_count", None)
        return contract.kpis.count() if count is None else count

    def get_commissioning_agencies(self, contract) -> list[int]:
        return [a.pk for a in contract.commissioning_agencies.all()]

    def get_total_value(self, contract) -> str | None:
        return f"{contract.total_value:.2f}" if self._show(contract) else None

    def get_annual_value(self, contract) -> str | None:
        return f"{contract.annual_value:.2f}" if self._show(contract) else None

    def get_values_withheld(self, contract) -> bool:
        return not self._show(contract)


class ContractDetailSerializer(ContractSerializer):
    kpis = KPISerializer(many=True, read_only=True)

    class Meta(ContractSerializer.Meta):
        fields = [*ContractSerializer.Meta.fields, "kpis"]


class ContractInputSerializer(serializers.Serializer):
    """For POST every field below marked required is needed; PATCH takes any subset."""

    local_area = serializers.SlugField(required=True)
    reference = serializers.CharField(max_length=40)
    title = serializers.CharField(max_length=250)
    description = serializers.CharField(required=False, allow_blank=True)
    provider = serializers.PrimaryKeyRelatedField(queryset=Provider.objects.none())
    lead_agency = serializers.PrimaryKeyRelatedField(queryset=Agency.objects.none())
    commissioning_agencies = serializers.PrimaryKeyRelatedField(
        queryset=Agency.objects.none(), many=True, required=False)
    intention = serializers.PrimaryKeyRelatedField(queryset=Intention.objects.none(),
                                                   required=False, allow_null=True)
    schedule = serializers.PrimaryKeyRelatedField(queryset=Schedule.objects.none(),
                                                  required=False, allow_null=True)
    total_value = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0)
    annual_value = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0)
    value_is_sensitive = serializers.BooleanField(required=False)
    starts = serializers.DateField()
    ends = serializers.DateField()
    extension_options = serializers.CharField(max_length=200, required=False, allow_blank=True)
    procurement_route = serializers.ChoiceField(choices=ProcurementRoute.choices)
    is_light_touch = serializers.BooleanField(required=False)
    status = serializers.ChoiceField(choices=ContractStatus.choices, required=False)
    published_on_contracts_finder = serializers.BooleanField(required=False)
    contracts_finder_id = serializers.CharField(max_length=60, required=False, allow_blank=True)

    def __init__(self, *args, area_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        # Only what the person can see is a valid choice: no probing other areas by id.
        self.fields["provider"].queryset = Provider.objects.filter(local_area_id__in=area_ids)
        agencies = Agency.objects.filter(local_area_id__in=area_ids)
        self.fields["lead_agency"].queryset = agencies
        self.fields["commissioning_agencies"].child_relation.queryset = agencies
        self.fields["intention"].queryset = Intention.objects.filter(local_area_id__in=area_ids)
        self.fields["schedule"].queryset = Schedule.objects.filter(
            agreement__local_area_id__in=area_ids)
        if self.partial:
            self.fields.pop("local_area")


class KPIReturnSerializer(serializers.ModelSerializer):
    kpi_name = serializers.CharField(source="kpi.name", read_only=True)
    submitted_by = serializers.CharField(source="submitted_by.get_full_name", read_only=True,
                                         default=None, allow_null=True)

    class Meta:
        model = KPIReturn
        fields = ["id", "kpi", "kpi_name", "year", "quarter", "value", "rag", "comment",
                  "submitted_by", "submitted_at"]


class KPIReturnInputSerializer(serializers.Serializer):
    kpi = serializers.IntegerField()
    year = serializers.CharField(max_length=20)
    quarter = serializers.CharField(max_length=5)
    value = serializers.CharField(max_length=40)
    comment = serializers.CharField(required=False, allow_blank=True, max_length=2000)
