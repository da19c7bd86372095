"""API of co-production, mounted under /api/v1/.

`intentions/<id>/comments/` is ours; `intentions/` and `intentions/<id>/` belong to the
cycle app's urls module — distinct paths, so both live side by side.
"""
from django.urls import path

from . import consult, views

urlpatterns = [
    path("intentions/<int:pk>/comments/", views.IntentionComments.as_view(),
         name="api-intention-comments"),
    path("comments/<int:pk>/", views.CommentDetail.as_view(), name="api-comment-detail"),
    path("comments/<int:pk>/responses/", views.CommentResponses.as_view(),
         name="api-comment-responses"),
    path("comments/<int:pk>/hide/", views.CommentHide.as_view(), name="api-comment-hide"),
    path("comments/<int:pk>/approve/", views.CommentApprove.as_view(),
         name="api-comment-approve"),
    path("comments/<int:pk>/report/", views.CommentReport.as_view(), name="api-comment-report"),
    path("consultations/", views.ConsultationList.as_view(), name="api-consultation-list"),
    path("consultations/<int:pk>/", views.ConsultationDetail.as_view(),
         name="api-consultation-detail"),
    path("consultations/<int:pk>/close/", views.ConsultationClose.as_view(),
         name="api-consultation-close"),
    path("consultations/<int:pk>/publish-responses/",
         views.ConsultationPublishResponses.as_view(), name="api-consultation-publish"),
    path("public/<slug:area_slug>/you-said-we-did/", views.PublicYouSaidWeDid.as_view(),
         name="api-public-you-said-we-did"),
    path("public/<slug:area_slug>/intentions/", views.PublicIntentions.as_view(),
         name="api-public-intentions"),
    path("consultations/<int:pk>/questions/", consult.ConsultationQuestions.as_view(),
         name="api-consultation-questions"),
    path("consultations/<int:pk>/questions/order/", consult.QuestionsOrder.as_view(),
         name="api-consultation-questions-order"),
    path("questions/<int:pk>/", consult.QuestionDetail.as_view(), name="api-question-detail"),
    path("consultations/<int:pk>/summary/", consult.ConsultationSummary.as_view(),
         name="api-consultation-summary"),
    path("consultations/<int:pk>/answers/", consult.MyAnswers.as_view(),
         name="api-consultation-answers"),
    path("consultations/<int:pk>/documents/", consult.ConsultationDocuments.as_view(),
         name="api-consultation-documents"),
    path("documents/<int:pk>/", consult.DocumentDetail.as_view(), name="api-document-detail"),
    path("follows/", consult.Follows.as_view(), name="api-follows"),
    path("follows/<int:pk>/", consult.FollowDetail.as_view(), name="api-follow-detail"),
    path("public/<slug:area_slug>/consultations/", consult.PublicConsultations.as_view(),
         name="api-public-consultations"),
    path("public/<slug:area_slug>/consultations/<int:pk>/",
         consult.PublicConsultationDetail.as_view(), name="api-public-consultation"),
    path("public/<slug:area_slug>/consultations/<int:pk>/answers/",
         consult.PublicAnswers.as_view(), name="api-public-answers"),
    path("public/<slug:area_slug>/consultations/<int:pk>/follow/",
         consult.PublicFollow.as_view(), name="api-public-follow"),
]
