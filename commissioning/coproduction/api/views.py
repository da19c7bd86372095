"""Thin API views: validate, call one selector or service, serialise."""
from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import exceptions, generics, permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.errors import ApplicationError, ErrorCode
from portal.parsing import parse_id

from .. import permissions as perms
from .. import public, ratelimits, selectors, services
from ..models import Comment
from .serializers import (
    CommentInSerializer,
    CommentOutSerializer,
    CommentPatchSerializer,
    ConsultationInSerializer,
    ConsultationOutSerializer,
    HideInSerializer,
    PublicCommentSerializer,
    PublishedCountSerializer,
    ResponseInSerializer,
    ResponseOutSerializer,
)


class RateLimited(exceptions.Throttled):
    default_detail = ratelimits.MESSAGE

    def __init__(self, message=ratelimits.MESSAGE):
        super().__init__(detail=message)


def _out(request, comment, intention=None):
    may_manage = perms.can_manage_consultation(request.user,
                                               intention or comment.intention).allowed
    return CommentOutSerializer(comment, context={"request": request,
                                                  "may_manage": may_manage}).data


class IntentionComments(generics.ListAPIView):
    """The intention's comments (GET) or post one (POST)."""

    serializer_class = CommentOutSerializer

    def get_intention(self):
        if not hasattr(self, "_intention"):
            self._intention = selectors.intention_get(actor=self.request.user,
                                                      pk=self.kwargs["pk"])
        return self._intention

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no intention
            return Comment.objects.none()
        return selectors.comment_list(actor=self.request.user, intention=self.get_intention())

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["may_manage"] = perms.can_manage_consultation(
            self.request.user, self.get_intention()).allowed
        return context

    @extend_schema(request=CommentInSerializer, responses={201: CommentOutSerializer})
    def post(self, request, pk):
        intention = self.get_intention()
        if perms.can_comment(request.user, intention):
            limited = ratelimits.comment_rate_limited(actor=request.user,
                                                      area_id=intention.local_area_id)
            if limited:
                raise RateLimited(limited)
        data = CommentInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        parent = None
        if values.get("in_reply_to"):
            # Only a comment shown to everyone (not hidden, withdrawn or waiting).
            parent = selectors.reply_targets(intention=intention).filter(
                pk=values["in_reply_to"]).first() if 0 < values["in_reply_to"] < 2**63 \
                else None
            if parent is None:
                raise ApplicationError("There is no such comment on this intention.",
                                       errors={"in_reply_to": ["Choose a comment on this "
                                                               "intention"]})
        comment = services.comment_create(
            actor=request.user, intention=intention, body=values["body"], in_reply_to=parent,
            show_publicly=values["public"], show_name=values["show_name"],
            confirm_personal_data=values["confirm_personal_data"])
        return Response(_out(request, comment, intention), status=status.HTTP_201_CREATED)


class CommentDetail(APIView):
    """Read a comment; its author changes it within the window (PATCH) or withdraws it
    (DELETE: the record stays, the text is no longer shown)."""

    def get_object(self):
        return selectors.comment_get(actor=self.request.user, pk=self.kwargs["pk"])

    @extend_schema(responses=CommentOutSerializer)
    def get(self, request, pk):
        return Response(_out(request, self.get_object()))

    @extend_schema(request=CommentPatchSerializer, responses=CommentOutSerializer)
    def patch(self, request, pk):
        comment = self.get_object()
        data = CommentPatchSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        comment = services.comment_update(
            actor=request.user, comment=comment, body=values.get("body"),
            show_publicly=values.get("public"), show_name=values.get("show_name"),
            confirm_personal_data=values["confirm_personal_data"])
        return Response(_out(request, comment))

    @extend_schema(responses={200: CommentOutSerializer})
    def delete(self, request, pk):
        comment = services.comment_withdraw(actor=request.user, comment=self.get_object())
        return Response(_out(request, comment))


class CommentResponses(APIView):
    """Draft or publish the official response (commissioners of the lead or partners)."""

    @extend_schema(request=ResponseInSerializer, responses={201: ResponseOutSerializer})
    def post(self, request, pk):
        comment = selectors.comment_get(actor=request.user, pk=pk)
        data = ResponseInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        response = services.response_save(actor=request.user, comment=comment,
                                           **data.validated_data)
        return Response(ResponseOutSerializer(response).data, status=status.HTTP_201_CREATED)


class CommentHide(APIView):
    """Hide a comment with a reason (local-area administrators); its author is told."""

    @extend_schema(request=HideInSerializer, responses=CommentOutSerializer)
    def post(self, request, pk):
        comment = selectors.comment_get(actor=request.user, pk=pk)
        data = HideInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        comment = services.comment_hide(actor=request.user, comment=comment,
                                        reason=data.validated_data["reason"])
        return Response(_out(request, comment))


