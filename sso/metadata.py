"""An identity provider's published OpenID Connect metadata (discovery), cached."""
import os

import requests
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured

from portal.errors import ApplicationError

CACHE_SECONDS = 60 * 60
TIMEOUT = 10


def discovery(provider):
    """The provider's /.well-known/openid-configuration, read once an hour."""
    key = f"sso:discovery:{provider.pk}:{provider.issuer}"
    metadata = cache.get(key)
    if metadata is None:
        url = provider.issuer.rstrip("/") + "/.well-known/openid-configuration"
        try:
            response = requests.get(url, timeout=TIMEOUT)
            response.raise_for_status()
            metadata = response.json()
        except (requests.RequestException, ValueError) as exc:
            raise ApplicationError(
                f"{provider.name} cannot be reached just now. Try again later, or sign in "
                "with your portal password.") from exc
        if metadata.get("issuer", "").rstrip("/") != provider.issuer.rstrip("/"):
            raise ApplicationError(f"{provider.name} is not set up correctly: its issuer "
                                   "does not match. Tell your local-area administrator.")
        cache.set(key, metadata, CACHE_SECONDS)
    return metadata


def client_secret(provider):
    secret = os.environ.get(provider.client_secret_env, "")
    if not secret:
        raise ImproperlyConfigured(
            f"Set the environment variable {provider.client_secret_env} for {provider}.")
    return secret
