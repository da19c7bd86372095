"""API of the governance app, mounted under /api/v1/."""
from django.urls import path

from . import views

urlpatterns = [
    path("boards/", views.BoardList.as_view(), name="api-board-list"),
    path("boards/<int:pk>/", views.BoardDetail.as_view(), name="api-board-detail"),
    path("boards/<int:pk>/reports/", views.BoardReports.as_view(), name="api-board-reports"),
    path("boards/<int:pk>/meetings/", views.BoardMeetings.as_view(), name="api-board-meetings"),
    path("boards/<int:pk>/schedule/", views.BoardSchedule.as_view(), name="api-board-schedule"),
    path("boards/<int:pk>/seats/", views.BoardSeats.as_view(), name="api-board-seats"),
    path("seats/<int:pk>/", views.SeatDetail.as_view(), name="api-seat-detail"),
    path("seats/<int:pk>/end/", views.SeatEnd.as_view(), name="api-seat-end"),
    path("meetings/", views.MeetingList.as_view(), name="api-meeting-list"),
    path("meetings/<int:pk>/decisions/", views.MeetingDecisions.as_view(),
         name="api-meeting-decisions"),
    path("reports/", views.ReportList.as_view(), name="api-report-list"),
    path("reports/<int:pk>/", views.ReportDetail.as_view(), name="api-report-detail"),
    path("reports/<int:pk>/pdf/", views.ReportPdf.as_view(), name="api-report-pdf"),
    path("reports/<int:pk>/publish/", views.ReportPublish.as_view(), name="api-report-publish"),
    path("reports/<int:pk>/comments/", views.ReportComments.as_view(),
         name="api-report-comments"),
]
