"""Output and input serializers of the cycle's API (separate where they differ)."""
from rest_framework import serializers

from ..models import (
    Action,
    BoardReferral,
    Disagreement,
    Intention,
    IntentionStatus,
    Level,
    Principle,
    Priority,
    Rag,
    ReferralStatus,
    SignOff,
    SignOffDecision,
    StageGate,
    Strategy,
    StrategyOutcome,
    StrategyStatus,
)
from ..permissions import can_view_value
from ..rows import owner_name


class _Named(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField()


class StageRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField()
    position = serializers.IntegerField()


class PriorityRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Priority
        fields = ["id", "number", "title"]


class IntentionSerializer(serializers.ModelSerializer):
    """An intention; its value is null when the caller may not see it (sensitive)."""

    local_area = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    stage = StageRefSerializer(source="current_stage")
    lead_agency = _Named(help_text="The first lead agency.")
    joint_lead_agencies = _Named(many=True, help_text="Agencies leading it with the lead.")
    lead_agencies = _Named(many=True, read_only=True,
                           help_text="Every lead: the lead agency, then the joint leads.")
    partner_agencies = _Named(many=True)
    priorities = PriorityRefSerializer(many=True)
    owner = serializers.SerializerMethodField()
    estimated_annual_value = serializers.SerializerMethodField()

    class Meta:
        model = Intention
        fields = ["id", "reference", "local_area", "title", "summary", "thematic_area", "level",
                  "status", "stage", "lead_agency", "joint_lead_agencies", "lead_agencies",
                  "partner_agencies", "priorities",
                  "estimated_annual_value", "value_is_sensitive", "starts", "ends", "owner",
                  "published_for_consultation", "updated_at"]

    def get_owner(self, obj) -> dict:
        return {"id": obj.owner_id, "name": str(obj.owner)}

    def get_estimated_annual_value(self, obj) -> str | None:
        if can_view_value(self.context["request"].user, obj):
            return f"{obj.estimated_annual_value:.2f}"
        return None


_DATE = serializers.DateField()
_DATETIME = serializers.DateTimeField()


def intention_row_data(row) -> dict:
    """`IntentionSerializer(intention).data` from a plain row (commissioning.rows) for the
    list (issue 15: nested serializers and the value rule per object cost most of a page
    of 200); the same keys, order and formats, so the schema still describes it."""
    lead = {"id": row["lead_agency_id"], "name": row["lead_agency__name"]}
    joint = [{"id": pk, "name": name} for pk, name in row["joint_leads"]]
    return {
        "id": row["id"], "reference": row["reference"], "local_area": row["local_area__slug"],
        "title": row["title"], "summary": row["summary"],
        "thematic_area": row["thematic_area"], "level": row["level"], "status": row["status"],
        "stage": {"id": row["current_stage_id"], "name": row["current_stage__name"],
                  "position": row["current_stage__position"]},
        "lead_agency": lead, "joint_lead_agencies": joint, "lead_agencies": [lead, *joint],
        "partner_agencies": [{"id": pk, "name": name} for pk, name in row["partners"]],
        "priorities": [{"id": pk, "number": number, "title": title}
                       for pk, number, title in row["priorities"]],
        "estimated_annual_value": f"{row['estimated_annual_value']:.2f}"
        if row["show_value"] else None,
        "value_is_sensitive": row["value_is_sensitive"],
        "starts": _DATE.to_representation(row["starts"]),
        "ends": _DATE.to_representation(row["ends"]),
        "owner": {"id": row["owner_id"], "name": owner_name(row)},
        "published_for_consultation": row["published_for_consultation"],
        "updated_at": _DATETIME.to_representation(row["updated_at"]),
    }


class IntentionInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=250)
    summary = serializers.CharField(required=False, allow_blank=True, default="")
    thematic_area = serializers.CharField(max_length=120, required=False, allow_blank=True,
                                          default="")
    level = serializers.ChoiceField(choices=Level.choices, default=Level.STRATEGIC)
    lead_agency = serializers.IntegerField()
    joint_lead_agencies = serializers.ListField(
        child=serializers.IntegerField(), required=False, default=list,
        help_text="Ids of agencies leading it jointly with the lead agency.")
    partner_agencies = serializers.ListField(child=serializers.IntegerField(), required=False,
                                             default=list)
    priorities = serializers.ListField(child=serializers.IntegerField(), required=False,
                                       default=list)
    estimated_annual_value = serializers.DecimalField(max_digits=14, decimal_places=2,
                                                      min_value=0)
    value_is_sensitive = serializers.BooleanField(required=False, default=False)
    starts = serializers.DateField(required=False, allow_null=True, default=None)
    ends = serializers.DateField(required=False, allow_null=True, default=None)
    published_for_consultation = serializers.BooleanField(required=False, default=False)

    def validate(self, attrs):
        if attrs.get("starts") and attrs.get("ends") and attrs["ends"] < attrs["starts"]:
            raise serializers.ValidationError(
                {"ends": ["The end date must be on or after the start date."]})
        return attrs