class CommentApprove(APIView):
    """Let a comment waiting for a moderator through (the area's moderators)."""

    @extend_schema(request=None, responses=CommentOutSerializer)
    def post(self, request, pk):
        comment = selectors.comment_get(actor=request.user, pk=pk)
        if not perms.can_moderate(request.user, comment.intention.local_area_id):
            raise Http404
        comment = services.comment_approve(actor=request.user, comment=comment)
        return Response(_out(request, comment))


class CommentReport(APIView):
    """Report a comment to the area's moderators."""

    @extend_schema(request=HideInSerializer, responses={201: None})
    def post(self, request, pk):
        comment = selectors.comment_get(actor=request.user, pk=pk)
        data = HideInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.comment_report(actor=request.user, comment=comment,
                                reason=data.validated_data["reason"])
        return Response({"message": "The comment was reported to the moderators."},
                        status=status.HTTP_201_CREATED)


CONSULTATION_FILTERS = [
    OpenApiParameter("local_area", str, description="local area slug"),
    OpenApiParameter("state", str, enum=["open", "upcoming", "closed"],
                     description="open now, not open yet, or closed"),
    OpenApiParameter("intention", int, description="intention id")]


def _consultation_out(consultation, many=False):
    return ConsultationOutSerializer(consultation, many=many,
                                     context={"today": timezone.localdate()}).data


class ConsultationList(generics.ListAPIView):
    """Consultations on intentions published for consultation (GET), or open one (POST)."""

    serializer_class = ConsultationOutSerializer
    filter_backends = []

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "today": timezone.localdate()}

    def get_queryset(self):
        params = self.request.query_params
        state = params.get("state", "")
        if state not in ("", "open", "upcoming", "closed"):
            raise ApplicationError("Choose open, upcoming or closed.",
                                   errors={"state": ["Choose open, upcoming or closed."]})
        qs = selectors.consultation_list(actor=self.request.user, state=state)
        if params.get("local_area"):
            qs = qs.filter(intention__local_area__slug=params["local_area"])
        if params.get("intention"):
            qs = qs.filter(intention_id=parse_id(params["intention"], "intention"))
        return qs if state else qs.order_by("-opens", "title")

    @extend_schema(parameters=CONSULTATION_FILTERS)
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(request=ConsultationInSerializer, responses={201: ConsultationOutSerializer})
    def post(self, request):
        data = ConsultationInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        intention = selectors.intention_get(actor=request.user, pk=values.pop("intention"))
        consultation = services.consultation_create(actor=request.user, intention=intention,
                                                    **values)
        return Response(_consultation_out(consultation), status=status.HTTP_201_CREATED)


class ConsultationDetail(APIView):
    @extend_schema(responses=ConsultationOutSerializer)
    def get(self, request, pk):
        return Response(_consultation_out(selectors.consultation_get(actor=request.user,
                                                                     pk=pk)))


class ConsultationClose(APIView):
    """Stop taking comments now (its last day becomes yesterday, or today when comments
    were made today)."""

    @extend_schema(request=None, responses=ConsultationOutSerializer)
    def post(self, request, pk):
        consultation = selectors.consultation_get(actor=request.user, pk=pk)
        consultation = services.consultation_close(actor=request.user, consultation=consultation)
        return Response(_consultation_out(selectors.consultation_get(actor=request.user,
                                                                     pk=consultation.pk)))


class ConsultationPublishResponses(APIView):
    """Publish every drafted response of a closed consultation in one action."""

    @extend_schema(request=None, responses=PublishedCountSerializer)
    def post(self, request, pk):
        consultation = selectors.consultation_get(actor=request.user, pk=pk)
        count = services.consultation_publish_responses(actor=request.user,
                                                        consultation=consultation)
        return Response({"published": count})


class PublicView(APIView):
    """Open data, no sign-in: nothing private (see coproduction.public)."""

    permission_classes = [permissions.AllowAny]
    authentication_classes = []

    def area(self):
        try:
            return public.area_get(self.kwargs["area_slug"])
        except Http404 as exc:
            raise ApplicationError("There is no such local area.",
                                   code=ErrorCode.NOT_FOUND) from exc


class PublicYouSaidWeDid(PublicView):
    @extend_schema(operation_id="v1_public_you_said_we_did_list",
                   responses=inline_serializer("YouSaidWeDid", fields={
        "local_area": serializers.CharField(),
        "licence": inline_serializer("OpenDataLicence", fields={
            "name": serializers.CharField(), "url": serializers.URLField()}),
        "results": PublicCommentSerializer(many=True)}))
    def get(self, request, area_slug):
        area = self.area()
        return Response({"local_area": area.slug, "licence": public.LICENCE,
                         "results": public.you_said_we_did_rows(area)})


class PublicIntentions(PublicView):
    @extend_schema(responses={200: None})
    def get(self, request, area_slug):
        area = self.area()
        return Response({"local_area": area.slug, "licence": public.LICENCE,
                         "results": public.intention_rows(area)})
