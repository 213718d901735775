"""Thin Celery tasks of the rewards app: explicit names, keyword-only ids."""

from celery import shared_task

from . import notifications, services, webhooks


@shared_task(name="rewards.process_publication", acks_late=True)
def process_publication(*, cycle_id: int) -> dict | None:
    """Incentive records, award events, posts, deliveries and e-mails of a
    published cycle. Safe to run twice: the row is claimed first and every
    row it creates is unique."""
    return services.publication_process(cycle_id=cycle_id)


@shared_task(name="rewards.deliver_webhooks", acks_late=True, soft_time_limit=150, time_limit=170)
def deliver_webhooks(*, endpoint_id: int) -> dict:
    """Send one endpoint's due deliveries (one job per endpoint at a time)."""
    return webhooks.endpoint_drain(endpoint_id=endpoint_id)


@shared_task(name="rewards.send_award_notices")
def send_award_notices(*, cycle_id: int) -> int:
    return notifications.award_notices_send(cycle_id=cycle_id)


@shared_task(name="rewards.sweep")
def sweep() -> dict:
    """Re-dispatch publication jobs, due webhook deliveries and unsent e-mails."""
    return {
        "publications": services.publications_sweep(),
        "endpoints": webhooks.endpoints_dispatch(),
        "notices": notifications.award_notices_sweep(),
    }
