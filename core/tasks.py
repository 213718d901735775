"""Core's jobs: handing events to their handlers (``core.events``)."""

from celery import shared_task

from . import events


@shared_task(name="core.deliver_event", bind=True, acks_late=True, max_retries=events.MAX_ATTEMPTS)
def deliver_event(self, *, delivery_id: int) -> bool:
    """Run one handler for one event. Safe to run twice: the delivery is
    claimed first. An error is retried with back-off, then left failed."""
    try:
        return events.deliver(delivery_id=delivery_id)
    except Exception as exc:
        if events.delivery_failed(delivery_id=delivery_id, error=repr(exc)):
            raise self.retry(exc=exc, countdown=min(2**self.request.retries * 5, 300)) from exc
        raise


@shared_task(name="core.sweep_events")
def sweep_events() -> int:
    return events.sweep()
