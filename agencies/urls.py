from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import views
from .forms import SignInForm

app_name = "agencies"

urlpatterns = [
    path("account/", views.account, name="account"),
    path("account/two-factor/", views.two_factor, name="two-factor"),
    path("account/two-factor/set-up/<str:token>/", views.two_factor_enrol,
         name="two-factor-enrol"),
    path("account/tokens/new/", views.token_create, name="token-create"),
    path("account/tokens/<int:pk>/revoke/", views.token_revoke, name="token-revoke"),
    path("people/<int:pk>/two-factor-invite/", views.two_factor_invite,
         name="two-factor-invite"),
    path("account/invitation/<uidb64>/<token>/", views.invitation_accept,
         name="invitation-accept"),
    path("areas/new/", views.local_area_create, name="area-create"),
    path("areas/switch/", views.area_switch, name="area-switch"),
    path("areas/settings/", views.area_settings, name="area-settings"),
    path("agencies/", views.agency_list, name="agency-list"),
    path("agencies/new/", views.agency_create, name="agency-create"),
    path("agencies/<int:pk>/", views.agency_detail, name="agency-detail"),
    path("agencies/<int:pk>/edit/", views.agency_edit, name="agency-edit"),
    path("agencies/<int:pk>/succession/", views.agency_succession, name="agency-succession"),
    path("people/", views.person_list, name="person-list"),
    path("people/new/", views.person_create, name="person-create"),
    path("people/<int:pk>/", views.person_detail, name="person-detail"),
    path("people/<int:pk>/roles/new/", views.membership_create, name="membership-create"),
    path("memberships/<int:pk>/end/", views.membership_end, name="membership-end"),
]

# Sign-in, sign-out and password reset use Django's views with our templates. They sit
# outside the namespace so Django's own reverse() calls ("login", "password_reset_done"…) work.
auth_urlpatterns = [
    path("account/sign-in/", auth_views.LoginView.as_view(
        authentication_form=SignInForm, redirect_authenticated_user=True,
        extra_context={"page_title": "Sign in"}), name="login"),
    path("account/sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/password-reset/", views.PasswordResetView.as_view(
        extra_context={"page_title": "Reset your password"},
        success_url=reverse_lazy("password_reset_done")), name="password_reset"),
    path("account/password-reset/sent/", auth_views.PasswordResetDoneView.as_view(
        extra_context={"page_title": "Check your e-mail"}), name="password_reset_done"),
    path("account/password-reset/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(
        extra_context={"page_title": "Choose a new password"}), name="password_reset_confirm"),
    path("account/password-reset/done/", auth_views.PasswordResetCompleteView.as_view(
        extra_context={"page_title": "Password changed"}), name="password_reset_complete"),
]
