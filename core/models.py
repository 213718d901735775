from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    """Base model with creation and last-modification times."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

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
