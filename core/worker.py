"""The Celery worker's own parts: the sweepers it runs itself, and a Redis
transport that survives a message that is not one.

``Sweeps`` is a consumer step (Celery's bootsteps): it starts each time the
worker connects to the broker — at start and after every reconnection — and
then every ``JOB_SWEEP_SECONDS``. It queues the sweeper tasks of
``settings.JOB_SWEEPS``; they re-dispatch work left pending by an outage and
claims left stale by a dead worker (``core.jobs``). Beat runs the same
sweepers on its schedule; with this step the work resumes within a minute of
the broker's return even when beat is down. Several workers sweeping at once
is harmless: every job claims its rows first.

``RedisTransport`` is kombu's Redis transport with one guard: a message that
is not a kombu message (not JSON, or JSON without the envelope) is logged
once and dropped, where kombu 5.7 lets the decoding error escape and the
worker exits. The message has already been popped from the queue, so it is
never redelivered. Settings use it for ``redis://`` brokers.
"""

from __future__ import annotations

import binascii
import logging
from typing import Any

from celery import bootsteps
from django.conf import settings
from kombu.transport import redis

log = logging.getLogger(__name__)


class Sweeps(bootsteps.StartStopStep):
    """Queue the sweepers when the consumer (re)connects, then periodically."""

    requires = ("celery.worker.consumer.tasks:Tasks",)

    def __init__(self, parent: Any, **kwargs: Any) -> None:
        self.timer_ref: Any = None
        super().__init__(parent, **kwargs)

    def start(self, parent: Any) -> None:
        self.sweep(parent)
        self.timer_ref = parent.timer.call_repeatedly(
            settings.JOB_SWEEP_SECONDS, self.sweep, (parent,)
        )

    def stop(self, parent: Any) -> None:
        if self.timer_ref is not None:
            self.timer_ref.cancel()
            self.timer_ref = None

    shutdown = stop

    def sweep(self, parent: Any) -> None:
        for name in settings.JOB_SWEEPS:
            try:
                parent.app.send_task(name, retry=False, ignore_result=True)
            except Exception as error:  # the broker is away; the next round retries
                log.info("could not queue the sweeper %s: %s", name, error)
                return


class RedisTransport(redis.Transport):
    """kombu's Redis transport; a message that cannot be read is dropped."""

    class Channel(redis.Channel):
        def _brpop_read(self, **options: Any) -> Any:
            try:
                return super()._brpop_read(**options)
            except ValueError as error:  # json.JSONDecodeError: not a message at all
                log.error("dropped a message that is not JSON: %s", error)
                return True

    def _deliver(self, message: Any, queue: str) -> None:
        try:
            super()._deliver(message, queue)
        except (KeyError, TypeError, AttributeError, binascii.Error) as error:
            # JSON, but not a kombu envelope (no properties, no delivery tag).
            log.error("dropped a message that is not a task message: %r (%r)", message, error)
