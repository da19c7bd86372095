"""Pages of co-production (namespace `coproduction`)."""
from django.urls import path

from . import views, views_manage, views_public

app_name = "coproduction"

urlpatterns = [
    path("intentions/<int:pk>/consultation/", views.consultation, name="consultation"),
    path("intentions/<int:pk>/consultation/new/", views_manage.consultation_create,
         name="consultation-create"),
    path("intentions/<int:pk>/comments/new/", views.comment_create, name="comment-create"),
    path("intentions/<int:pk>/milestones/", views_manage.milestones, name="milestones"),
    path("consultations/", views_manage.consultation_list, name="consultation-list"),
    path("consultations/<int:pk>/edit/", views_manage.consultation_edit,
         name="consultation-edit"),
    path("consultations/<int:pk>/close/", views_manage.consultation_close,
         name="consultation-close"),
    path("consultations/<int:pk>/publish-responses/", views_manage.publish_responses,
         name="publish-responses"),
    path("comments/awaiting-response/", views.awaiting, name="awaiting"),
    path("comments/mine/", views.my_comments, name="my-comments"),
    path("comments/reported/", views.reported, name="reported"),
    path("comments/moderation/", views.moderation, name="moderation"),
    path("comments/moderation/rules/", views.moderation_rules, name="moderation-rules"),
    path("comments/<int:pk>/approve/", views.comment_approve, name="comment-approve"),
    path("comments/<int:pk>/edit/", views.comment_edit, name="comment-edit"),
    path("comments/<int:pk>/withdraw/", views.comment_withdraw, name="comment-withdraw"),
    path("comments/<int:pk>/hide/", views.comment_hide, name="comment-hide"),
    path("comments/<int:pk>/report/", views.comment_report, name="comment-report"),
    path("comments/<int:pk>/respond/", views.comment_respond, name="comment-respond"),
    path("public/<slug:area_slug>/", views_public.index, name="public-index"),
    path("public/<slug:area_slug>/you-said-we-did/", views_public.you_said_we_did,
         name="public-you-said-we-did"),
    path("public/<slug:area_slug>/transparency/", views_public.transparency,
         name="public-transparency"),
    path("public/<slug:area_slug>/open-data/", views_public.open_data, name="public-open-data"),
    path("public/<slug:area_slug>/open-data/<slug:dataset>.<str:fmt>", views_public.download,
         name="public-download"),
]
