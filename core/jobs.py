"""Dispatching background jobs without letting a broker outage break a request."""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)


def dispatch(task, *, countdown: float | None = None, **kwargs) -> bool:
    """Queue ``task(**kwargs)`` (after ``countdown`` seconds if given); on a
    broker error log it and return False.

    Call it from ``transaction.on_commit``: the state change is already saved,
    and every job here has a periodic sweeper that re-dispatches work left
    undone, so a broker outage delays the job but loses nothing. (Without
    ``retry=False`` a publish to a dead broker retries and can hang the request.)
    """
    try:
        task.apply_async(kwargs=kwargs, countdown=countdown, retry=False)
    except Exception:
        log.warning(
            "could not queue %s(%s); its sweeper will retry", task.name, kwargs, exc_info=True
        )
        return False
    return True


def task_payload(task_id: str) -> dict:
    """``{id, state, progress, result}`` of a task, for API answers."""
    from celery.result import AsyncResult

    result = AsyncResult(task_id)
    state = result.state
    progress = result.info if state == "PROGRESS" and isinstance(result.info, dict) else None
    value = result.result if state == "SUCCESS" else None
    return {"id": task_id, "state": state, "progress": progress, "result": value}
