"""API authentication: expiring personal tokens and sessions that passed two-factor sign-in.

- Token: `Authorization: Token <key>`. Refused when unknown, revoked or expired, when the
  account is inactive, and when the account has or needs a second factor but the token was
  issued without one.
- Session: a page session is worth nothing on the API for an account that has or needs a
  second factor until that session has passed it (django-otp's `is_verified`).
"""
from datetime import timedelta

from django.utils import timezone
from drf_spectacular.authentication import SessionScheme
from rest_framework import authentication, exceptions

from .twofactor import is_verified, requires_second_factor

# last_used_at is written at most this often per token, not on every request.
LAST_USED_GRANULARITY = timedelta(minutes=5)


class ExpiringTokenAuthentication(authentication.TokenAuthentication):
    keyword = "Token"

    def authenticate_credentials(self, key):
        from .models import ApiToken
        from .services import token_digest

        token = ApiToken.objects.select_related("user").filter(digest=token_digest(key)).first()
        now = timezone.now()
        if token is None or token.revoked_at is not None or token.expires_at <= now:
            raise exceptions.AuthenticationFailed("The token is not valid, has expired or was "
                                                  "revoked: ask for a new one.")
        user = token.user
        if not user.is_active:
            raise exceptions.AuthenticationFailed("This account is inactive.")
        if not token.two_factor and requires_second_factor(user):
            raise exceptions.AuthenticationFailed(
                "This account uses two-factor sign-in: ask for a new token with the code from "
                "your authenticator app.")
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_GRANULARITY:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        user.is_verified = lambda: token.two_factor  # as django-otp marks session users
        return user, token


class VerifiedSessionAuthentication(authentication.SessionAuthentication):
    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None:
            return None
        user = result[0]
        if requires_second_factor(user) and not is_verified(user):
            raise exceptions.AuthenticationFailed(
                "Finish two-factor sign-in on the website before using the API.")
        return result



class VerifiedSessionScheme(SessionScheme):
    """drf-spectacular documents it as its session scheme (its token scheme already
    matches subclasses of TokenAuthentication)."""

    target_class = VerifiedSessionAuthentication
