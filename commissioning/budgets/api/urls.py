"""API of the pooled budgets app, mounted under /api/v1/."""
from django.urls import path

from . import views

urlpatterns = [
    path("pooled-budgets/", views.AgreementList.as_view(), name="api-agreement-list"),
    path("pooled-budgets/<int:pk>/", views.AgreementDetail.as_view(),
         name="api-agreement-detail"),
    path("pooled-budgets/<int:pk>/spend/", views.SpendView.as_view(), name="api-spend"),
    path("pooled-budgets/<int:pk>/spend/import/", views.SpendImportView.as_view(),
         name="api-spend-import"),
    path("pooled-budgets/<int:pk>/position/", views.PositionView.as_view(),
         name="api-position"),
    path("pooled-budgets/<int:pk>/commentary/", views.CommentaryView.as_view(),
         name="api-commentary"),
    path("pooled-budgets/<int:pk>/settlement/", views.SettlementView.as_view(),
         name="api-settlement"),
    path("pooled-budgets/<int:pk>/settlement/sign/", views.SettlementSignView.as_view(),
         name="api-settlement-sign"),
    path("pooled-budgets/<int:pk>/snapshots/", views.SnapshotView.as_view(),
         name="api-snapshots"),
    path("pooled-budgets/<int:pk>/snapshots/confirm/", views.SnapshotConfirmView.as_view(),
         name="api-snapshot-confirm"),
    path("pooled-budgets/<int:pk>/snapshots/return/", views.SnapshotReturnView.as_view(),
         name="api-snapshot-return"),
    path("pooled-budgets/<int:pk>/snapshots/reopen/", views.SnapshotReopenView.as_view(),
         name="api-snapshot-reopen"),
    path("joint-packages/", views.JointPackageView.as_view(), name="api-joint-packages"),
    path("joint-packages/aggregates/", views.JointPackageAggregates.as_view(),
         name="api-joint-package-aggregates"),
    path("joint-packages/<int:pk>/", views.JointPackageDetail.as_view(),
         name="api-joint-package-detail"),
]
