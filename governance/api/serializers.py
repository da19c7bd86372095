from rest_framework import serializers

from portal.api import FinancialYearField

from ..models import (
    Board,
    BoardDelegation,
    BoardMember,
    BoardReport,
    Decision,
    Meeting,
    MeetingFrequency,
    ReportComment,
)
from ..roles import BoardRole


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


class DelegationSerializer(serializers.ModelSerializer):
    """One agency the board decides for; `limit` null: the board's own delegated limit."""

    agency = serializers.IntegerField(source="agency_id")
    agency_name = serializers.CharField(source="agency.name", read_only=True)
    limit = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True,
                                     required=False, default=None)
    effective_limit = serializers.DecimalField(max_digits=14, decimal_places=2,
                                               read_only=True)

    class Meta:
        model = BoardDelegation
        fields = ["agency", "agency_name", "limit", "effective_limit"]


class BoardSerializer(serializers.ModelSerializer):
    local_area = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    reports_to = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    decides_for = DelegationSerializer(source="delegations", many=True, read_only=True)

    class Meta:
        model = Board
        fields = ["id", "local_area", "name", "short_name", "purpose", "reports_to",
                  "decides_for", "meeting_frequency", "delegated_limit", "quorum"]


class BoardDetailSerializer(BoardSerializer):
    reporting_boards = BoardRefSerializer(many=True, read_only=True)
    members = BoardMemberSerializer(many=True, read_only=True)
    scope_agencies = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)
    quorum_agencies = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)

    class Meta(BoardSerializer.Meta):
        fields = BoardSerializer.Meta.fields + ["reporting_boards", "members",
                                                "scope_agencies", "quorum_agencies"]


class DelegationInputSerializer(serializers.Serializer):
    agency = serializers.IntegerField(min_value=1)
    limit = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True,
                                     required=False, default=None)


class BoardWriteSerializer(serializers.Serializer):
    """Create (POST, `local_area` and `name` required) or change (PATCH) a board; the
    service checks everything else (no loops, agencies and boards of the area)."""

    local_area = serializers.SlugField(required=False)
    name = serializers.CharField(max_length=200, required=False)
    short_name = serializers.CharField(max_length=40, required=False, allow_blank=True)
    purpose = serializers.CharField(required=False, allow_blank=True)
    meeting_frequency = serializers.ChoiceField(choices=MeetingFrequency.choices,
                                                required=False)
    delegated_limit = serializers.DecimalField(max_digits=14, decimal_places=2,
                                               min_value=0, required=False)
    quorum = serializers.IntegerField(min_value=0, max_value=1000, required=False)
    reports_to = serializers.ListField(child=serializers.IntegerField(min_value=1),
                                       required=False, max_length=200,
                                       help_text="Ids of the boards it reports to.")
    decides_for = DelegationInputSerializer(many=True, required=False,
                                            help_text="Agencies it decides for, each with "
                                                      "a limit (null: the board's own).")


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


class BoardMeetingCreateSerializer(serializers.Serializer):
    """A meeting of the board in the address."""

    date = serializers.DateField()
    location = serializers.CharField(max_length=200, required=False, allow_blank=True,
                                     default="")
    online = serializers.BooleanField(required=False, default=False)


class ScheduleInputSerializer(serializers.Serializer):
    """Set the board's frequency and add a financial year's scheduled meetings."""

    year = FinancialYearField()
    frequency = serializers.ChoiceField(choices=MeetingFrequency.choices)
    first_month = serializers.IntegerField(min_value=1, max_value=12, default=4,
                                           help_text="1-12; the month of the first meeting.")
    week = serializers.ChoiceField(choices=[1, 2, 3, 4, -1], default=1,
                                   help_text="Week of the month; -1 is the last.")
    weekday = serializers.IntegerField(min_value=0, max_value=6, default=2,
                                       help_text="0 is Monday.")
    location = serializers.CharField(max_length=200, required=False, allow_blank=True,
                                     default="")
    online = serializers.BooleanField(required=False, default=False)


class ScheduleResultSerializer(serializers.Serializer):
    created = MeetingSerializer(many=True)
    skipped = serializers.ListField(child=serializers.DateField(),
                                    help_text="Dates that already had a meeting.")


class SeatSerializer(serializers.ModelSerializer):
    """A seat on a board: person (user id), agency (id), role and dates."""

    name = serializers.CharField(source="user.get_full_name", read_only=True)
    agency_name = serializers.CharField(source="agency.name", read_only=True)

    class Meta:
        model = BoardMember
        fields = ["id", "board", "user", "name", "agency", "agency_name", "role", "starts",
                  "ends"]
        read_only_fields = fields


class SeatInputSerializer(serializers.Serializer):
    user = serializers.IntegerField(min_value=1, help_text="The person's id (POST only).")
    agency = serializers.IntegerField(min_value=1)
    role = serializers.ChoiceField(choices=BoardRole.choices, default=BoardRole.MEMBER)
    starts = serializers.DateField(required=False, allow_null=True, default=None)
    ends = serializers.DateField(required=False, allow_null=True, default=None)


class SeatEndSerializer(serializers.Serializer):
    on = serializers.DateField(required=False, allow_null=True, default=None,
                               help_text="The seat's last day; today when left out.")
