"""Background jobs: dispatching without letting a broker outage break a
request, and claiming a job's row so that it is done once.

The pattern (STYLE.md): a service creates the row *pending* in its
transaction and dispatches the job after commit; the job claims the row
(pending → working, a conditional move through ``core.lifecycle.advance``)
and returns if it lost the race; it marks the row done or failed; a sweeper
re-dispatches rows left pending (a lost message, a broker that was down) and
rows whose worker died mid-job (a claim not renewed for ``STALE_AFTER``).

A job renews its claim while it works (``ClaimableJob.holding``: a heartbeat
every ``HEARTBEAT`` seconds), so a claim goes stale seconds after its worker
died, not minutes. The sweepers run on beat's schedule and also in every
worker (``core.worker.Sweeps``: when it connects to the broker and every
``JOB_SWEEP_SECONDS``), so work left over by an outage resumes within a
minute of the broker's return even with beat stopped.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import logging
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django_guid import get_guid, set_guid

from . import lifecycle
from .lifecycle import Lifecycle
from .types import Actor, Viewer

log = logging.getLogger(__name__)

# A job renews its claim this often while it works...
HEARTBEAT = dt.timedelta(seconds=settings.JOB_HEARTBEAT_SECONDS)
# ... and a claim not renewed for this long is presumed dead (its worker was
# killed or lost its database).
STALE_AFTER = HEARTBEAT * 4
# How long a pending row waits for its message before the sweeper sends another.
GRACE = dt.timedelta(seconds=settings.JOB_GRACE_SECONDS)

# Jobs dispatched in the current context that the broker refused (``tracking``).
_refused: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar(
    "refused_dispatches", default=None
)


@contextlib.contextmanager
def tracking() -> Iterator[list[str]]:
    """Collect the names of jobs whose dispatch failed within the block
    (dispatches run after commit, so wrap the whole service call): a view
    can then tell its user the work is saved but waits for the queue."""
    refused: list[str] = []
    token = _refused.set(refused)
    try:
        yield refused
    finally:
        _refused.reset(token)


@contextlib.contextmanager
def _same_request_id() -> Iterator[None]:
    """The request keeps its id (``X-Request-ID``, on its logs) across a job
    it queues: a job run eagerly, inside the request (the embedded default),
    is given an id of its own by django-guid, which clears it afterwards."""
    outer = get_guid()
    try:
        yield
    finally:
        if get_guid() != outer:
            set_guid(outer)


def dispatch(task: Any, *, countdown: float | None = None, **kwargs: Any) -> bool:
    """Queue ``task(**kwargs)`` (after ``countdown`` seconds if given); on a
    broker error log it and return False.

    Call it from ``transaction.on_commit``: the state change is already saved,
    and every job here has a periodic sweeper that re-dispatches work left
    undone, so a broker outage delays the job but loses nothing. (Without
    ``retry=False`` a publish to a dead broker retries and can hang the request.)
    """
    try:
        # No result is awaited (the job's row says how it went), so nothing
        # subscribes to the result backend here: with Redis down that
        # subscription alone retried for 20 seconds inside the request.
        with _same_request_id():
            task.apply_async(kwargs=kwargs, countdown=countdown, retry=False, ignore_result=True)
    except Exception:
        log.warning(
            "could not queue %s(%s); its sweeper will retry", task.name, kwargs, exc_info=True
        )
        refused = _refused.get()
        if refused is not None:
            refused.append(task.name)
        return False
    return True


def start(task: Any, *, actor: Actor, **kwargs: Any) -> str:
    """Queue ``task(**kwargs)`` for a person who follows its progress, and
    record who started it (``task_visible``); returns the task id. A broker
    error propagates (nothing is recorded): the caller says the queue is down."""
    import uuid

    from .models import StartedTask

    task_id = str(uuid.uuid4())
    record = StartedTask.objects.create(task_id=task_id, name=task.name, started_by_id=actor.pk)
    try:
        with _same_request_id():
            task.apply_async(kwargs=kwargs, task_id=task_id, retry=False)
    except Exception:
        record.delete()
        raise
    return task_id


def task_visible(*, user: Viewer, task_id: str) -> bool:
    """Whether ``user`` may follow the task: its starter, and whoever has
    ``core.view_task`` on it (the secretariat; see ``people/rules.py``)."""
    from .models import StartedTask

    record = StartedTask.objects.filter(task_id=task_id[:64]).first()
    return record is not None and bool(user.has_perm("core.view_task", record))


def task_payload(task_id: str) -> dict:
    """``{id, state, progress, result}`` of a task, for API answers."""
    from celery.result import AsyncResult

    result = AsyncResult(task_id)
    state = result.state
    progress = result.info if state == "PROGRESS" and isinstance(result.info, dict) else None
    value = result.result if state == "SUCCESS" else None
    return {"id": task_id, "state": state, "progress": progress, "result": value}


@dataclass(frozen=True)
class ClaimableJob:
    """The job rows of one model: ``claimed_at`` and ``attempts`` fields,
    and a lifecycle whose table has ``pending → working``, ``working →
    working`` (a stale claim taken over) and ``working → pending`` (released
    for a retry)."""

    lifecycle: Lifecycle
    pending: str = "pending"
    working: str = "working"
    stale_after: dt.timedelta = STALE_AFTER
    grace: dt.timedelta = GRACE

    def _state(self, value: str) -> Q:
        return Q(**{self.lifecycle.field: value})

    def claimable(self, now: dt.datetime) -> Q:
        """Pending, or held by a job presumed dead."""
        return self._state(self.pending) | (
            self._state(self.working) & Q(claimed_at__lt=now - self.stale_after)
        )

    def claim(self, *, pks: Iterable[Any]) -> list[Any]:
        """pending (or working but stale) → working, for the rows of ``pks``
        that no other job holds (locked rows are skipped, never waited for).
        Returns the ids claimed: ``[]`` means another job has them."""
        now = timezone.now()
        return lifecycle.advance(
            self.lifecycle,
            to=self.working,
            pks=pks,
            where=self.claimable(now),
            values={"claimed_at": now, "attempts": F("attempts") + 1},
            skip_locked=True,
        )

    def release(self, *, pks: Iterable[Any], reason: str = "") -> list[Any]:
        """working → pending after a transient error, for the retry."""
        return lifecycle.advance(
            self.lifecycle, to=self.pending, pks=pks, where=self._state(self.working), reason=reason
        )

    @contextlib.contextmanager
    def holding(self, pks: Iterable[Any]) -> Iterator[None]:
        """Renew the claims on ``pks`` every ``HEARTBEAT`` while the block
        runs (a thread with its own database connection), so that they go
        stale soon after the worker dies and not while it works. Jobs that
        run eagerly (the embedded default) have no worker to lose: no thread."""
        from celery import current_app

        if current_app.conf.task_always_eager:
            yield
            return
        pks = list(pks)
        stop = threading.Event()
        thread = threading.Thread(
            target=self._beat, args=(pks, stop), name="claim-heartbeat", daemon=True
        )
        thread.start()
        try:
            yield
        finally:
            stop.set()
            thread.join()

    def _beat(self, pks: list[Any], stop: threading.Event) -> None:
        from django.db import connection

        model = self.lifecycle.model
        try:
            while not stop.wait(HEARTBEAT.total_seconds()):
                # Rows locked by the job itself (marking them done) are
                # skipped, never waited for: no deadlock with the job.
                held = (
                    model._default_manager.filter(self._state(self.working), pk__in=pks)
                    .select_for_update(skip_locked=True)
                    .values("pk")
                )
                try:
                    with transaction.atomic():
                        model._default_manager.filter(pk__in=held).update(claimed_at=timezone.now())
                except Exception:  # the database is away: the claim may go stale
                    log.warning("could not renew the claims on %s", pks, exc_info=True)
                    connection.close()
        finally:
            connection.close()

    def due(self, *, limit: int = 500) -> list[Any]:
        """Ids for the sweeper: pending longer than ``grace``, or stale."""
        now = timezone.now()
        query = (self._state(self.pending) & Q(updated_at__lt=now - self.grace)) | (
            self._state(self.working) & Q(claimed_at__lt=now - self.stale_after)
        )
        model = self.lifecycle.model
        return list(model._default_manager.filter(query).values_list("pk", flat=True)[:limit])
