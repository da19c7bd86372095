from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import Agency, LocalArea, Membership, Stage, User


class StageSerializer(serializers.ModelSerializer):
    class Meta:
        model = Stage
        fields = ["position", "name", "description", "checklist"]


class LocalAreaSerializer(serializers.ModelSerializer):
    stages = StageSerializer(many=True, read_only=True)

    class Meta:
        model = LocalArea
        fields = ["id", "name", "slug", "description", "reference_prefix", "stages"]


class AgencyLinkSerializer(serializers.Serializer):
    """Another agency of a succession and the day it took effect."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    date = serializers.DateField()


class AgencySerializer(serializers.ModelSerializer):
    local_area = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    successor = serializers.SerializerMethodField(
        help_text="The agency that replaced this one, and from when (null if none).")
    predecessors = serializers.SerializerMethodField(
        help_text="The agencies this one replaced, and from when.")

    class Meta:
        model = Agency
        fields = ["id", "local_area", "name", "short_name", "kind", "code", "is_host",
                  "website", "active", "successor", "predecessors"]

    @extend_schema_field(AgencyLinkSerializer(allow_null=True))
    def get_successor(self, agency):
        succession = getattr(agency, "succession", None)
        if succession is None:
            return None
        return {"id": succession.successor_id, "name": succession.successor.name,
                "date": succession.date}

    @extend_schema_field(AgencyLinkSerializer(many=True))
    def get_predecessors(self, agency):
        return [{"id": link.predecessor_id, "name": link.predecessor.name, "date": link.date}
                for link in agency.predecessor_links.all()]


class MembershipSerializer(serializers.ModelSerializer):
    agency = serializers.PrimaryKeyRelatedField(read_only=True)
    agency_name = serializers.CharField(source="agency.name", read_only=True)
    local_area = serializers.CharField(source="agency.local_area.slug", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "agency", "agency_name", "local_area", "role", "delegated_limit",
                  "starts", "ends"]


class PersonSerializer(serializers.ModelSerializer):
    memberships = MembershipSerializer(many=True, source="visible_memberships")
    name = serializers.CharField(source="get_full_name")

    class Meta:
        model = User
        fields = ["id", "username", "name", "email", "job_title", "memberships"]


class MeSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="get_full_name")
    memberships = serializers.SerializerMethodField()
    roles = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "username", "name", "email", "memberships", "roles"]

    @extend_schema_field(MembershipSerializer(many=True))
    def get_memberships(self, user):
        return MembershipSerializer(self.context["memberships"], many=True).data

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_roles(self, user):
        return sorted({m.role for m in self.context["memberships"]})


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(help_text="Username or e-mail address", max_length=254)
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False,
                                     max_length=4096)
    otp_token = serializers.CharField(
        required=False, allow_blank=True, max_length=8,
        help_text="The 6-digit code from the authenticator app; required for accounts that "
                  "use two-factor sign-in (local-area administrators must).")
    name = serializers.CharField(required=False, allow_blank=True, max_length=100,
                                 help_text="What the token is for, to tell tokens apart.")


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()
    expires_at = serializers.DateTimeField()
