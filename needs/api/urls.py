"""API of the needs evidence, mounted under /api/v1/."""
from django.urls import path

from . import views

urlpatterns = [
    path("indicators/", views.IndicatorList.as_view(), name="api-indicator-list"),
    path("indicators/<int:pk>/", views.IndicatorDetail.as_view(), name="api-indicator-detail"),
    path("indicators/<int:pk>/comparison/", views.IndicatorComparison.as_view(),
         name="api-indicator-comparison"),
    path("observations/", views.ObservationList.as_view(), name="api-observation-list"),
    path("needs/imports/", views.ImportCreate.as_view(), name="api-needs-import"),
    path("needs/platform-imports/", views.PlatformImportCreate.as_view(),
         name="api-needs-platform-import"),
    path("findings/", views.FindingListCreate.as_view(), name="api-finding-list"),
]
