"""Rewards in the admin: policies and budgets editable; records, posts and
deliveries read-only (they change through services: HR's decisions, the
publication job, the webhook job), with failed deliveries easy to find."""

from django.contrib import admin

from core.admin import HistoryInline, ReadOnlyAdmin

from .models import (
    BonusBudget,
    IncentiveRecord,
    IncentiveRule,
    Publication,
    RecognitionPost,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)


@admin.register(IncentiveRule)
class IncentiveRuleAdmin(admin.ModelAdmin):
    list_display = ["award_level", "kind", "amount"]
    list_filter = ["award_level__cycle", "kind"]


@admin.register(BonusBudget)
class BonusBudgetAdmin(admin.ModelAdmin):
    list_display = ["cycle", "amount", "approved"]
    readonly_fields = ["approved"]


@admin.register(Publication)
class PublicationAdmin(ReadOnlyAdmin):
    list_display = ["cycle", "status", "attempts", "claimed_at", "done_at"]
    list_filter = ["status"]
    inlines = [HistoryInline]


@admin.register(IncentiveRecord)
class IncentiveRecordAdmin(ReadOnlyAdmin):
    list_display = ["id", "employee", "kind", "amount", "unit", "status", "cycle", "decided_at"]
    list_filter = ["status", "kind", "cycle"]
    search_fields = ["employee__nip", "employee__name"]
    list_select_related = ["employee", "cycle"]
    inlines = [HistoryInline]


@admin.register(RecognitionPost)
class RecognitionPostAdmin(ReadOnlyAdmin):
    list_display = ["title", "names", "org_unit", "cycle", "published_at"]
    list_filter = ["cycle"]
    list_select_related = ["org_unit", "cycle"]


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    list_display = ["url", "active", "failures", "retry_at", "disabled_reason"]
    readonly_fields = ["secret", "failures", "retry_at", "draining_until", "disabled_reason"]


class WebhookAttemptInline(admin.TabularInline):
    model = WebhookAttempt
    extra = 0
    can_delete = False
    readonly_fields = ["created_at", "status_code", "error", "duration_ms", "response_excerpt"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    list_display = ["message_id", "endpoint", "post", "status", "attempts", "next_attempt_at"]
    list_filter = ["status", "endpoint"]
    list_select_related = ["endpoint", "post"]
    inlines = [WebhookAttemptInline, HistoryInline]
