"""Thin API views: validate, call a selector or service, serialise."""
import django_filters
from django.contrib.auth import authenticate
from drf_spectacular.utils import extend_schema
from rest_framework import generics, permissions, status
from rest_framework.authtoken.models import Token
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.errors import ApplicationError, ErrorCode

from .. import selectors
from ..models import AgencyKind
from .serializers import (
    AgencySerializer,
    LocalAreaSerializer,
    MeSerializer,
    PersonSerializer,
    TokenRequestSerializer,
    TokenSerializer,
)


class TokenView(APIView):
    """Exchange a username (or e-mail address) and password for an API token."""

    permission_classes = [permissions.AllowAny]
    authentication_classes = []

    @extend_schema(request=TokenRequestSerializer, responses=TokenSerializer)
    def post(self, request):
        data = TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = authenticate(request._request, username=data.validated_data["username"],
                            password=data.validated_data["password"])
        if user is None:
            raise ApplicationError("Enter a correct username or e-mail address and password.",
                                   code=ErrorCode.INVALID,
                                   errors={"non_field_errors": ["Invalid credentials."]})
        token, _ = Token.objects.get_or_create(user=user)
        return Response({"token": token.key}, status=status.HTTP_200_OK)


class MeView(APIView):
    @extend_schema(responses=MeSerializer)
    def get(self, request):
        memberships = selectors.memberships_of(user=request.user)
        return Response(MeSerializer(request.user, context={"memberships": memberships}).data)


class LocalAreaList(generics.ListAPIView):
    serializer_class = LocalAreaSerializer

    def get_queryset(self):
        return selectors.local_area_list(actor=self.request.user)


class AgencyFilter(django_filters.FilterSet):
    local_area = django_filters.CharFilter(field_name="local_area__slug")
    kind = django_filters.ChoiceFilter(choices=AgencyKind.choices)
    search = django_filters.CharFilter(method="filter_search")

    def filter_search(self, queryset, name, value):
        return queryset.filter(name__icontains=value)


class AgencyList(generics.ListAPIView):
    serializer_class = AgencySerializer
    filterset_class = AgencyFilter

    def get_queryset(self):
        return selectors.agency_list(actor=self.request.user)


class AgencyDetail(generics.RetrieveAPIView):
    serializer_class = AgencySerializer

    def get_object(self):
        return selectors.agency_get(actor=self.request.user, pk=self.kwargs["pk"])


class PersonFilter(django_filters.FilterSet):
    local_area = django_filters.CharFilter(method="filter_area")
    role = django_filters.CharFilter(method="filter_role")
    search = django_filters.CharFilter(method="filter_search")

    def filter_area(self, queryset, name, value):
        return queryset.filter(memberships__agency__local_area__slug=value).distinct()

    def filter_role(self, queryset, name, value):
        return queryset.filter(memberships__role=value).distinct()

    def filter_search(self, queryset, name, value):
        return queryset.filter(last_name__icontains=value) | queryset.filter(
            first_name__icontains=value)


class PersonList(generics.ListAPIView):
    serializer_class = PersonSerializer
    filterset_class = PersonFilter

    def get_queryset(self):
        return selectors.person_list(actor=self.request.user)