class IntentionPatchSerializer(IntentionInputSerializer):
    status = serializers.ChoiceField(choices=IntentionStatus.choices, required=False)
    reason = serializers.CharField(required=False, allow_blank=True, default="")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, partial=True, **kwargs)  # partial: defaults are not applied


class SignOffSerializer(serializers.ModelSerializer):
    agency = _Named()
    person = serializers.SerializerMethodField()
    gate = serializers.SerializerMethodField()
    board = serializers.SerializerMethodField()

    class Meta:
        model = SignOff
        fields = ["id", "gate", "agency", "decision", "person", "reason", "decided_at", "board"]

    def get_person(self, obj) -> str:
        return str(obj.person)

    def get_gate(self, obj) -> dict:
        gate = obj.gate
        return {"id": gate.pk, "from_stage": gate.from_stage.name, "to_stage": gate.to_stage.name,
                "round": gate.round, "status": gate.status}

    def get_board(self, obj) -> str | None:
        return obj.referral.board.name if obj.referral_id else None


class _GateRef(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    from_stage = serializers.CharField(source="from_stage.name")
    to_stage = serializers.CharField(source="to_stage.name")
    round = serializers.IntegerField()
    status = serializers.CharField()


class ReferralSerializer(serializers.ModelSerializer):
    """A referral to a board: where it went and why (`route_reason`); `board` is null and
    `status` "no-board" when no board can take it (who can fix it is in `route_reason`)."""

    agency = _Named()
    board = _Named(allow_null=True)
    gate = _GateRef()
    no_board = serializers.SerializerMethodField()

    class Meta:
        model = BoardReferral
        fields = ["id", "gate", "agency", "board", "status", "no_board", "reason",
                  "route_reason", "referred_at", "decided_at", "decision_reason"]

    def get_no_board(self, obj) -> bool:
        return obj.status == ReferralStatus.NO_BOARD


class GateSerializer(serializers.ModelSerializer):
    from_stage = StageRefSerializer()
    to_stage = StageRefSerializer()
    opened_by = serializers.SerializerMethodField()

    class Meta:
        model = StageGate
        fields = ["id", "from_stage", "to_stage", "round", "status", "opened_by", "opened_at",
                  "closed_at", "note"]

    def get_opened_by(self, obj) -> str:
        return obj.opened_by.get_full_name() or obj.opened_by.username


class GateInputSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class ChecklistItemSerializer(serializers.Serializer):
    text = serializers.CharField()
    done = serializers.BooleanField()
    automatic = serializers.BooleanField(
        help_text="Checked by the portal from its data; nobody ticks it by hand.")
    how = serializers.CharField(help_text="For automatic items: what the data shows.")


class ChecklistSerializer(serializers.Serializer):
    stage = StageRefSerializer()
    items = ChecklistItemSerializer(many=True)


class ChecklistTickSerializer(serializers.Serializer):
    item = serializers.CharField(max_length=500)
    done = serializers.BooleanField(default=True)


class SignOffInputSerializer(serializers.Serializer):
    agency = serializers.IntegerField()
    decision = serializers.ChoiceField(choices=SignOffDecision.choices)
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class PrincipleSerializer(serializers.ModelSerializer):
    class Meta:
        model = Principle
        fields = ["position", "text"]


class OutcomeSerializer(serializers.ModelSerializer):
    class Meta:
        model = StrategyOutcome
        fields = ["position", "text"]


class PrioritySerializer(serializers.ModelSerializer):
    class Meta:
        model = Priority
        fields = ["id", "number", "title", "description", "outcomes"]


class StrategySerializer(serializers.ModelSerializer):
    local_area = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    principles = PrincipleSerializer(many=True, read_only=True)
    outcomes = OutcomeSerializer(many=True, read_only=True,
                                 help_text="What children, young people and families said they "
                                           "want, in order.")
    priorities = PrioritySerializer(many=True, read_only=True)

    class Meta:
        model = Strategy
        fields = ["id", "local_area", "title", "period", "status", "published_on", "summary",
                  "vision", "principles", "outcomes", "priorities"]


class PriorityInputSerializer(serializers.Serializer):
    number = serializers.IntegerField(min_value=1)
    title = serializers.CharField(max_length=250)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    outcomes = serializers.CharField(required=False, allow_blank=True, default="")


class StrategyInputSerializer(serializers.Serializer):
    local_area = serializers.SlugField()
    title = serializers.CharField(max_length=250)
    period = serializers.CharField(max_length=20)
    status = serializers.ChoiceField(choices=StrategyStatus.choices, default=StrategyStatus.DRAFT)
    published_on = serializers.DateField(required=False, allow_null=True, default=None)
    summary = serializers.CharField(required=False, allow_blank=True, default="")
    vision = serializers.CharField(required=False, allow_blank=True, default="")
    principles = serializers.ListField(child=serializers.CharField(), required=False,
                                       default=list)
    outcomes = serializers.ListField(child=serializers.CharField(), required=False,
                                     default=list)
    priorities = PriorityInputSerializer(many=True, required=False, default=list)


class StrategyPatchSerializer(serializers.Serializer):
    """Change a strategy's words: each list given replaces the whole list, in order."""

    title = serializers.CharField(max_length=250, required=False)
    period = serializers.CharField(max_length=20, required=False)
    status = serializers.ChoiceField(choices=StrategyStatus.choices, required=False)
    summary = serializers.CharField(required=False, allow_blank=True)
    vision = serializers.CharField(required=False, allow_blank=True)
    principles = serializers.ListField(child=serializers.CharField(), required=False)
    outcomes = serializers.ListField(child=serializers.CharField(), required=False)


class ActionSerializer(serializers.ModelSerializer):
    plan = serializers.SerializerMethodField()
    owner_agency = _Named()
    priority = serializers.SerializerMethodField()

    class Meta:
        model = Action
        fields = ["id", "plan", "number", "title", "priority", "owner_agency", "due", "rag",
                  "progress_note", "updated_at"]

    def get_plan(self, obj) -> dict:
        return {"id": obj.plan_id, "title": obj.plan.title}

    def get_priority(self, obj) -> int | None:
        return obj.priority.number if obj.priority_id else None


class ActionInputSerializer(serializers.Serializer):
    plan = serializers.IntegerField()
    number = serializers.CharField(max_length=10)
    title = serializers.CharField(max_length=300)
    owner_agency = serializers.IntegerField()
    due = serializers.DateField(required=False, allow_null=True, default=None)
    rag = serializers.ChoiceField(choices=Rag.choices, default=Rag.GREEN)
    progress_note = serializers.CharField(required=False, allow_blank=True, default="")


class DisagreementSerializer(serializers.ModelSerializer):
    parties = _Named(many=True)
    raised_by = serializers.SerializerMethodField()
    escalated_to = serializers.SerializerMethodField()
    local_area = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Disagreement
        fields = ["id", "local_area", "subject", "details", "parties", "intention", "raised_by",
                  "raised_on", "status", "escalation_level", "escalated_to", "resolution",
                  "resolved_on"]

    def get_raised_by(self, obj) -> str:
        return str(obj.raised_by)

    def get_escalated_to(self, obj) -> str | None:
        return obj.escalated_to.name if obj.escalated_to_id else None


class DisagreementInputSerializer(serializers.Serializer):
    local_area = serializers.SlugField()
    subject = serializers.CharField(max_length=250)
    details = serializers.CharField(required=False, allow_blank=True, default="")
    parties = serializers.ListField(child=serializers.IntegerField(), min_length=2)
    intention = serializers.IntegerField(required=False, allow_null=True, default=None)

