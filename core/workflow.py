"""The lifecycle of core's own job rows: an event handed to a handler
(``core.events``)::

    pending → working (claimed) → done | failed
    working → working (a stale claim taken over) | pending (released for a retry)
"""

from __future__ import annotations

from .jobs import ClaimableJob
from .lifecycle import Lifecycle
from .models import EventDelivery

E = EventDelivery.Status

EVENT_DELIVERY = Lifecycle(
    model=EventDelivery,
    table={
        E.PENDING: {E.WORKING},
        E.WORKING: {E.WORKING, E.PENDING, E.DONE, E.FAILED},
        E.DONE: set(),
        E.FAILED: set(),
    },
)
HANDLING = ClaimableJob(EVENT_DELIVERY, pending=E.PENDING, working=E.WORKING)
