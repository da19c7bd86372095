from django.urls import path

from . import views

urlpatterns = [
    path("auth/token/", views.TokenView.as_view(), name="api-token"),
    path("me/", views.MeView.as_view(), name="api-me"),
    path("local-areas/", views.LocalAreaList.as_view(), name="api-local-area-list"),
    path("agencies/", views.AgencyList.as_view(), name="api-agency-list"),
    path("agencies/<int:pk>/", views.AgencyDetail.as_view(), name="api-agency-detail"),
    path("people/", views.PersonList.as_view(), name="api-person-list"),
]
