"""Certificate jobs: thin wrappers around services."""

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

from . import services

log = logging.getLogger(__name__)

# Errors worth another try; anything else marks the certificate failed.
TRANSIENT = (OSError, ConnectionError, TimeoutError, SoftTimeLimitExceeded)


@shared_task(
    name="certificates.issue",
    bind=True,
    max_retries=5,
    acks_late=True,
    soft_time_limit=60,
    time_limit=90,
)
def issue_certificate(self, *, certificate_id: int) -> bool:
    """Render, sign and store one certificate. Safe to run twice or on two
    workers at once: the row is claimed before any work."""
    try:
        return services.certificate_issue(certificate_id=certificate_id)
    except TRANSIENT as exc:
        services.certificate_release(certificate_id=certificate_id)
        raise self.retry(exc=exc, countdown=min(2**self.request.retries * 5, 300)) from exc
    except Exception as exc:
        log.exception("certificate %s failed", certificate_id)
        services.certificate_fail(certificate_id=certificate_id, error=repr(exc))
        return False


@shared_task(name="certificates.sweep")
def sweep_certificates() -> int:
    return services.certificates_sweep()
