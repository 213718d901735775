"""Prometheus metrics at ``/metrics``, for the networks in
``METRICS_ALLOWED_NETWORKS`` only (anyone else gets 404).

- Requests: django-prometheus' middleware (latency by view and method,
  responses by status, exceptions). Under gunicorn with several processes,
  set ``PROMETHEUS_MULTIPROC_DIR`` so every process' counts are summed.
- Jobs: messages waiting in each Celery queue (read from the broker at
  scrape time) and task outcomes (succeeded, failed, retried) by task,
  counted by every worker in the broker's Redis, so one scrape of any web
  process sees the whole deployment.
- Each app adds its own gauges through ``METRICS_COLLECTORS`` (certificates
  issued and failed: ``certificates.metrics``), read from the database at
  scrape time, so they survive restarts and agree across machines.
"""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Iterator
from typing import Any

from celery.signals import task_failure, task_retry, task_success
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.module_loading import import_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector

from .net import client_ip, in_networks

log = logging.getLogger(__name__)

OUTCOMES_KEY = "apresiasi:metrics:task-outcomes"


@functools.cache
def _broker():  # the broker's Redis, or None (the embedded default's memory://)
    url = settings.CELERY_BROKER_URL
    if not url.startswith(("redis://", "rediss://")):
        return None
    import redis

    return redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)


def _count_outcome(task_name: str | None, outcome: str) -> None:
    broker = _broker()
    if broker is None or not task_name:
        return
    try:
        broker.hincrby(OUTCOMES_KEY, f"{task_name}|{outcome}", 1)
    except Exception as error:  # a metric never fails a job
        log.info("could not count a task outcome: %s", error)


@task_success.connect
def _succeeded(sender: Any = None, **kwargs: Any) -> None:
    _count_outcome(getattr(sender, "name", None), "succeeded")


@task_failure.connect
def _failed(sender: Any = None, **kwargs: Any) -> None:
    _count_outcome(getattr(sender, "name", None), "failed")


@task_retry.connect
def _retried(sender: Any = None, **kwargs: Any) -> None:
    _count_outcome(getattr(sender, "name", None), "retried")


class JobsCollector:
    """Queue depths and task outcomes, read from the broker at scrape time."""

    def collect(self) -> Iterator[Metric]:
        broker = _broker()
        if broker is None:
            return
        waiting = GaugeMetricFamily(
            "apresiasi_celery_queue_messages",
            "Messages waiting in a Celery queue.",
            labels=["queue"],
        )
        outcomes = CounterMetricFamily(
            "apresiasi_celery_tasks",
            "Background jobs finished, by task and outcome, across every worker.",
            labels=["task", "outcome"],
        )
        try:
            for queue in settings.CELERY_TASK_QUEUES:
                waiting.add_metric([queue.name], broker.llen(queue.name))
            for key, value in sorted(broker.hgetall(OUTCOMES_KEY).items()):
                task, _, outcome = key.decode().partition("|")
                outcomes.add_metric([task, outcome], int(value))
        except Exception as error:  # the broker is away: say so by leaving these out
            log.info("could not read the queues for metrics: %s", error)
            return
        yield waiting
        yield outcomes


@functools.cache
def _app_registry() -> CollectorRegistry:
    registry = CollectorRegistry(auto_describe=False)
    for path in settings.METRICS_COLLECTORS:
        registry.register(import_string(path)())
    return registry


def _may_scrape(request: HttpRequest) -> bool:
    return in_networks(client_ip(request), settings.METRICS_ALLOWED_NETWORKS)


@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    """The Prometheus text format: this process' (or, with
    ``PROMETHEUS_MULTIPROC_DIR``, every process') request metrics, then the
    deployment-wide ones. 404 outside the allowed networks."""
    if not _may_scrape(request):
        raise Http404
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        processes = CollectorRegistry()
        MultiProcessCollector(processes)
        body = generate_latest(processes)
    else:
        body = generate_latest(REGISTRY)
    body += generate_latest(_app_registry())
    return HttpResponse(body, content_type=CONTENT_TYPE_LATEST)
