"""Rewards: incentive policies and records, public recognition posts and their
delivery to outgoing webhooks.

Everything a publication creates here has a unique constraint that makes it
happen once, whatever retries or duplicate events occur: one incentive record
per nomination, nominee and kind; one post per nomination; one delivery per
post and endpoint; one award e-mail per nominee and nomination.
"""

from __future__ import annotations

import base64
import secrets
import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import MailAttempts, TimeStampedModel


class IncentiveKind(models.TextChoices):
    """Each kind becomes the career event of the same name when approved."""

    BONUS = "bonus", _("bonus")
    TRAINING = "training", _("training entitlement")
    CREDIT_POINTS = "credit_points", _("credit points (angka kredit)")
    TALENT_POOL = "talent_pool", _("talent-pool nomination")
    RECOGNITION = "recognition", _("recognition only")


# What the amount of each kind counts.
KIND_UNITS = {
    IncentiveKind.BONUS: "IDR",
    IncentiveKind.TRAINING: "hours",
    IncentiveKind.CREDIT_POINTS: "points",
    IncentiveKind.TALENT_POOL: "",
    IncentiveKind.RECOGNITION: "",
}


class IncentiveRule(models.Model):
    """One line of a cycle's incentive policy: what an award level earns."""

    award_level = models.ForeignKey(
        "nominations.AwardLevel",
        verbose_name=_("award level"),
        on_delete=models.CASCADE,
        related_name="incentive_rules",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=IncentiveKind.choices)
    amount = models.DecimalField(_("amount"), max_digits=16, decimal_places=2, default=Decimal(0))

    class Meta:
        ordering = ["award_level", "kind"]
        verbose_name = _("incentive rule")
        verbose_name_plural = _("incentive rules")
        constraints = [
            models.UniqueConstraint(fields=["award_level", "kind"], name="rule_once_per_level"),
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="rule_amount_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.award_level_id}: {self.kind} {self.amount}"


class BonusBudget(models.Model):
    """A cycle's bonus budget and the part of it approved so far.

    ``approved`` only moves through one conditional UPDATE per approval, so two
    HR officers approving at the same moment are serialised by the row lock;
    the check constraint is the last line.
    """

    cycle = models.OneToOneField(
        "nominations.Cycle",
        verbose_name=_("cycle"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="bonus_budget",
    )
    amount = models.DecimalField(
        _("bonus budget (IDR)"), max_digits=16, decimal_places=2, default=Decimal(0)
    )
    approved = models.DecimalField(
        _("approved so far (IDR)"), max_digits=16, decimal_places=2, default=Decimal(0)
    )

    class Meta:
        verbose_name = _("bonus budget")
        verbose_name_plural = _("bonus budgets")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(approved__lte=models.F("amount")) & models.Q(approved__gte=0),
                name="budget_not_overspent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cycle_id}: {self.approved}/{self.amount}"

    @property
    def left(self) -> Decimal:
        return self.amount - self.approved


class Publication(TimeStampedModel):
    """The rewards job of one published cycle (pending → working → done).

    Created inside the publishing transaction; its job is dispatched after
    commit; a sweeper re-dispatches it if the message was lost or its worker died.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        WORKING = "working", _("working")
        DONE = "done", _("done")

    cycle = models.OneToOneField(
        "nominations.Cycle", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    done_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.cycle_id} {self.status}"


class IncentiveRecord(TimeStampedModel):
    """What one awarded nominee receives of one kind, awaiting HR's decision.

    pending → approved (career event appended) or rejected (with reason). An
    approved record is never edited: a correction is a reversing record
    (``reverses``, negative amount), approved at creation.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("awaiting approval")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")

    cycle = models.ForeignKey(
        "nominations.Cycle", on_delete=models.PROTECT, related_name="incentive_records"
    )
    nomination = models.ForeignKey(
        "nominations.Nomination", on_delete=models.PROTECT, related_name="incentive_records"
    )
    award_level = models.ForeignKey(
        "nominations.AwardLevel", on_delete=models.PROTECT, related_name="+"
    )
    employee = models.ForeignKey(
        "people.Employee", on_delete=models.PROTECT, related_name="incentive_records"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=IncentiveKind.choices)
    amount = models.DecimalField(_("amount"), max_digits=16, decimal_places=2)
    unit = models.CharField(_("unit"), max_length=16, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    reverses = models.OneToOneField(
        "self",
        verbose_name=_("reverses"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversed_by",
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("incentive record")
        verbose_name_plural = _("incentive records")
        constraints = [
            models.UniqueConstraint(
                fields=["nomination", "employee", "kind"],
                condition=models.Q(reverses__isnull=True),
                name="incentive_once_per_nominee",
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gte=0) | models.Q(reverses__isnull=False),
                name="incentive_negative_only_when_reversing",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount} → {self.employee_id}"


class RecognitionPost(TimeStampedModel):
    """A public post about one awarded nomination.

    Shown only while none of its nominees has opted out of public recognition
    (checked when the post is read, so an opt-out hides it at once). It holds
    only what the public may see: names, unit, award, title and a summary.
    """

    nomination = models.OneToOneField(
        "nominations.Nomination", on_delete=models.PROTECT, related_name="recognition_post"
    )
    cycle = models.ForeignKey("nominations.Cycle", on_delete=models.PROTECT, related_name="+")
    category = models.ForeignKey("nominations.Category", on_delete=models.PROTECT, related_name="+")
    award_level = models.ForeignKey(
        "nominations.AwardLevel", on_delete=models.PROTECT, related_name="+"
    )
    org_unit = models.ForeignKey("people.OrgUnit", on_delete=models.PROTECT, related_name="+")
    lead = models.ForeignKey("people.Employee", on_delete=models.PROTECT, related_name="+")
    names = models.CharField(_("names"), max_length=1000)
    # The title and text in Indonesian and in English (posts made before
    # English was kept have it blank: shown in Indonesian).
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("body"))
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    body_en = models.TextField(_("body (English)"), blank=True)
    published_at = models.DateTimeField(_("published at"), db_index=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("recognition post")
        verbose_name_plural = _("recognition posts")
        # The wall's order, read a page at a time (keyset).
        indexes = [models.Index(fields=["published_at", "id"], name="recognition_wall_order")]

    def __str__(self) -> str:
        return self.title

    @property
    def titles(self) -> dict[str, str]:
        return {"id": self.title, "en": self.title_en}

    @property
    def bodies(self) -> dict[str, str]:
        return {"id": self.body, "en": self.body_en}


def new_webhook_secret() -> str:
    """32 random bytes, written the Standard Webhooks way (``whsec_`` + base64)."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def new_message_id() -> str:
    return f"msg_{uuid.uuid4().hex}"


class WebhookEndpointQuerySet(models.QuerySet):
    def ready(self, now):
        """Active, not backing off, and not being sent to by another job."""
        return (
            self.filter(active=True)
            .filter(models.Q(retry_at__isnull=True) | models.Q(retry_at__lte=now))
            .filter(models.Q(draining_until__isnull=True) | models.Q(draining_until__lt=now))
        )


class WebhookEndpoint(TimeStampedModel):
    """An outgoing webhook receiver configured by the secretariat.

    ``failures`` counts consecutive failed attempts; while it is above zero
    the endpoint is retried no sooner than ``retry_at`` (exponential backoff
    with jitter). ``draining_until`` is the lease of the one job that sends to
    this endpoint at a time.
    """

    url = models.URLField(_("URL"), max_length=500)
    description = models.CharField(_("description"), max_length=200, blank=True)
    secret = models.CharField(_("signing secret"), max_length=200, default=new_webhook_secret)
    active = models.BooleanField(_("active"), default=True)
    disabled_reason = models.CharField(_("why it was disabled"), max_length=200, blank=True)
    failures = models.PositiveIntegerField(_("consecutive failures"), default=0)
    retry_at = models.DateTimeField(null=True, blank=True)
    draining_until = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    objects = WebhookEndpointQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def __str__(self) -> str:
        return self.url


class WebhookDelivery(TimeStampedModel):
    """One post to one endpoint: the body and ``webhook-id`` are fixed at
    creation, so every retry sends the same message."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        DELIVERED = "delivered", _("delivered")
        FAILED = "failed", _("failed")

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    post = models.ForeignKey(RecognitionPost, on_delete=models.CASCADE, related_name="deliveries")
    message_id = models.CharField(max_length=40, unique=True, default=new_message_id)
    event_type = models.CharField(max_length=60)
    body = models.TextField()
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), db_index=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "post"], name="delivery_once"),
        ]
        indexes = [
            models.Index(
                fields=["endpoint", "next_attempt_at"],
                condition=models.Q(status="pending"),
                name="delivery_due",
            ),
        ]

    def __str__(self) -> str:
        return self.message_id


class WebhookAttempt(models.Model):
    """One try of a delivery: when, how it answered, how long it took."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="tries")
    created_at = models.DateTimeField(auto_now_add=True)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    response_excerpt = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.delivery_id} {self.status_code or self.error}"


class AwardNotice(MailAttempts):
    """One e-mail per awarded nominee per nomination, with links to the
    certificate and the recognition post (claimed before sending)."""

    nomination = models.ForeignKey(
        "nominations.Nomination", on_delete=models.CASCADE, related_name="+"
    )
    employee = models.ForeignKey("people.Employee", on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["nomination", "employee"], name="award_notice_once")
        ]

    def __str__(self) -> str:
        return f"{self.employee_id} ← {self.nomination_id}"
