"""Background work for agencies: keep role groups in step with membership dates."""
from celery import shared_task

from . import services


@shared_task(name="agencies.sync_memberships")
def sync_memberships() -> int:
    """Daily: memberships that started or ended since yesterday gain or lose their grants."""
    return services.memberships_sync()


@shared_task(name="agencies.apply_successions")
def apply_successions() -> int:
    """Daily: agencies whose successor took over today become inactive."""
    return services.successions_apply()
