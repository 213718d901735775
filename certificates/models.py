from __future__ import annotations

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel

# 12 random bytes = 96 bits, written as 20 base-32 characters in groups of 4.
CODE_BYTES = 12
_B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


def new_verification_code() -> str:
    value = int.from_bytes(secrets.token_bytes(CODE_BYTES), "big")
    return "".join(_B32[(value >> (5 * i)) & 31] for i in range(20))


def normalize_code(code: str) -> str:
    return "".join(ch for ch in str(code).upper() if ch.isalnum())


def group_code(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


class Certificate(TimeStampedModel):
    """A certificate for one awarded nominee of one nomination.

    Lifecycle: pending → working (claimed by a job) → issued, or failed (with
    the error kept); issued → revoked (with reason and time). At most one
    certificate per nominee and nomination that is not revoked (a partial
    unique constraint), so a job or a publication that runs twice creates
    nothing twice; a re-issue revokes the old one first.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        WORKING = "working", _("being issued")
        ISSUED = "issued", _("issued")
        FAILED = "failed", _("failed")
        REVOKED = "revoked", _("revoked")

    nomination = models.ForeignKey(
        "nominations.Nomination", on_delete=models.PROTECT, related_name="certificates"
    )
    recipient = models.ForeignKey(
        "people.Employee", on_delete=models.PROTECT, related_name="certificates"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    verification_code = models.CharField(
        _("verification code"),
        max_length=20,
        unique=True,
        default=new_verification_code,
        editable=False,
    )
    file = models.FileField(_("file"), upload_to="certificates/%Y/", blank=True, max_length=200)
    sha256 = models.CharField(max_length=64, blank=True)
    template_version = models.CharField(max_length=20, blank=True)
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(_("error"), blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_reason = models.TextField(_("revocation reason"), blank=True)
    replaces = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replaced_by"
    )

    class Meta:
        ordering = ["-id"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        constraints = [
            models.UniqueConstraint(
                fields=["nomination", "recipient"],
                condition=~models.Q(status="revoked"),
                name="one_live_certificate_per_nominee",
            ),
        ]

    def __str__(self) -> str:
        return self.serial

    @property
    def serial(self) -> str:
        """Human-readable serial from the database-generated id: ``APR/2026/000123``."""
        year = (self.created_at.year if self.created_at else 0) or 0
        return f"APR/{year}/{self.pk or 0:06d}"

    @property
    def grouped_code(self) -> str:
        return group_code(self.verification_code)
