from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from core.errors import NotFoundError
from core.types import Viewer
from people.selectors import SECRETARIAT, user_employee, user_group_names

from .models import Certificate, normalize_code


def certificates_for_rendering() -> QuerySet[Certificate]:
    """Certificates with everything printed on them, in one query."""
    return Certificate.objects.select_related(
        "recipient__org_unit",
        "nomination__cycle",
        "nomination__category",
        "nomination__award_level",
    )


def certificate_list(*, user: Viewer) -> QuerySet[Certificate]:
    """The secretariat sees all; others the certificates they received or
    whose nomination they made."""
    base = Certificate.objects.select_related(
        "recipient", "nomination__cycle", "nomination__award_level"
    )
    if SECRETARIAT in user_group_names(user):
        return base.all()
    employee = user_employee(user)
    if employee is None:
        return base.none()
    return base.filter(Q(recipient=employee) | Q(nomination__nominator=employee))


def certificate_get(*, user: Viewer, pk: Any) -> Certificate:
    try:
        return certificate_list(user=user).get(pk=pk)
    except (Certificate.DoesNotExist, ValueError, TypeError):
        raise NotFoundError() from None


def certificate_by_code(code: str) -> Certificate:
    """An issued or revoked certificate by its verification code (any spelling)."""
    try:
        return Certificate.objects.select_related(
            "recipient",
            "nomination__cycle",
            "nomination__award_level",
        ).get(
            verification_code=normalize_code(code)[:20],
            status__in=[Certificate.Status.ISSUED, Certificate.Status.REVOKED],
        )
    except Certificate.DoesNotExist:
        raise NotFoundError() from None


def certificate_by_content(data: bytes) -> Certificate | None:
    digest = hashlib.sha256(data).hexdigest()
    return (
        Certificate.objects.select_related(
            "recipient",
            "nomination__cycle",
            "nomination__award_level",
        )
        .filter(sha256=digest, status__in=[Certificate.Status.ISSUED, Certificate.Status.REVOKED])
        .first()
    )


def _day(moment: dt.datetime | None) -> str | None:
    """The calendar day in the service's time zone (Asia/Jakarta by default)."""
    return timezone.localdate(moment).isoformat() if moment else None


def verification_payload(certificate: Certificate) -> dict:
    """What the public may know: nothing about NIP, e-mail, scores, evidence or money."""
    level = certificate.nomination.award_level
    return {
        "status": "revoked" if certificate.status == Certificate.Status.REVOKED else "valid",
        "recipient_name": certificate.recipient.name,
        "award": level.name_id if level else None,
        "cycle": certificate.nomination.cycle.name,
        "issued_on": _day(certificate.issued_at),
        "serial": certificate.serial,
        "sha256": certificate.sha256,
        "revoked_on": certificate.revoked_at.date().isoformat() if certificate.revoked_at else None,
    }


def live_certificate_code(*, nomination: OuterRef, recipient: OuterRef) -> Subquery:
    """A subquery for annotating another app's rows with the verification code
    of the issued (and not revoked) certificate of ``recipient`` for
    ``nomination``: a link to its verification page works from the moment it
    appears."""
    return Subquery(
        Certificate.objects.filter(
            nomination=nomination, recipient=recipient, status=Certificate.Status.ISSUED
        )
        .order_by("-id")
        .values("verification_code")[:1]
    )


# A certificate is one page; anything bigger is not one of ours.
MAX_UPLOAD_BYTES = 20 * 2**20


def verification_by_content(data: bytes) -> dict:
    """What the public learns from an uploaded PDF: the certificate it is
    byte for byte (``verification_payload`` fields, or ``status: None``),
    ``matches``, and whether its signature is ours and intact."""
    from . import signing

    certificate = certificate_by_content(data)
    body = verification_payload(certificate) if certificate else {"status": None}
    body.update(matches=certificate is not None, signature_valid=signing.validate_pdf(data))
    return body


def status_counts() -> dict[str, int]:
    """How many certificates are in each status (every status, zeros too;
    one query)."""
    found = dict(
        Certificate.objects.order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return {status: found.get(status, 0) for status in Certificate.Status.values}
