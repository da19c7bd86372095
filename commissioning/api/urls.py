"""API of this app, mounted under /api/v1/."""
from django.urls import path

from . import views

urlpatterns = [
    path("intentions/", views.IntentionList.as_view(), name="api-intention-list"),
    path("intentions/<int:pk>/", views.IntentionDetail.as_view(), name="api-intention-detail"),
    path("intentions/<int:pk>/sign-offs/", views.SignOffList.as_view(),
         name="api-intention-sign-offs"),
    path("intentions/<int:pk>/gates/", views.Gates.as_view(), name="api-intention-gates"),
    path("intentions/<int:pk>/checklist/", views.Checklist.as_view(),
         name="api-intention-checklist"),
    path("intentions/<int:pk>/advance/", views.Advance.as_view(), name="api-intention-advance"),
    path("approvals/", views.Approvals.as_view(), name="api-approvals"),
    path("strategies/", views.StrategyList.as_view(), name="api-strategy-list"),
    path("strategies/<int:pk>/", views.StrategyDetail.as_view(), name="api-strategy-detail"),
    path("actions/", views.ActionList.as_view(), name="api-action-list"),
    path("disagreements/", views.DisagreementList.as_view(), name="api-disagreement-list"),
]
