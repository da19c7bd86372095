from rest_framework import serializers

from commissioning.models import Priority

from ..models import Finding, Geography, Indicator, Observation


class IndicatorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Indicator
        fields = ["id", "code", "name", "definition", "unit", "polarity", "source",
                  "fingertips_id", "topic", "headline"]


class GeographySerializer(serializers.ModelSerializer):
    class Meta:
        model = Geography
        fields = ["id", "code", "name", "kind"]


class ObservationSerializer(serializers.ModelSerializer):
    indicator = serializers.SlugRelatedField(slug_field="code", read_only=True)
    geography = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Observation
        fields = ["id", "indicator", "geography", "period", "value", "numerator", "denominator",
                  "lower_ci", "upper_ci", "note"]


class ComparisonQuerySerializer(serializers.Serializer):
    local_area = serializers.SlugField(help_text="The local area's slug")
    period = serializers.CharField(required=False, allow_blank=True)


class ImportQuerySerializer(serializers.Serializer):
    dry_run = serializers.BooleanField(required=False, default=False)


class ImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    local_area = serializers.SlugField(required=False,
                                       help_text="Needed only if you import for several areas")


class ImportResultSerializer(serializers.Serializer):
    layout = serializers.CharField()
    rows = serializers.IntegerField()
    new = serializers.IntegerField()
    changed = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    skipped = serializers.IntegerField()
    dry_run = serializers.BooleanField()


class ImportHistoryQuerySerializer(serializers.Serializer):
    local_area = serializers.SlugField(help_text="The local area whose import history to list")


class ImportRunSerializer(serializers.Serializer):
    """One import in an area's history. `own_figures` / `comparator_figures`: how many of
    this area's figures, and of its comparators' (England, region, neighbours), it changed.
    `imported_by` names the area that imported it, or "platform"."""

    id = serializers.IntegerField()
    filename = serializers.CharField()
    scope = serializers.CharField()
    imported_by = serializers.CharField(allow_null=True)
    created_at = serializers.DateTimeField()
    status = serializers.CharField()
    rows = serializers.IntegerField()
    new = serializers.IntegerField()
    changed = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    own_figures = serializers.IntegerField(allow_null=True)
    comparator_figures = serializers.IntegerField(allow_null=True)


class FindingPrioritySerializer(serializers.ModelSerializer):
    strategy = serializers.CharField(source="strategy.title")

    class Meta:
        model = Priority
        fields = ["id", "strategy", "number", "title"]


class FindingSerializer(serializers.ModelSerializer):
    local_area = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    author = serializers.CharField(source="author.get_full_name", read_only=True)
    observations = ObservationSerializer(many=True, read_only=True)
    priorities = FindingPrioritySerializer(many=True, read_only=True)

    class Meta:
        model = Finding
        fields = ["id", "local_area", "statement", "found_on", "author", "observations",
                  "priorities"]


class FindingInputSerializer(serializers.Serializer):
    local_area = serializers.SlugField()
    statement = serializers.CharField(max_length=2000)
    found_on = serializers.DateField()
    observations = serializers.ListField(child=serializers.IntegerField(), required=False,
                                         default=list)
    priorities = serializers.ListField(child=serializers.IntegerField(), required=False,
                                       default=list)
