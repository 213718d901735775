from django.contrib import admin

from core.admin import HistoryInline

from .models import Certificate


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    """Failed certificates show their error here; revoke and re-issue through the API."""

    list_display = ["__str__", "recipient", "nomination", "status", "attempts", "issued_at"]
    list_filter = ["status", "nomination__cycle"]
    search_fields = ["recipient__name", "verification_code", "nomination__title"]
    list_select_related = ["recipient", "nomination"]
    readonly_fields = [f.name for f in Certificate._meta.fields]
    inlines = [HistoryInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
