"""Writes for providers (the area's shared market)."""
from django.db import transaction

from .. import permissions
from ..models import Provider
from ._common import require, save

PROVIDER_FIELDS = ("name", "type", "companies_house_number", "charity_number", "ods_code",
                   "address", "postcode", "website")


def _check_unique(provider):
    clash = Provider.objects.filter(local_area_id=provider.local_area_id,
                                    name__iexact=provider.name).exclude(pk=provider.pk)
    if clash.exists():
        from ._common import invalid
        invalid("name", "A provider with that name is already in this area's market")


@transaction.atomic
def provider_create(*, actor, local_area, **fields) -> Provider:
    if actor is not None:
        require(permissions.can_manage_providers(actor, local_area))
    provider = Provider(local_area=local_area,
                        **{k: (v or "") for k, v in fields.items() if k in PROVIDER_FIELDS})
    provider.name = provider.name.strip()
    _check_unique(provider)
    return save(provider, actor)


@transaction.atomic
def provider_update(*, actor, provider, **fields) -> Provider:
    provider = Provider.objects.select_for_update().get(pk=provider.pk)
    if actor is not None:
        require(permissions.can_manage_providers(actor, provider.local_area))
    for key, value in fields.items():
        if key in PROVIDER_FIELDS:
            setattr(provider, key, value or "")
    _check_unique(provider)
    return save(provider, actor)
