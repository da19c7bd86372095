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
from ..models import Board, BoardMember, BoardReport, Meeting, ReportComment, ReportStatus
from .serializers import (
    BoardDetailSerializer,
    BoardMeetingCreateSerializer,
    BoardSerializer,
    BoardWriteSerializer,
    CommentSerializer,
    DecisionInputSerializer,
    DecisionSerializer,
    MeetingCreateSerializer,
    MeetingSerializer,
    ReportRequestSerializer,
    ReportSerializer,
    ScheduleInputSerializer,
    ScheduleResultSerializer,
    SeatEndSerializer,
    SeatInputSerializer,
    SeatSerializer,
)


class BoardFilter(django_filters.FilterSet):
    local_area = django_filters.CharFilter(field_name="local_area__slug")

    class Meta:
        model = Board
        fields = ["local_area"]


def _board_input(request, area, *, partial):
    """Validated board fields with `reports_to` and `decides_for` ids resolved within the
    area (an id of another area is refused as not found there)."""
    data = BoardWriteSerializer(data=request.data, partial=partial)
    data.is_valid(raise_exception=True)
    values = dict(data.validated_data)
    values.pop("local_area", None)
    if "reports_to" in values:
        values["reports_to"] = selectors.boards_of_area(area, values["reports_to"],
                                                        field="reports_to")
    if "decides_for" in values:
        rows = values["decides_for"]
        agencies = selectors.agencies_of_area(area, [r["agency"] for r in rows],
                                              field="decides_for")
        values["decides_for"] = [(agency, row.get("limit"))
                                 for agency, row in zip(agencies, rows, strict=True)]
    return values


class BoardList(generics.ListAPIView):
    serializer_class = BoardSerializer
    filterset_class = BoardFilter

    def get_queryset(self):
        return selectors.board_list(actor=self.request.user)

    @extend_schema(request=BoardWriteSerializer, responses={201: BoardDetailSerializer})
    def post(self, request):
        area = selectors.area_for_boards(actor=request.user,
                                         slug=request.data.get("local_area")
                                         if isinstance(request.data, dict) else None)
        values = _board_input(request, area, partial=False)
        if not values.get("name"):
            raise ApplicationError("Enter the board's name.",
                                   errors={"name": ["Enter the board's name."]})
        board = services.board_create(actor=request.user, local_area=area, **values)
        board = selectors.board_get(actor=request.user, pk=board.pk)
        return Response(BoardDetailSerializer(board).data, status=status.HTTP_201_CREATED)


class BoardDetail(generics.RetrieveAPIView):
    serializer_class = BoardDetailSerializer

    def get_object(self):
        return selectors.board_get(actor=self.request.user, pk=self.kwargs["pk"])

    @extend_schema(request=BoardWriteSerializer, responses={200: BoardDetailSerializer})
    def patch(self, request, pk):
        board = selectors.board_get(actor=request.user, pk=pk)
        values = _board_input(request, board.local_area, partial=True)
        services.board_update(actor=request.user, board=board, **values)
        return Response(BoardDetailSerializer(
            selectors.board_get(actor=request.user, pk=pk)).data)


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
                   responses={202: ReportSerializer, 200: ReportSerializer,
                              503: OpenApiResponse(description=(
                                  "The report service (its queue) is down: nothing was "
                                  "saved; try again later."))})
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


# --- setting a board up through the API (issue 13): the pages' services and rules ---------
class BoardMeetings(generics.ListAPIView):
    """The board's meetings, latest first; POST adds one (secretaries and administrators)."""

    serializer_class = MeetingSerializer
    queryset = Meeting.objects.none()  # for the schema; get_queryset reads the board's

    def get_queryset(self):
        board = selectors.board_get(actor=self.request.user, pk=self.kwargs["pk"])
        return selectors.meeting_list(actor=self.request.user, board=board)

    @extend_schema(request=BoardMeetingCreateSerializer, responses={201: MeetingSerializer})
    def post(self, request, pk):
        board = selectors.board_get(actor=request.user, pk=pk)
        data = BoardMeetingCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        meeting = services.meeting_create(actor=request.user, board=board,
                                          **data.validated_data)
        return Response(MeetingSerializer(meeting).data, status=status.HTTP_201_CREATED)


class BoardSchedule(APIView):
    @extend_schema(request=ScheduleInputSerializer, responses={201: ScheduleResultSerializer})
    def post(self, request, pk):
        """Set the board's meeting frequency and add a financial year's meetings (dates that
        already have one are skipped). Local-area administrators."""
        board = selectors.board_get(actor=request.user, pk=pk)
        data = ScheduleInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        made = services.meeting_schedule_generate(actor=request.user, board=board,
                                                  **data.validated_data)
        return Response(ScheduleResultSerializer(made).data, status=status.HTTP_201_CREATED)


class BoardSeats(generics.ListAPIView):
    """The board's seats; POST gives a person a seat (local-area administrators)."""

    serializer_class = SeatSerializer
    pagination_class = None
    queryset = BoardMember.objects.none()  # for the schema; get_queryset reads the board's

    def get_queryset(self):
        board = selectors.board_get(actor=self.request.user, pk=self.kwargs["pk"])
        return selectors.seat_list(actor=self.request.user, board=board)

    @extend_schema(request=SeatInputSerializer, responses={201: SeatSerializer})
    def post(self, request, pk):
        board = selectors.board_get(actor=request.user, pk=pk)
        data = SeatInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        area = board.local_area
        values["user"] = selectors.person_of_area(area, values["user"])
        values["agency"] = selectors.agencies_of_area(area, [values["agency"]],
                                                      field="agency")[0]
        seat = services.board_member_add(actor=request.user, board=board, only_new=True,
                                         **values)
        return Response(SeatSerializer(selectors.seat_get(actor=request.user, pk=seat.pk)).data,
                        status=status.HTTP_201_CREATED)


class SeatDetail(generics.RetrieveAPIView):
    serializer_class = SeatSerializer

    def get_object(self):
        return selectors.seat_get(actor=self.request.user, pk=self.kwargs["pk"])

    @extend_schema(request=SeatInputSerializer, responses={200: SeatSerializer})
    def patch(self, request, pk):
        """Change the seat's agency, role or dates (the person stays the same)."""
        seat = selectors.seat_get(actor=request.user, pk=pk)
        data = SeatInputSerializer(data={"user": seat.user_id, "agency": seat.agency_id,
                                         "role": seat.role, "starts": seat.starts,
                                         "ends": seat.ends, **request.data})
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        values.pop("user")
        values["agency"] = selectors.agencies_of_area(seat.board.local_area,
                                                      [values["agency"]], field="agency")[0]
        services.board_member_update(actor=request.user, seat=seat, **values)
        return Response(SeatSerializer(selectors.seat_get(actor=request.user, pk=pk)).data)


class SeatEnd(APIView):
    @extend_schema(request=SeatEndSerializer, responses={200: SeatSerializer})
    def post(self, request, pk):
        seat = selectors.seat_get(actor=request.user, pk=pk)
        data = SeatEndSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.board_member_end(actor=request.user, seat=seat, on=data.validated_data["on"])
        return Response(SeatSerializer(selectors.seat_get(actor=request.user, pk=pk)).data)
