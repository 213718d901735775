"""Writes of the certificates app: create, issue, revoke, re-issue.

Issuing follows the background-job pattern (STYLE.md): the row is created
``pending`` in the publishing transaction; the job is dispatched after
commit; the job claims the row with a conditional UPDATE (pending → working),
renders, signs, stores and marks it ``issued`` — or ``failed`` with the error.
A sweeper re-dispatches rows left pending (a lost message, a broker that was
down) and rows whose worker died mid-job.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core import lifecycle
from core.errors import ConflictError, NotFoundError
from core.jobs import dispatch
from core.types import Actor

from .models import Certificate
from .selectors import certificates_for_rendering
from .workflow import CERTIFICATE, ISSUING

log = logging.getLogger(__name__)
S = Certificate.Status
TEMPLATE_VERSION = "2026.1"


# Certificates laid out together in one job: the document set-up is shared,
# which roughly halves the rendering time per certificate.
BATCH_SIZE = 20
# A failed certificate is tried again by the sweeper after this long, until
# it has been claimed this many times in all (each retry of a job counts).
RETRY_FAILED_AFTER = dt.timedelta(minutes=1)
MAX_ATTEMPTS = 8


def _dispatch(certificate_ids: list[int]) -> None:
    """Queue issue jobs in batches; a broker outage only delays them (the
    sweeper retries)."""
    from .tasks import issue_certificates

    for start in range(0, len(certificate_ids), BATCH_SIZE):
        batch = certificate_ids[start : start + BATCH_SIZE]
        if not dispatch(issue_certificates, certificate_ids=batch):
            return  # broker down: the rest stay pending for the sweeper


def certificates_create(*, awards: list[tuple[int, int]]) -> list[int]:
    """Pending certificates for awarded nominees (``(nomination id, employee
    id)`` pairs, from the results-published event), in one transaction, with
    their issue jobs queued after the commit. Idempotent: the partial unique
    constraint skips nominees who already have a live certificate. Returns
    the ids of the pending ones."""
    with transaction.atomic():
        Certificate.objects.bulk_create(
            [Certificate(nomination_id=n, recipient_id=e) for n, e in awards],
            ignore_conflicts=True,
        )
        ids = list(
            Certificate.objects.filter(
                nomination_id__in={n for n, _e in awards}, status=S.PENDING
            ).values_list("pk", flat=True)
        )
        transaction.on_commit(lambda: _dispatch(ids))
    return ids


def certificate_claim(*, certificate_id: int) -> bool:
    """pending (or working but stale) → working; False if another job has it."""
    return bool(ISSUING.claim(pks=[certificate_id]))


def certificates_claim(*, certificate_ids: list[int]) -> list[int]:
    """``certificate_claim`` for a batch in one transaction: rows another job
    holds (locked or claimed) are skipped, never waited for."""
    return ISSUING.claim(pks=certificate_ids)


def certificate_issue(*, certificate_id: int) -> bool:
    """Claim, render, sign, store, mark issued. Returns False when there was
    nothing to do (gone, already issued, or claimed by another job)."""
    from . import rendering, signing

    if not certificate_claim(certificate_id=certificate_id):
        return False
    with ISSUING.holding([certificate_id]):
        certificate = certificates_for_rendering().get(pk=certificate_id)
        pdf = signing.sign_pdf(rendering.render_certificate(certificate))
        return _store([(certificate, pdf)]) == 1


def certificates_issue_batch(*, certificate_ids: list[int]) -> int:
    """Issue several certificates with one layout pass. The rows are claimed
    first (rows another job holds are skipped); if the batch cannot be laid
    out, the claims are released and each certificate is issued on its own,
    so one bad certificate never holds up the others. Returns how many were
    issued."""
    from . import rendering, signing

    claimed = certificates_claim(certificate_ids=certificate_ids)
    if not claimed:
        return 0
    with ISSUING.holding(claimed):
        certificates = list(certificates_for_rendering().filter(pk__in=claimed).order_by("pk"))
        try:
            pdfs = rendering.render_certificates(certificates)
        except Exception:
            log.warning("batch layout failed; issuing one by one", exc_info=True)
            ISSUING.release(pks=claimed, reason="batch layout failed")
            return sum(certificate_issue(certificate_id=pk) for pk in claimed)
        signed = [signing.sign_pdf(pdf) for pdf in pdfs]
        return _store(list(zip(certificates, signed, strict=True)))


def _store(issued: list[tuple[Certificate, bytes]]) -> int:
    """Save the signed files, then mark the certificates issued (those still
    ours) in one transaction. A file whose certificate was revoked meanwhile
    is deleted, and so is every file of a store that fails half way (the
    database went away): no file is left without its row. Returns how many
    were marked issued."""
    stored: list[tuple[Certificate, str, str]] = []
    try:
        for certificate, pdf in issued:
            name = certificate.file.storage.save(
                f"certificates/{certificate.created_at:%Y}/{certificate.verification_code}.pdf",
                ContentFile(pdf),
            )
            stored.append((certificate, name, hashlib.sha256(pdf).hexdigest()))
        issued_now = set(
            lifecycle.advance(
                CERTIFICATE,
                to=S.ISSUED,
                pks=[certificate.pk for certificate, _name, _digest in stored],
                values={
                    "issued_at": timezone.now(),
                    "template_version": TEMPLATE_VERSION,
                    "error": "",
                },
                row_values={
                    certificate.pk: {"file": name, "sha256": digest}
                    for certificate, name, digest in stored
                },
            )
        )
        # Revoked while rendering: keep nothing.
        orphans = [name for c, name, _digest in stored if c.pk not in issued_now]
    except BaseException:
        _remove_unrecorded([name for _c, name, _d in stored])
        raise
    for name in orphans:
        Certificate.file.field.storage.delete(name)
    return len(stored) - len(orphans)


def _remove_unrecorded(names: list[str]) -> None:
    """Delete the files no certificate row names. The row is asked again on
    a fresh connection (a commit cut off by a broken connection may have
    landed); if even that fails, the files are kept: an unused file is
    better than an issued certificate without its file."""
    if not names:
        return
    try:
        if not connection.in_atomic_block:
            connection.close()
        recorded = set(Certificate.objects.filter(file__in=names).values_list("file", flat=True))
    except Exception:
        log.warning("could not check which of %d files were recorded; kept", len(names))
        return
    for name in set(names) - recorded:
        Certificate.file.field.storage.delete(name)


def certificate_fail(*, certificate_id: int, error: str) -> None:
    """working → failed, keeping the error for the secretariat."""
    lifecycle.advance(
        CERTIFICATE,
        to=S.FAILED,
        pks=[certificate_id],
        values={"error": error[:5000]},
        reason=error[:500],
    )


def certificate_release(*, certificate_id: int) -> None:
    """Back to pending after a transient error, for the retry."""
    ISSUING.release(pks=[certificate_id], reason="transient error; retried")


def certificates_sweep() -> int:
    """Re-dispatch certificates left pending past the grace period, held by
    a dead job, or failed a minute ago with attempts to spare."""
    retried = lifecycle.advance(
        CERTIFICATE,
        to=S.PENDING,
        pks=list(
            Certificate.objects.filter(
                status=S.FAILED,
                attempts__lt=MAX_ATTEMPTS,
                updated_at__lt=timezone.now() - RETRY_FAILED_AFTER,
            ).values_list("pk", flat=True)[:500]
        ),
        where=Q(status=S.FAILED),
        reason="failed; retried automatically",
    )
    ids = sorted(set(ISSUING.due()) | set(retried))
    _dispatch(ids)
    return len(ids)


def certificate_revoke(*, certificate_id: int, actor: Actor, reason: str) -> Certificate:
    """The secretariat revokes a certificate; verification then says so."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the certificate is revoked.")})

    def record(certificate: Certificate) -> None:
        certificate.revoked_at = timezone.now()
        certificate.revoked_reason = reason

    return lifecycle.transition(
        CERTIFICATE, pk=certificate_id, to=S.REVOKED, actor=actor, reason=reason, apply=record
    )


