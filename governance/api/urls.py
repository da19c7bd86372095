"""API of the governance app, mounted under /api/v1/."""
from django.urls import path

from . import views

urlpatterns = [
    path("boards/", views.BoardList.as_view(), name="api-board-list"),
    path("boards/<int:pk>/", views.BoardDetail.as_view(), name="api-board-detail"),
    path("boards/<int:pk>/reports/", views.BoardReports.as_view(), name="api-board-reports"),
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
