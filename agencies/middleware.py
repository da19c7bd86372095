"""The current local area of a request, and two-factor sign-in for administrators."""
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from . import permissions
from .roles import AreaPerm

SESSION_KEY = "current_area_id"


def current_area(request):
    from .models import LocalArea

    user = request.user
    if not user.is_authenticated:
        return None
    ids = permissions.area_ids_for(user)
    if not ids:
        return None
    chosen = request.session.get(SESSION_KEY)
    if chosen not in ids:
        chosen = min(ids)
    return LocalArea.objects.filter(pk=chosen).prefetch_related("stages").first()


class CurrentAreaMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.area = SimpleLazyObject(lambda: current_area(request))
        return self.get_response(request)


def needs_two_factor(user) -> bool:
    return user.is_authenticated and (
        user.is_superuser or bool(permissions.area_ids_for(user, AreaPerm.ADMINISTER)))


class TwoFactorRequiredMiddleware:
    """Local-area administrators must set up and use a second factor before anything else."""

    allowed_prefixes = ("/account/", "/static/", "/assets/", "/healthz", "/public/", "/api/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (user.is_authenticated and not request.path.startswith(self.allowed_prefixes)
                and needs_two_factor(user) and not user.is_verified()):
            return redirect(f"{reverse('agencies:two-factor')}?next={request.path}")
        return self.get_response(request)
