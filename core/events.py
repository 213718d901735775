"""Events between apps: typed, written durably with what they report, and
handled after the commit by each app that cares.

An app that makes something true which other apps act on (a cycle's results
published) builds a typed :class:`Event` and calls :func:`emit` *inside* the
transaction that makes it true. ``emit`` writes the event (an
``OutboxEvent`` row) and one pending ``EventDelivery`` per handler
registered for its type, and after the commit queues one job per delivery.
The job (``core.deliver_event``) claims its delivery, calls the handler with
the typed event, and marks it done; an error releases it for a retry with
back-off, and after ``MAX_ATTEMPTS`` it ends ``failed`` with the error, in
the admin. The sweeper (``core.sweep_events``) re-queues deliveries whose
message was lost. Handlers must be idempotent (a unique constraint, not a
check-then-insert): a delivery can run again after a worker died.

The registry is one module, ``config/events.py`` (``settings.EVENT_HANDLERS``
names its ``HANDLERS``): each event class with the list of functions that
handle it, imported by name, so a reader or a code tool follows an event to
its handlers by plain imports. Nothing is sent inside a transaction.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
from collections.abc import Callable
from typing import Any, ClassVar, Self

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from . import lifecycle
from .jobs import dispatch
from .models import EventDelivery, OutboxEvent
from .workflow import EVENT_DELIVERY, HANDLING

log = logging.getLogger(__name__)
E = EventDelivery.Status
# A handler that fails this many times ends failed, for a person to look at.
MAX_ATTEMPTS = 5


@dataclasses.dataclass(frozen=True)
class Event:
    """Base of typed events: a frozen dataclass with a ``kind`` name. The
    payload is its fields as JSON; a subclass with nested or non-JSON fields
    rebuilds them in ``from_payload``."""

    kind: ClassVar[str]

    def payload(self) -> dict[str, Any]:
        return json.loads(json.dumps(dataclasses.asdict(self), cls=_Encoder))

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> Self:
        return cls(**payload)


class _Encoder(DjangoJSONEncoder):
    """Datetimes to the microsecond (Django's encoder keeps milliseconds)."""

    def default(self, o: Any) -> Any:
        if isinstance(o, dt.datetime):
            return o.isoformat()
        return super().default(o)


Handler = Callable[[Any], None]


def registry() -> dict[type[Event], list[Handler]]:
    """Event classes and their handlers (``settings.EVENT_HANDLERS``)."""
    return import_string(settings.EVENT_HANDLERS)


def handler_name(handler: Handler) -> str:
    return f"{handler.__module__}.{handler.__qualname__}"


def emit(event: Event) -> OutboxEvent:
    """Record ``event`` and a pending delivery per registered handler, in the
    caller's transaction; after the commit, queue the deliveries. Outside a
    transaction it refuses: the event must commit with what it reports."""
    if not connection.in_atomic_block:
        raise RuntimeError("emit() belongs inside the transaction that makes the event true")
    handlers = registry().get(type(event), [])
    row = OutboxEvent.objects.create(kind=event.kind, payload=event.payload())
    deliveries = EventDelivery.objects.bulk_create(
        EventDelivery(event=row, handler=handler_name(h)) for h in handlers
    )
    ids = [d.pk for d in deliveries]
    transaction.on_commit(lambda: _queue(ids))
    return row


def _queue(ids: list[int]) -> None:
    from .tasks import deliver_event

    for pk in ids:
        dispatch(deliver_event, delivery_id=pk)


def _resolve(delivery: EventDelivery) -> tuple[type[Event], Handler]:
    for event_class, handlers in registry().items():
        if event_class.kind != delivery.event.kind:
            continue
        for handler in handlers:
            if handler_name(handler) == delivery.handler:
                return event_class, handler
    raise LookupError(f"no handler {delivery.handler} for {delivery.event.kind}")


def deliver(*, delivery_id: int) -> bool:
    """Claim a delivery, run its handler, mark it done. False when another
    job has it or it is finished. A handler's error propagates (the delivery
    stays working until :func:`delivery_failed` says what happens next)."""
    if not HANDLING.claim(pks=[delivery_id]):
        return False
    delivery = EventDelivery.objects.select_related("event").get(pk=delivery_id)
    event_class, handler = _resolve(delivery)
    with HANDLING.holding([delivery_id]):
        handler(event_class.from_payload(delivery.event.payload))
    lifecycle.advance(
        EVENT_DELIVERY,
        to=E.DONE,
        pks=[delivery_id],
        values={"done_at": timezone.now(), "error": ""},
    )
    return True


def delivery_failed(*, delivery_id: int, error: str) -> bool:
    """After a handler's error: back to pending for a retry, or failed for
    good after ``MAX_ATTEMPTS``. True when it will be retried."""
    final = EventDelivery.objects.filter(pk=delivery_id, attempts__gte=MAX_ATTEMPTS).exists()
    lifecycle.advance(
        EVENT_DELIVERY,
        to=E.FAILED if final else E.PENDING,
        pks=[delivery_id],
        values={"error": error[:5000]},
        reason=error[:500],
    )
    return not final


def deliver_pending() -> int:
    """Run every pending delivery here and now, in this process (tests, and
    a shell after an outage); errors are recorded as the job would. Returns
    how many were done."""
    done = 0
    for pk in EventDelivery.objects.filter(status=E.PENDING).values_list("pk", flat=True):
        try:
            done += deliver(delivery_id=pk)
        except Exception as exc:
            log.exception("event delivery %s failed", pk)
            delivery_failed(delivery_id=pk, error=repr(exc))
    return done


def unhandled(event_class: type[Event], **payload: Any) -> int:
    """How many deliveries of the events of this class whose payload has
    these values are not done yet (a progress page waits for them)."""
    lookups = {f"event__payload__{name}": value for name, value in payload.items()}
    return (
        EventDelivery.objects.filter(event__kind=event_class.kind, **lookups)
        .exclude(status=E.DONE)
        .count()
    )


def sweep() -> int:
    """Re-queue deliveries left pending past the grace period, or held by a
    dead job."""
    ids = HANDLING.due()
    _queue(ids)
    return len(ids)
