"""Factories for co-production. Writes go through the services, so tests exercise the
same rules (and permission checks) the portal uses."""
from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from commissioning.coproduction import services
from commissioning.coproduction.models import Audience
from commissioning.models import Intention, IntentionStatus
from tests.factories.agencies import UserFactory


class IntentionFactory(factory.django.DjangoModelFactory):
    """A bare intention (the cycle app's services are not needed to consult on one)."""

    class Meta:
        model = Intention
        skip_postgeneration_save = True

    # Its own series, apart from the fixed TST-2026-0nn references the fixtures name.
    reference = factory.Sequence(lambda n: f"TST-F-{n:05d}")
    title = factory.Sequence(lambda n: f"Short breaks for disabled children {n}")
    summary = "More short breaks, closer to home, co-designed with families."
    thematic_area = "Short breaks"
    estimated_annual_value = Decimal("250000.00")
    status = IntentionStatus.ACTIVE
    published_for_consultation = True
    owner = factory.SubFactory(UserFactory)

    @factory.lazy_attribute
    def current_stage(self):
        return self.local_area.stages.order_by("position").first()

    @factory.post_generation
    def partners(self, create, extracted, **kwargs):
        if create and extracted:
            self.partner_agencies.set(extracted)


def open_consultation(*, actor, intention, days_left=14, title="Short breaks review",
                      **fields):
    today = timezone.localdate()
    return services.consultation_create(
        actor=actor, intention=intention, title=title, opens=today - timedelta(days=7),
        closes=today + timedelta(days=days_left),
        audiences=fields.pop("audiences", [Audience.PARENT_CARERS, Audience.YOUNG_PEOPLE]),
        questions=fields.pop("questions", ["What would help your family most?",
                                           "Where should short breaks be offered?"]),
        **fields)


def close(consultation, *, days_ago=1):
    """Move a consultation's dates into the past (as time would)."""
    today = timezone.localdate()
    consultation.opens = today - timedelta(days=days_ago + 28)
    consultation.closes = today - timedelta(days=days_ago)
    consultation.save(update_fields=["opens", "closes"])
    return consultation


def comment(*, author, intention, body="We need more after-school clubs that can support "
            "children with complex needs.", let_through=True, moderator=None, **kwargs):
    """A comment as posted through the service. Under pre-moderation (young people's, by
    default) it is then let through, by `moderator` when given (through the service), so
    that it is shown as tests expect; `let_through=False` leaves it waiting."""
    from commissioning.coproduction.models import Comment

    kwargs.setdefault("show_publicly", True)
    made = services.comment_create(actor=author, intention=intention, body=body, **kwargs)
    if let_through and made.is_pending:
        if moderator is not None:
            return services.comment_approve(actor=moderator, comment=made)
        Comment.objects.filter(pk=made.pk).update(approved_at=timezone.now())
        made.refresh_from_db()
    return made


def fresh_rate_limits(settings):
    """Start the rate-limit counters afresh for a test without flushing a shared Redis:
    locmem is cleared; on Redis the test gets a key prefix of its own (keys expire)."""
    import uuid

    from django.core.cache import cache

    default = dict(settings.CACHES["default"])
    if default["BACKEND"].endswith("LocMemCache"):
        cache.clear()
        return
    default["KEY_PREFIX"] = f"jcp-test-coproduction-{uuid.uuid4().hex[:12]}"
    settings.CACHES = {**settings.CACHES, "default": default}
