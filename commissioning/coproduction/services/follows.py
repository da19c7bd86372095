"""Follow an intention or a consultation: signed in, or by an e-mail address confirmed
by a link. Followers are e-mailed when its stage changes, a response is published or a
decision is made; every e-mail has a one-click unsubscribe link."""
from django.db import transaction
from django.utils import timezone

from portal.errors import ApplicationError, ErrorCode

from .. import permissions
from ..models import Follow
from .common import queue, require
from .submissions import clean_email


def _subject_filter(subject):
    from ..models import Consultation

    return {"consultation": subject} if isinstance(subject, Consultation) else \
        {"intention": subject}


@transaction.atomic
def follow_start(*, actor, subject) -> Follow:
    """A signed-in person follows (again, after unsubscribing) an intention or consultation."""
    require(permissions.can_follow(actor, subject))
    follow = Follow.objects.select_for_update().filter(user=actor,
                                                       **_subject_filter(subject)).first()
    now = timezone.now()
    if follow is None:
        follow = Follow(user=actor, **_subject_filter(subject))
    follow.confirmed_at, follow.unsubscribed_at = now, None
    follow.full_clean()
    follow.save()
    return follow


@transaction.atomic
def public_follow_start(*, consultation, email) -> Follow | None:
    """A member of the public follows a public consultation: we e-mail a link to confirm
    the address. Asking again for a followed address sends nothing new."""
    from ..tasks import send_follow_confirm

    if not permissions.is_public_consultation(consultation):
        raise ApplicationError("This consultation is not open to the public.",
                               code=ErrorCode.CONFLICT)
    email = clean_email(email)
    follow = Follow.objects.select_for_update().filter(
        user__isnull=True, email=email, consultation=consultation).first()
    if follow is not None and follow.is_active:
        return follow
    if follow is None:
        follow = Follow(email=email, consultation=consultation)
    follow.unsubscribed_at = None
    follow.full_clean()
    follow.save()
    queue(send_follow_confirm, follow.pk)
    return follow


@transaction.atomic
def follow_confirm(*, follow) -> Follow:
    follow = Follow.objects.select_for_update().get(pk=follow.pk)
    if follow.confirmed_at is None:
        follow.confirmed_at = timezone.now()
        follow.save(update_fields=["confirmed_at"])
    return follow


@transaction.atomic
def follow_stop(*, follow, actor=None) -> Follow:
    """Unsubscribe (the e-mail's one-click link, or the page's button). Idempotent."""
    follow = Follow.objects.select_for_update().get(pk=follow.pk)
    if actor is not None and follow.user_id != actor.pk:
        raise ApplicationError("Not found.", code=ErrorCode.NOT_FOUND)
    if follow.unsubscribed_at is None:
        follow.unsubscribed_at = timezone.now()
        follow.save(update_fields=["unsubscribed_at"])
    return follow


def notify_followers(event: str, *, intention_id: int, consultation_id: int | None = None):
    """Queue the e-mails about an event once the transaction commits. `event` is a key
    naming it ("stage-12", "responses-4-2026-12-01", "decision-7")."""
    from ..tasks import send_follow_event

    queue(send_follow_event, event, intention_id, consultation_id)
