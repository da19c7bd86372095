"""Input and output shapes of the co-production API (separate where they differ)."""
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import Audience, Comment, Consultation, Moderation, Outcome, Response
from ..templatetags.coproduction_tags import render_plain_text


class ResponseOutSerializer(serializers.ModelSerializer):
    agency = serializers.CharField(source="agency.name")
    outcome_label = serializers.CharField(source="get_outcome_display")
    body_html = serializers.SerializerMethodField()

    class Meta:
        model = Response
        fields = ["id", "agency", "outcome", "outcome_label", "body", "body_html", "reason",
                  "what_changed", "status", "published_at"]

    def get_body_html(self, response) -> str:
        return render_plain_text(response.body)


class CommentOutSerializer(serializers.ModelSerializer):
    """A comment as its reader may see it: no text once hidden or withdrawn."""

    by = serializers.CharField(source="attribution")
    body = serializers.SerializerMethodField()
    body_html = serializers.SerializerMethodField()
    response = serializers.SerializerMethodField()
    consultation = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    is_mine = serializers.SerializerMethodField()
    awaiting_moderation = serializers.BooleanField(
        source="is_pending", read_only=True,
        help_text="Shown only to its author and the moderators until one lets it through.")

    class Meta:
        model = Comment
        fields = ["id", "intention", "consultation", "in_reply_to", "by", "body", "body_html",
                  "status", "show_publicly", "show_name", "created_at", "edited_at",
                  "hidden_reason", "response", "is_mine", "awaiting_moderation"]

    def get_body(self, comment) -> str:
        return comment.body if comment.is_visible_text else ""

    def get_body_html(self, comment) -> str:
        return render_plain_text(comment.body) if comment.is_visible_text else ""

    def get_is_mine(self, comment) -> bool:
        request = self.context.get("request")
        return bool(request and request.user.pk == comment.author_id)

    @extend_schema_field(ResponseOutSerializer(allow_null=True))
    def get_response(self, comment):
        response = getattr(comment, "response", None)
        may_manage = self.context.get("may_manage", False)
        if response is None or (response.status != "published" and not may_manage):
            return None
        return ResponseOutSerializer(response).data


class CommentInSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=5000, trim_whitespace=True)
    in_reply_to = serializers.IntegerField(required=False, allow_null=True)
    public = serializers.BooleanField(required=False, default=False,
                                      help_text="May be shown on the public pages.")
    show_name = serializers.BooleanField(required=False, default=False)
    confirm_personal_data = serializers.BooleanField(
        required=False, default=False,
        help_text="Post even though the personal-data check found something.")


class CommentPatchSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=5000, required=False)
    public = serializers.BooleanField(required=False)
    show_name = serializers.BooleanField(required=False)
    confirm_personal_data = serializers.BooleanField(required=False, default=False)


class ResponseInSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=5000)
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    reason = serializers.CharField(max_length=5000, required=False, allow_blank=True,
                                   default="")
    what_changed = serializers.CharField(max_length=5000, required=False, allow_blank=True,
                                         default="")
    publish = serializers.BooleanField(required=False, default=False)


class HideInSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=1000)


class PublicCommentSerializer(serializers.Serializer):
    """Row of the public "you said, we did" list."""

    intention_reference = serializers.CharField()
    intention_title = serializers.CharField()
    stage = serializers.CharField()
    consultation = serializers.CharField()
    comment_id = serializers.IntegerField()
    comment_by = serializers.CharField()
    comment_date = serializers.CharField()
    you_said = serializers.CharField()
    in_reply_to = serializers.IntegerField(allow_null=True)
    outcome = serializers.CharField()
    we_did = serializers.CharField()
    reason = serializers.CharField()
    what_changed = serializers.CharField()
    answered_by = serializers.CharField()
    answered_on = serializers.CharField()
    milestones = serializers.CharField()


class ConsultationOutSerializer(serializers.ModelSerializer):
    intention_reference = serializers.CharField(source="intention.reference", read_only=True)
    local_area = serializers.CharField(source="intention.local_area.slug", read_only=True)
    state = serializers.SerializerMethodField(
        help_text="upcoming, open or closed, as of today in the portal's time zone.")
    comment_count = serializers.SerializerMethodField(
        help_text="Comments shown (not hidden, withdrawn or awaiting moderation).")

    class Meta:
        model = Consultation
        fields = ["id", "intention", "intention_reference", "local_area", "title",
                  "description", "audiences", "opens", "closes", "state", "moderation",
                  "comment_count", "responses_published_at", "created_at"]

    def get_comment_count(self, obj) -> int:
        return getattr(obj, "comment_count", 0)  # a consultation just made has none

    def get_state(self, obj) -> str:
        today = self.context["today"]
        if obj.opens > today:
            return "upcoming"
        return "open" if obj.closes >= today else "closed"


class ConsultationInSerializer(serializers.Serializer):
    intention = serializers.IntegerField(min_value=1)
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="",
                                        max_length=5000)
    audiences = serializers.ListField(child=serializers.ChoiceField(choices=Audience.choices),
                                      allow_empty=False)
    opens = serializers.DateField()
    closes = serializers.DateField()
    moderation = serializers.ChoiceField(choices=[("", "The local area's rule"),
                                                  *Moderation.choices],
                                         required=False, allow_blank=True, default="")


class PublishedCountSerializer(serializers.Serializer):
    published = serializers.IntegerField(help_text="How many drafted responses were published.")
