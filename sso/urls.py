from django.urls import path

from . import views

app_name = "sso"
urlpatterns = [
    path("account/sign-in/organisation/", views.start, name="start"),
    path("account/sign-in/organisation/callback/", views.Callback.as_view(), name="callback"),
]
