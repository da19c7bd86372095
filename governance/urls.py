"""Pages of the governance app (namespace `governance`)."""
from django.urls import path

from .views import boards, meetings, reports, setup

app_name = "governance"

urlpatterns = [
    path("boards/", boards.board_list, name="board-list"),
    path("boards/new/", setup.board_create, name="board-create"),
    path("boards/<int:pk>/", boards.board_detail, name="board-detail"),
    path("boards/<int:pk>/edit/", setup.board_edit, name="board-edit"),
    path("boards/<int:pk>/seats/new/", setup.seat_create, name="seat-create"),
    path("boards/<int:pk>/schedule/", setup.schedule, name="schedule"),
    path("seats/<int:pk>/edit/", setup.seat_edit, name="seat-edit"),
    path("seats/<int:pk>/end/", setup.seat_end, name="seat-end"),
    path("boards/<int:pk>/meetings/new/", meetings.meeting_create, name="meeting-create"),
    path("boards/<int:pk>/reports/new/", reports.report_request, name="report-request"),
    path("meetings/<int:pk>/", meetings.meeting_detail, name="meeting-detail"),
    path("meetings/<int:pk>/minutes/", meetings.meeting_minutes, name="meeting-minutes"),
    path("meetings/<int:pk>/attendance/", meetings.attendance, name="meeting-attendance"),
    path("meetings/<int:pk>/items/new/", meetings.agenda_item_create, name="agenda-item-create"),
    path("agenda-items/<int:pk>/decision/", meetings.decision_record, name="decision-record"),
    path("reports/", reports.report_library, name="report-library"),
    path("reports/<int:pk>/", reports.report_detail, name="report-detail"),
    path("reports/<int:pk>/pdf/", reports.report_pdf, name="report-pdf"),
    path("reports/<int:pk>/pdf/view/", reports.report_pdf_view, name="report-pdf-view"),
    path("reports/<int:pk>/compare/", reports.report_compare, name="report-compare"),
    path("reports/<int:pk>/comments/", reports.report_comment, name="report-comment"),
    path("reports/<int:pk>/read/", reports.report_read, name="report-read"),
    path("reports/<int:pk>/publish/", reports.report_publish, name="report-publish"),
]
