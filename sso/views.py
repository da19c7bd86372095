"""Organisation sign-in pages: ask for the work e-mail address, send the person to the
identity provider that covers its domain, and take them back."""
from django.contrib import messages
from django.shortcuts import redirect, render
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from portal.errors import ApplicationError

from . import selectors
from .backends import SESSION_PROVIDER, configure
from .forms import WorkEmailForm


def start(request):
    form = WorkEmailForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        mapping = selectors.sign_in_domain_for(form.cleaned_data["email"])
        if mapping is None:
            form.add_error("email", "Your organisation does not offer sign-in to this portal "
                                    "yet. Sign in with your portal password instead.")
        else:
            try:
                return _send_to_provider(request, mapping.provider, form.cleaned_data["email"])
            except ApplicationError as refusal:
                form.add_error("email", refusal.message)
    status = 400 if form.errors else 200
    return render(request, "sso/start.html", {
        "form": form, "page_title": "Sign in with your organisation", "submit": "Continue",
        "intro": "Council and NHS staff whose organisation offers it sign in with their work "
                 "account. Parent-carer forum members sign in with a portal password."},
        status=status)


class _ProviderRedirect(OIDCAuthenticationRequestView):
    def __init__(self, provider, email):
        configure(self, provider)
        self.email = email

    def get_extra_params(self, request):
        return {"login_hint": self.email}


def _send_to_provider(request, provider, email):
    view = _ProviderRedirect(provider, email)
    response = view.get(request)
    request.session[SESSION_PROVIDER] = provider.pk
    return response


class Callback(OIDCAuthenticationCallbackView):
    def login_failure(self):
        reason = getattr(self.request, "sso_refusal", None) or (
            "Signing in with your organisation did not work. Try again, or sign in with "
            "your portal password.")
        messages.error(self.request, reason)
        return redirect("login")

    def login_success(self):
        self.request.session.pop(SESSION_PROVIDER, None)
        response = super().login_success()
        return response