def certificates_reissue_for_cycle(*, cycle_id: int, actor: Actor, reason: str) -> list[int]:
    """Revoke every live issued certificate of a cycle and create its
    replacement (pending), and put every failed one back to pending (it was
    never issued: same serial, nothing to revoke), in one transaction.
    Returns the ids to issue; the caller issues them (the bulk job, with
    progress)."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the certificates are re-issued.")})
    if not actor.has_perm("certificates.revoke_certificate", None):
        raise NotFoundError()
    with transaction.atomic():
        issued = Certificate.objects.filter(nomination__cycle_id=cycle_id, status=S.ISSUED)
        old = lifecycle.transition_many(
            CERTIFICATE,
            pks=issued.values_list("pk", flat=True),
            to=S.REVOKED,
            actor=actor,
            reason=reason,
            values={"revoked_at": timezone.now(), "revoked_reason": reason},
        )
        new = Certificate.objects.bulk_create(
            Certificate(nomination_id=c.nomination_id, recipient_id=c.recipient_id, replaces=c)
            for c in old
        )
        failed = Certificate.objects.filter(nomination__cycle_id=cycle_id, status=S.FAILED)
        retried = lifecycle.transition_many(
            CERTIFICATE,
            pks=failed.values_list("pk", flat=True),
            to=S.PENDING,
            actor=actor,
            reason=reason,
        )
    return [c.pk for c in new] + [c.pk for c in retried]


def certificate_reissue(*, certificate_id: int, actor: Actor, reason: str) -> Certificate:
    """Revoke and issue anew (a corrected name, a new template): a new serial
    and verification code; the old one verifies as revoked."""
    with transaction.atomic():
        old = certificate_revoke(certificate_id=certificate_id, actor=actor, reason=reason)
        try:
            new = Certificate.objects.create(
                nomination_id=old.nomination_id, recipient_id=old.recipient_id, replaces=old
            )
        except IntegrityError:
            raise ConflictError(_("A newer certificate already exists.")) from None
        transaction.on_commit(lambda: _dispatch([new.pk]))
    return new
