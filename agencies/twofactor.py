"""Who must use a second factor, and the e-mailed link that starts first-time enrolment.

An account *needs* two-factor sign-in when it administers a local area (or is a platform
superuser) and *has* it once its owner confirmed an authenticator app. Either way every door
asks for it: pages (TwoFactorRequiredMiddleware), API sessions and API tokens
(agencies.authentication).

Enrolment never shows a secret to someone who only holds the password: the set-up page
e-mails a link (signed, expiring, single-use) to the account's address, and only the session
that opens it is shown the new key. A local-area administrator can send the same link.
"""
import hashlib

from django.conf import settings
from django.core import signing

from . import permissions
from .roles import AreaPerm

ENROL_SALT = "agencies.two-factor-enrolment"
ENROL_SESSION_KEY = "two_factor_enrol"


def needs_two_factor(user) -> bool:
    return user.is_authenticated and (
        user.is_superuser or bool(permissions.area_ids_for(user, AreaPerm.ADMINISTER)))


def requires_second_factor(user) -> bool:
    """The account has (enrolled) or needs (administers) a second factor."""
    return user.is_authenticated and (
        getattr(user, "two_factor_enrolled", False) or needs_two_factor(user))


def is_verified(user) -> bool:
    """The request's user passed the second factor (django-otp session, or 2FA token)."""
    check = getattr(user, "is_verified", None)
    return bool(check and check())


def _enrol_state(user) -> str:
    """Changes when the link is used (a new device is made), the password changes or the
    person enrols: any of these makes earlier links worthless."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    last_device = TOTPDevice.objects.filter(user=user).order_by("-pk").values_list(
        "pk", flat=True).first() or 0
    raw = f"{user.pk}|{user.password}|{user.two_factor_enrolled}|{last_device}"
    return hashlib.sha256(raw.encode()).hexdigest()[:24]


def enrolment_token(user) -> str:
    return signing.dumps({"u": user.pk, "s": _enrol_state(user)}, salt=ENROL_SALT,
                         compress=True)


def enrolment_token_valid(user, token) -> bool:
    """Signed by us, for this person, younger than TWO_FACTOR_ENROL_LINK_MAX_AGE, unused."""
    try:
        data = signing.loads(token, salt=ENROL_SALT,
                             max_age=settings.TWO_FACTOR_ENROL_LINK_MAX_AGE)
    except signing.BadSignature:  # includes SignatureExpired
        return False
    return data.get("u") == user.pk and data.get("s") == _enrol_state(user)
