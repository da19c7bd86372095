"""Thin API views: validate, call a selector or service, serialise."""
import django_filters
from django.contrib.auth import authenticate
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, permissions, status
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.api import ERROR_SCHEMA
from portal.errors import ApplicationError, ErrorCode

from .. import lockout, selectors, services
from ..models import AgencyKind
from ..twofactor import requires_second_factor
from .serializers import (
    AgencySerializer,
    LocalAreaSerializer,
    MeSerializer,
    PersonSerializer,
    TokenRequestSerializer,
    TokenSerializer,
)


class LockedOut(exceptions.APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_detail = lockout.LOCKED_MESSAGE
    default_code = "locked_out"


class TwoFactorRequired(exceptions.APIException):
    status_code = status.HTTP_401_UNAUTHORIZED
    default_detail = "Enter the code from your authenticator app."
    default_code = "two_factor_required"


class TokenView(APIView):
    """Exchange a username (or e-mail address), password and, for accounts that use
    two-factor sign-in, the authenticator code for an API token that expires.

    Failures count towards the same lockout as the sign-in page (per account and per IP).
    """

    permission_classes = [permissions.AllowAny]
    authentication_classes = []

    def get_authenticate_header(self, request):
        return "Token"

    @extend_schema(request=TokenRequestSerializer, responses={
        200: TokenSerializer,
        401: OpenApiResponse(ERROR_SCHEMA, description="The authenticator code is missing "
                                                       "or wrong."),
        403: OpenApiResponse(ERROR_SCHEMA, description="The account must set up two-factor "
                                                       "sign-in before it can have a token.")})
    def post(self, request):
        data = TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        django_request = request._request
        user = authenticate(django_request, username=values["username"],
                            password=values["password"])
        if getattr(django_request, "axes_locked_out", False):
            raise LockedOut()
        if user is None:
            raise ApplicationError("Enter a correct username or e-mail address and password.",
                                   code=ErrorCode.INVALID,
                                   errors={"non_field_errors": ["Invalid credentials."]})
        two_factor = False
        if requires_second_factor(user):
            self._check_code(user, values.get("otp_token", "").strip())
            two_factor = True
        token, key = services.api_token_create(user=user, two_factor=two_factor,
                                               name=values.get("name", "") or "API")
        return Response({"token": key, "expires_at": token.expires_at},
                        status=status.HTTP_200_OK)

    @staticmethod
    def _check_code(user, code):
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = TOTPDevice.objects.devices_for_user(user, confirmed=True).first()
        if device is None:
            raise ApplicationError(
                "This account must set up two-factor sign-in on the website before it can "
                "use the API.", code=ErrorCode.FORBIDDEN)
        if not code:
            raise TwoFactorRequired()
        allowed, _ = device.verify_is_allowed()  # django-otp slows repeated wrong codes
        if not allowed:
            raise exceptions.Throttled(
                detail="Too many wrong codes: wait a minute, then try again.")
        if not device.verify_token(code):
            raise ApplicationError("The code is not right or has expired.",
                                   errors={"otp_token": ["Enter the newest code from your "
                                                         "authenticator app."]})


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
