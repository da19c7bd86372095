"""Thin API views: validate, call one selector or service, serialise."""
import django_filters
from django.http import FileResponse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from portal import pdf
from portal.api import ERROR_SCHEMA
from portal.errors import ApplicationError, ErrorCode
from portal.parsing import parse_id
from portal.periods import parse_year

from .. import selectors, services
from ..models import Board, BoardReport, ReportComment, ReportStatus
from .serializers import (
    BoardDetailSerializer,
    BoardSerializer,
    CommentSerializer,
    DecisionInputSerializer,
    DecisionSerializer,
    MeetingCreateSerializer,
    MeetingSerializer,
    ReportRequestSerializer,
    ReportSerializer,
)


class BoardFilter(django_filters.FilterSet):
    local_area = django_filters.CharFilter(field_name="local_area__slug")

    class Meta:
        model = Board
        fields = ["local_area"]


class BoardList(generics.ListAPIView):
    serializer_class = BoardSerializer
    filterset_class = BoardFilter

    def get_queryset(self):
        return selectors.board_list(actor=self.request.user)


class BoardDetail(generics.RetrieveAPIView):
    serializer_class = BoardDetailSerializer

    def get_object(self):
        return selectors.board_get(actor=self.request.user, pk=self.kwargs["pk"])


class MeetingList(generics.ListAPIView):
    serializer_class = MeetingSerializer

    def get_queryset(self):
        board = self.request.query_params.get("board")
        return selectors.meeting_list(actor=self.request.user).filter(
            **({"board_id": board} if board and board.isdigit() else {}))

    @extend_schema(request=MeetingCreateSerializer, responses={201: MeetingSerializer})
    def post(self, request):
        data = MeetingCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        board = selectors.board_get(actor=request.user, pk=values.pop("board"))
        meeting = services.meeting_create(actor=request.user, board=board, **values)
        return Response(MeetingSerializer(meeting).data, status=status.HTTP_201_CREATED)


class MeetingDecisions(APIView):
    @extend_schema(request=DecisionInputSerializer, responses={201: DecisionSerializer})
    def post(self, request, pk):
        meeting = selectors.meeting_get(actor=request.user, pk=pk)
        data = DecisionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        item = meeting.agenda.filter(pk=values.pop("agenda_item")).first()
        if item is None:
            raise ApplicationError("That item is not on this meeting's agenda.",
                                   errors={"agenda_item": ["Choose an item of this meeting."]})
        decision = services.decision_record(actor=request.user, agenda_item=item, **values)
        return Response(DecisionSerializer(decision).data, status=status.HTTP_201_CREATED)


class ReportFilter(django_filters.FilterSet):
    local_area = django_filters.CharFilter(field_name="board__local_area__slug")
    board = django_filters.CharFilter(method="by_board", help_text="board id")
    year = django_filters.CharFilter(method="by_year", help_text="financial year, e.g. 2025-26")
    quarter = django_filters.ChoiceFilter(field_name="quarter",
                                          choices=[(q, str(q)) for q in range(1, 5)])
    status = django_filters.ChoiceFilter(field_name="status", choices=ReportStatus.choices)

    class Meta:
        model = BoardReport
        fields = ["local_area", "board", "year", "quarter", "status"]

    def by_board(self, queryset, name, value):
        return queryset.filter(board_id=parse_id(value, "board"))

    def by_year(self, queryset, name, value):
        try:
            parse_year(value)
        except ValueError:
            raise ApplicationError("Write the financial year like 2025-26.", errors={
                "year": ["Write the financial year like 2025-26."]}) from None
        return queryset.filter(year=value)


class ReportList(generics.ListAPIView):
    """The report library: every report the actor may read, newest quarter first."""

    serializer_class = ReportSerializer
    filterset_class = ReportFilter

    def get_queryset(self):
        return selectors.report_list(actor=self.request.user)


class BoardReports(generics.ListAPIView):
    """The board's reports (GET), or ask for one (POST)."""

    serializer_class = ReportSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no board
            return BoardReport.objects.none()
        board = selectors.board_get(actor=self.request.user, pk=self.kwargs["pk"])
        return selectors.report_list(actor=self.request.user, board=board)

    @extend_schema(request=ReportRequestSerializer,
                   responses={202: ReportSerializer, 200: ReportSerializer})
    def post(self, request, pk):
        board = selectors.board_get(actor=request.user, pk=pk)
        data = ReportRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report, created = services.report_request(actor=request.user, board=board,
                                                  **data.validated_data)
        code = status.HTTP_202_ACCEPTED if created or report.status in ("queued", "running") \
            else status.HTTP_200_OK
        return Response(ReportSerializer(report).data, status=code)


class ReportDetail(generics.RetrieveAPIView):
    serializer_class = ReportSerializer

    def get_object(self):
        return selectors.report_get(actor=self.request.user, pk=self.kwargs["pk"])


class ReportPdf(APIView):
    @extend_schema(responses={
        (200, "application/pdf"): OpenApiResponse(description="The PDF"),
        409: OpenApiResponse(ERROR_SCHEMA, description="The stored PDF does not match its "
                                                    "checksum, so it is withheld.")})
    def get(self, request, pk):
        report = selectors.report_get(actor=request.user, pk=pk)
        if not report.pdf:
            raise ApplicationError("The report has no PDF yet.", code=ErrorCode.NOT_FOUND)
        if pdf.sha256_of(report.pdf) != report.sha256:
            raise ApplicationError("The stored PDF does not match its checksum, so it is "
                                   "withheld.", code=ErrorCode.CONFLICT)
        return FileResponse(report.pdf.open("rb"), content_type="application/pdf",
                            as_attachment=True, filename=report.download_name)


class ReportPublish(APIView):
    @extend_schema(request=None, responses=ReportSerializer)
    def post(self, request, pk):
        report = selectors.report_get(actor=request.user, pk=pk)
        report = services.report_publish(actor=request.user, report=report)
        return Response(ReportSerializer(report).data)


class ReportComments(generics.ListAPIView):
    serializer_class = CommentSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return ReportComment.objects.none()
        report = selectors.report_get(actor=self.request.user, pk=self.kwargs["pk"])
        return ReportComment.objects.filter(report=report).select_related("author").order_by(
            "created_at", "pk")

    @extend_schema(request=CommentSerializer, responses={201: CommentSerializer})
    def post(self, request, pk):
        report = selectors.report_get(actor=request.user, pk=pk)
        data = CommentSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        parent = data.validated_data.get("parent")
        comment = services.report_comment_add(actor=request.user, report=report,
                                              body=data.validated_data["body"], parent=parent)
        return Response(CommentSerializer(comment).data, status=status.HTTP_201_CREATED)
