"""mozilla-django-oidc, configured per local area's identity provider instead of settings."""
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from portal.errors import ApplicationError

from . import metadata, selectors, services

SESSION_PROVIDER = "sso_provider_id"


def configure(target, provider):
    """Point a mozilla-django-oidc view or backend at this provider's endpoints."""
    meta = metadata.discovery(provider)
    target.OIDC_OP_AUTH_ENDPOINT = meta["authorization_endpoint"]
    target.OIDC_OP_TOKEN_ENDPOINT = meta["token_endpoint"]
    target.OIDC_OP_USER_ENDPOINT = meta["userinfo_endpoint"]
    target.OIDC_OP_JWKS_ENDPOINT = meta["jwks_uri"]
    target.OIDC_RP_CLIENT_ID = provider.client_id


class AreaOIDCBackend(OIDCAuthenticationBackend):
    def __init__(self, *args, **kwargs):
        # Endpoints come from the provider chosen at sign-in, not from settings.
        self.OIDC_RP_SIGN_ALGO = "RS256"
        self.OIDC_RP_IDP_SIGN_KEY = None
        self.provider = None
        self.UserModel = get_user_model()

    def authenticate(self, request, **kwargs):
        if request is None or SESSION_PROVIDER not in request.session:
            return None  # a password sign-in: not ours
        self.provider = selectors.provider_get(request.session[SESSION_PROVIDER])
        if self.provider is None:
            return None
        try:
            configure(self, self.provider)
            self.OIDC_RP_CLIENT_SECRET = metadata.client_secret(self.provider)
            return super().authenticate(request, **kwargs)
        except ApplicationError as refusal:
            request.sso_refusal = refusal.message
            return None

    def verify_token(self, token, **kwargs):
        # The library checks signature, expiry and nonce; the token must also have been
        # issued by this provider, for this portal.
        payload = super().verify_token(token, **kwargs)
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if (payload.get("iss", "").rstrip("/") != self.provider.issuer.rstrip("/")
                or self.provider.client_id not in audiences):
            raise SuspiciousOperation("ID token issuer or audience does not match")
        return payload

    def get_or_create_user(self, access_token, id_token, payload):
        claims = self.get_userinfo(access_token, id_token, payload)
        return services.user_for_claims(provider=self.provider, claims=claims)
