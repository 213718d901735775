"""Admin pieces shared by the apps."""

from django.contrib import admin
from django.contrib.contenttypes.admin import GenericTabularInline
from django.utils.translation import gettext_lazy as _

from .models import EventDelivery, OutboxEvent, StateChange


class ReadOnlyAdmin(admin.ModelAdmin):
    """For rows that only services write (ledgers, job rows, delivery logs):
    listed and viewed in the admin, never added, edited or deleted there."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class HistoryInline(GenericTabularInline):
    """The object's state changes (``core.lifecycle``), read-only: who moved
    it, when, from what to what, and why."""

    model = StateChange
    ct_field = "content_type"
    ct_fk_field = "object_id"
    fields = readonly_fields = ("created_at", "actor", "from_state", "to_state", "reason")
    extra = 0
    can_delete = False
    verbose_name = _("state change")
    verbose_name_plural = _("history")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class EventDeliveryInline(admin.TabularInline):
    model = EventDelivery
    fields = readonly_fields = ("handler", "status", "attempts", "error", "done_at")
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(OutboxEvent)
class OutboxEventAdmin(ReadOnlyAdmin):
    """Events between apps and what each handler made of them; a failed
    delivery shows its error here."""

    list_display = ["id", "kind", "created_at"]
    list_filter = ["kind"]
    inlines = [EventDeliveryInline]


@admin.register(EventDelivery)
class EventDeliveryAdmin(ReadOnlyAdmin):
    list_display = ["id", "event", "handler", "status", "attempts", "done_at"]
    list_filter = ["status", "handler"]
    inlines = [HistoryInline]
