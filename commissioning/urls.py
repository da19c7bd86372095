"""Pages of this app."""
from django.urls import path

from . import views

app_name = "commissioning"
urlpatterns = [
    path("intentions/", views.intention_list, name="intention-list"),
    path("intentions/export.<str:fmt>", views.intention_export, name="intention-export"),
    path("intentions/by-stage/", views.intention_by_stage, name="intention-by-stage"),
    path("intentions/new/", views.intention_create, name="intention-create"),
    path("intentions/<int:pk>/", views.intention_detail, name="intention-detail"),
    path("intentions/<int:pk>/edit/", views.intention_edit, name="intention-edit"),
    path("intentions/<int:pk>/status/<slug:name>/", views.intention_transition,
         name="intention-transition"),
    path("intentions/<int:pk>/checklist/", views.intention_checklist,
         name="intention-checklist"),
    path("intentions/<int:pk>/comments/", views.intention_note, name="intention-note"),
    path("intentions/<int:pk>/submit/", views.gate_submit, name="gate-submit"),
    path("intentions/<int:pk>/sign-off/", views.sign_off, name="sign-off"),
    path("intentions/<int:pk>/refer/", views.referral_create, name="referral-create"),
    path("intentions/<int:pk>/advance/", views.intention_advance, name="intention-advance"),
    path("approvals/", views.approvals, name="approvals"),
    path("strategies/", views.strategy_list, name="strategy-list"),
    path("strategies/<int:pk>/", views.strategy_detail, name="strategy-detail"),
    path("strategies/<int:pk>/edit/", views.strategy_edit, name="strategy-edit"),
    path("action-plans/", views.action_plan_list, name="action-plan-list"),
    path("action-plans/<int:pk>/", views.action_plan_detail, name="action-plan-detail"),
    path("action-plans/<int:plan_pk>/actions/new/", views.action_create, name="action-create"),
    path("actions/<int:pk>/edit/", views.action_edit, name="action-edit"),
    path("disagreements/", views.disagreement_list, name="disagreement-list"),
    path("disagreements/new/", views.disagreement_create, name="disagreement-create"),
    path("disagreements/<int:pk>/", views.disagreement_detail, name="disagreement-detail"),
    path("disagreements/<int:pk>/escalate/", views.disagreement_escalate,
         name="disagreement-escalate"),
    path("disagreements/<int:pk>/resolve/", views.disagreement_resolve,
         name="disagreement-resolve"),
]
