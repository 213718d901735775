from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import i18n


class TimeStampedModel(models.Model):
    """Base model with creation and last-modification times."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class BilingualName(models.Model):
    """A name users see, stored in Indonesian and English (``core.i18n``);
    ``name`` is the one in the active language."""

    name_id = models.CharField(_("name (Indonesian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)

    class Meta:
        abstract = True

    @property
    def names(self) -> dict[str, str]:
        return {"id": self.name_id, "en": self.name_en}

    @property
    def name(self) -> str:
        return i18n.pick(self.names)


class MailAttempts(models.Model):
    """The sending record of a row that stands for one e-mail (``core.mail``):
    failed attempts and the last error. After ``core.mail.MAX_ATTEMPTS`` the
    message is given up and shown to the secretariat as undelivered."""

    mail_attempts = models.PositiveSmallIntegerField(_("failed sending attempts"), default=0)
    mail_error = models.CharField(_("last sending error"), max_length=300, blank=True)

    class Meta:
        abstract = True


class StateChange(models.Model):
    """The history of every state machine (``core.lifecycle``): one row per
    move of a nomination, cycle, assignment, certificate, incentive record,
    publication job or webhook delivery — who, when, from, to and why.
    ``actor`` is empty when the system made the move."""

    content_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.CASCADE, related_name="+"
    )
    object_id = models.PositiveBigIntegerField()
    object = GenericForeignKey("content_type", "object_id")
    field = models.CharField(max_length=16, default="status")
    from_state = models.CharField(_("from"), max_length=16)
    to_state = models.CharField(_("to"), max_length=16)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        ordering = ["id"]
        verbose_name = _("state change")
        verbose_name_plural = _("history")
        indexes = [models.Index(fields=["content_type", "object_id", "id"], name="history_of")]

    def __str__(self) -> str:
        return f"{self.from_state} → {self.to_state}"


class OutboxEvent(models.Model):
    """An event between apps (``core.events``), written in the transaction
    that makes it true, so it exists exactly when what it reports does."""

    kind = models.CharField(_("kind"), max_length=60)
    payload = models.JSONField(_("payload"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["id"]
        verbose_name = _("event")
        verbose_name_plural = _("events")

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"


class EventDelivery(TimeStampedModel):
    """One event handed to one registered handler: a claimable job
    (pending → working → done, or failed after repeated errors)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        WORKING = "working", _("working")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    event = models.ForeignKey(OutboxEvent, on_delete=models.CASCADE, related_name="deliveries")
    handler = models.CharField(_("handler"), max_length=200)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.TextField(_("last error"), blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("event delivery")
        verbose_name_plural = _("event deliveries")
        constraints = [
            models.UniqueConstraint(fields=["event", "handler"], name="event_delivered_once")
        ]

    def __str__(self) -> str:
        return f"{self.event_id} → {self.handler}"


class StartedTask(models.Model):
    """A background task a person started and may follow (``/api/v1/tasks/{id}``):
    who started it, so that only they (and the secretariat) see its progress."""

    task_id = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("started task")
        verbose_name_plural = _("started tasks")

    def __str__(self) -> str:
        return f"{self.name} {self.task_id}"
