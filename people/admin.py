from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyAdmin

from .importer import ALL_COLUMNS, EmployeeImporter, ImportFileError
from .models import CareerEvent, CareerProfile, Employee, OrgUnit


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "parent"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent"]


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV (UTF-8) or XLSX file"))
    skip_invalid = forms.BooleanField(
        label=_("Import the valid rows even if some rows are invalid"), required=False
    )


@admin.register(Employee)
class EmployeeAdmin(admin.ModelAdmin):
    list_display = ["nip", "name", "org_unit", "position", "rank", "employment_status", "active"]
    list_filter = ["active", "employment_status", "position_type"]
    search_fields = ["nip", "name"]
    autocomplete_fields = ["org_unit", "supervisor", "user"]
    readonly_fields = ["gender", "birth_date"]
    list_select_related = ["org_unit"]
    change_list_template = "admin/people/employee/change_list.html"

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="people_employee_import",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request):
        """The same importer as ``manage.py import_employees``, from a browser."""
        if not (request.user.has_perm("people.import_employees") or request.user.is_superuser):
            raise PermissionDenied
        result = None
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            importer = EmployeeImporter(skip_invalid=form.cleaned_data["skip_invalid"])
            try:
                result = importer.run(upload, upload.name)
            except ImportFileError as exc:
                form.add_error("file", str(exc))
            else:
                if result.errors and not form.cleaned_data["skip_invalid"]:
                    messages.error(request, _("Nothing was imported: fix the rows listed below."))
                else:
                    messages.success(
                        request,
                        _("%(created)d created, %(updated)d updated, %(skipped)d skipped.")
                        % {
                            "created": result.created,
                            "updated": result.updated,
                            "skipped": result.skipped,
                        },
                    )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Import employees"),
            "form": form,
            "result": result,
            "columns": ALL_COLUMNS,
        }
        return TemplateResponse(request, "admin/people/employee/import.html", context)


@admin.register(CareerEvent)
class CareerEventAdmin(ReadOnlyAdmin):
    """Read-only: the ledger is append-only and written by services."""

    list_display = ["id", "employee", "kind", "amount", "unit", "reference", "created_at"]
    list_filter = ["kind"]
    search_fields = ["employee__nip", "employee__name", "reference"]
    list_select_related = ["employee"]


@admin.register(CareerProfile)
class CareerProfileAdmin(CareerEventAdmin):
    list_display = [
        "employee",
        "credit_points_total",
        "awards_received",
        "awards_last_five_years",
        "training_hours_entitlement",
        "talent_pool",
        "last_award_date",
    ]
    list_filter = ["talent_pool"]
    search_fields = ["employee__nip", "employee__name"]
