from django.utils.functional import SimpleLazyObject

from . import selectors


def sso(request):
    # Lazy: only the sign-in page asks, so other pages pay no query.
    return {"sso_enabled": SimpleLazyObject(selectors.any_provider_enabled)}
