"""API of co-production, mounted under /api/v1/.

`intentions/<id>/comments/` is ours; `intentions/` and `intentions/<id>/` belong to the
cycle app's urls module — distinct paths, so both live side by side.
"""
from django.urls import path

from . import views

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
]
