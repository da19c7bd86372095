from rest_framework import serializers

from portal.api import FinancialYearField

from ..models import Board, BoardMember, BoardReport, Decision, Meeting, ReportComment


class BoardRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Board
        fields = ["id", "name"]


class BoardMemberSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="user.get_full_name")
    agency = serializers.CharField(source="agency.name")

    class Meta:
        model = BoardMember
        fields = ["id", "name", "agency", "role", "starts", "ends"]


class BoardSerializer(serializers.ModelSerializer):
    local_area = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    parent = BoardRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Board
        fields = ["id", "local_area", "name", "short_name", "purpose", "parent",
                  "meeting_frequency", "delegated_limit", "quorum"]


class BoardDetailSerializer(BoardSerializer):
    children = BoardRefSerializer(many=True, read_only=True)
    members = BoardMemberSerializer(many=True, read_only=True)
    scope_agencies = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)
    quorum_agencies = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)

    class Meta(BoardSerializer.Meta):
        fields = BoardSerializer.Meta.fields + ["children", "members", "scope_agencies",
                                                "quorum_agencies"]


class MeetingSerializer(serializers.ModelSerializer):
    class Meta:
        model = Meeting
        fields = ["id", "board", "date", "location", "online", "status", "minutes"]
        read_only_fields = ["id", "status", "minutes"]


class MeetingCreateSerializer(serializers.Serializer):
    board = serializers.IntegerField()
    date = serializers.DateField()
    location = serializers.CharField(max_length=200, required=False, allow_blank=True,
                                     default="")
    online = serializers.BooleanField(required=False, default=False)


class DecisionInputSerializer(serializers.Serializer):
    agenda_item = serializers.IntegerField()
    outcome = serializers.ChoiceField(choices=["approved", "rejected", "deferred", "noted"])
    reason = serializers.CharField()
    method = serializers.ChoiceField(choices=["consensus", "vote"], default="consensus")
    votes_for = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    votes_against = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    abstentions = serializers.IntegerField(min_value=0, required=False, allow_null=True)


class DecisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Decision
        fields = ["id", "agenda_item", "outcome", "reason", "method", "votes_for",
                  "votes_against", "abstentions", "recorded_at"]


class ReportRequestSerializer(serializers.Serializer):
    year = FinancialYearField()
    quarter = serializers.IntegerField(min_value=1, max_value=4)
    new_version = serializers.BooleanField(required=False, default=False)
    confirm_unfinished = serializers.BooleanField(
        required=False, default=False,
        help_text="Produce it although the quarter has not ended yet.")


class ReportSerializer(serializers.ModelSerializer):
    board = BoardRefSerializer(read_only=True)
    duration_seconds = serializers.FloatField(read_only=True, allow_null=True)

    class Meta:
        model = BoardReport
        fields = ["id", "board", "year", "quarter", "version", "status", "sha256",
                  "page_count", "requested_at", "started_at", "finished_at",
                  "duration_seconds", "published_at", "attempts", "error"]


class CommentSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.get_full_name", read_only=True)

    class Meta:
        model = ReportComment
        fields = ["id", "parent", "author", "body", "created_at"]
        read_only_fields = ["id", "author", "created_at"]
        extra_kwargs = {"parent": {"required": False, "allow_null": True}}
