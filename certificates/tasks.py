"""Certificate jobs: thin wrappers around services."""

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.db import InterfaceError, OperationalError, connection

from . import services

log = logging.getLogger(__name__)

# Errors worth another try; anything else marks the certificate failed. A
# database connection that broke (a restart, a terminated backend) is one.
TRANSIENT = (
    OSError,
    ConnectionError,
    TimeoutError,
    SoftTimeLimitExceeded,
    OperationalError,
    InterfaceError,
)


def _ids(*values: object) -> None:
    """Refuse a malformed message before any work: Celery logs it once and
    acknowledges it (nothing to mark failed, nothing to retry)."""
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        raise TypeError(f"certificate ids must be integers, not {values!r}")


def _recover(exc: BaseException) -> None:
    """After a database error, drop the broken connection: the next query
    (releasing the claim, the retry) opens a new one."""
    if isinstance(exc, OperationalError | InterfaceError) and not connection.in_atomic_block:
        connection.close()


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
    _ids(certificate_id)
    try:
        return services.certificate_issue(certificate_id=certificate_id)
    except TRANSIENT as exc:
        _recover(exc)
        if self.request.retries >= self.max_retries:  # it keeps failing: show it
            services.certificate_fail(certificate_id=certificate_id, error=repr(exc))
            return False
        services.certificate_release(certificate_id=certificate_id)
        raise self.retry(exc=exc, countdown=min(2**self.request.retries * 5, 300)) from exc
    except Exception as exc:
        log.exception("certificate %s failed", certificate_id)
        services.certificate_fail(certificate_id=certificate_id, error=repr(exc))
        return False


@shared_task(
    name="certificates.issue_batch",
    bind=True,
    max_retries=5,
    acks_late=True,
    soft_time_limit=120,
    time_limit=180,
)
def issue_certificates(self, *, certificate_ids: list[int]) -> int:
    """Issue a batch of certificates (publication and the sweeper queue these)."""
    _ids(*certificate_ids)
    try:
        return services.certificates_issue_batch(certificate_ids=certificate_ids)
    except TRANSIENT as exc:
        _recover(exc)
        for pk in certificate_ids:
            if self.request.retries >= self.max_retries:
                services.certificate_fail(certificate_id=pk, error=repr(exc))
            else:
                services.certificate_release(certificate_id=pk)
        if self.request.retries >= self.max_retries:
            return 0
        raise self.retry(exc=exc, countdown=min(2**self.request.retries * 5, 300)) from exc
    except Exception as exc:
        log.exception("certificates %s failed", certificate_ids)
        for pk in certificate_ids:
            services.certificate_fail(certificate_id=pk, error=repr(exc))
        return 0


@shared_task(name="certificates.sweep")
def sweep_certificates() -> int:
    return services.certificates_sweep()


@shared_task(
    name="certificates.reissue_cycle",
    bind=True,
    acks_late=True,
    soft_time_limit=3600,
    time_limit=3700,
)
def reissue_cycle(self, *, cycle_id: int, actor_id: int, reason: str) -> dict:
    """Re-issue every certificate of a cycle, reporting progress as it goes.

    Safe to re-run: replacements are created once (the old ones are then
    revoked), and each issue claims its row first; the sweeper finishes any
    that a dead worker left behind."""
    from django.contrib.auth import get_user_model

    actor = get_user_model().objects.get(pk=actor_id)
    ids = services.certificates_reissue_for_cycle(cycle_id=cycle_id, actor=actor, reason=reason)
    for done, pk in enumerate(ids, start=1):
        try:
            services.certificate_issue(certificate_id=pk)
        except Exception as exc:
            log.exception("certificate %s failed", pk)
            services.certificate_fail(certificate_id=pk, error=repr(exc))
        self.update_state(
            state="PROGRESS", meta={"done": done, "total": len(ids), "stage": "issuing"}
        )
    return {"reissued": len(ids)}
