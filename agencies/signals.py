"""Tokens end with the password and the account; sessions remember when they began."""
import time

from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from .models import User

SESSION_STARTED = "auth_started_at"
SESSION_SEEN = "auth_seen_at"


@receiver(pre_save, sender=User)
def _note_credential_change(sender, instance, **kwargs):
    # set_password() keeps the new raw password in _password until the save completes.
    instance._revoke_tokens = bool(instance.pk) and (
        getattr(instance, "_password", None) is not None or not instance.is_active)


@receiver(post_save, sender=User)
def _revoke_tokens(sender, instance, created, **kwargs):
    if getattr(instance, "_revoke_tokens", False):
        from .services import api_tokens_revoke_all

        api_tokens_revoke_all(user=instance)
        instance._revoke_tokens = False


@receiver(user_logged_in)
def _stamp_session(sender, request, user, **kwargs):
    session = getattr(request, "session", None)
    if session is not None:
        now = int(time.time())
        session[SESSION_STARTED] = now
        session[SESSION_SEEN] = now
