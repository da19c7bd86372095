"""Factories for local areas, agencies and people. Roles are granted through the service,
so tests exercise the same guardian groups the portal uses."""
from decimal import Decimal

import factory

from agencies import services
from agencies.models import Agency, AgencyKind, LocalArea, Stage, User


class LocalAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LocalArea
        django_get_or_create = ("slug",)
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Area {n}")
    slug = factory.Sequence(lambda n: f"area-{n}")
    reference_prefix = factory.Sequence(lambda n: "A" + chr(65 + n % 26) + chr(65 + n // 26 % 26))

    @factory.post_generation
    def stages(self, create, extracted, **kwargs):
        if not create:
            return
        for position, name in enumerate(extracted or ("Analyse", "Plan", "Do", "Review"), 1):
            Stage.objects.get_or_create(local_area=self, position=position,
                                        defaults={"name": name})


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    local_area = factory.SubFactory(LocalAreaFactory)
    name = factory.Sequence(lambda n: f"Agency {n}")
    kind = AgencyKind.COUNCIL


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"person{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    first_name = "Pat"
    last_name = factory.Sequence(lambda n: f"Person{n}")
    password = factory.django.Password("secret-pass-123")


def member(agency, role, *, user=None, limit=Decimal("0"), **user_fields):
    """A person holding `role` in `agency` (created if not given)."""
    user = user or UserFactory(**user_fields)
    services.membership_create(actor=None, user=user, agency=agency, role=role,
                               delegated_limit=Decimal(str(limit)))
    return user
