"""The certificates' gauges for ``/metrics`` (``core.metrics``): how many
are pending, being issued, issued, failed and revoked, read from the
database at scrape time."""

from __future__ import annotations

import logging
from collections.abc import Iterator

from django.db import DatabaseError
from prometheus_client.core import GaugeMetricFamily, Metric

from . import selectors

log = logging.getLogger(__name__)


class CertificatesCollector:
    def collect(self) -> Iterator[Metric]:
        try:
            counts = selectors.status_counts()
        except DatabaseError as error:  # the database is away: left out, not a failed scrape
            log.warning("could not count certificates for metrics: %s", error)
            return
        gauge = GaugeMetricFamily(
            "apresiasi_certificates",
            "Certificates by status (issued, failed, pending, …).",
            labels=["status"],
        )
        for status, count in counts.items():
            gauge.add_metric([status], count)
        yield gauge
