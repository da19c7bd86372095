"""Pages of the needs evidence (JSNA)."""
from django.urls import path

from . import views

app_name = "needs"
urlpatterns = [
    path("needs/", views.dashboard, name="dashboard"),
    path("needs/imports/", views.import_start, name="import"),
    path("needs/platform-imports/", views.platform_import_start, name="platform-import"),
    path("needs/imports/<int:pk>/", views.import_detail, name="import-detail"),
    path("needs/imports/<int:pk>/confirm/", views.import_confirm, name="import-confirm"),
    path("indicators/<int:pk>/", views.indicator_detail, name="indicator"),
    path("findings/", views.finding_list, name="finding-list"),
    path("findings/new/", views.finding_create, name="finding-create"),
    path("findings/<int:pk>/", views.finding_detail, name="finding-detail"),
    path("findings/<int:pk>/edit/", views.finding_edit, name="finding-edit"),
    path("findings/<int:pk>/remove/", views.finding_delete, name="finding-delete"),
    path("needs/comparators/", views.comparators, name="comparators"),
]
