"""The secretariat's set-up work: cycles, categories, award levels, committee,
rubrics (read-only once in use). State changes happen through the API and
services, so status fields are read-only here."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import HistoryInline

from .models import (
    Assignment,
    AwardLevel,
    Category,
    CommitteeMember,
    Criterion,
    Cycle,
    Evidence,
    InterviewSlot,
    Nomination,
    Nominee,
    Round,
    Rubric,
)
from .services import rubric_in_use


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0


@admin.register(Rubric)
class RubricAdmin(admin.ModelAdmin):
    list_display = ["name", "version", "created_at"]
    inlines = [CriterionInline]

    def has_change_permission(self, request, obj=None):
        if obj is not None and rubric_in_use(obj):
            return False  # a rubric in use is immutable: make a new version instead
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self.has_change_permission(request, obj)


class CategoryInline(admin.TabularInline):
    model = Category
    extra = 0


class AwardLevelInline(admin.TabularInline):
    model = AwardLevel
    extra = 0


class CommitteeInline(admin.TabularInline):
    model = CommitteeMember
    extra = 0
    autocomplete_fields = ["employee"]
    filter_horizontal = ["expertise"]


@admin.register(Cycle)
class CycleAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "phase",
        "nominating_on",
        "reviewing_on",
        "deciding_on",
        "publishing_on",
    ]
    list_filter = ["phase"]
    readonly_fields = ["phase", "published_at"]
    inlines = [CategoryInline, AwardLevelInline, CommitteeInline, HistoryInline]
    fieldsets = [
        (None, {"fields": ["name", "phase", "rubric", "published_at"]}),
        (
            _("Planned dates"),
            {
                "fields": [
                    "nominating_on",
                    "reviewing_on",
                    "deciding_on",
                    "publishing_on",
                    "closing_on",
                    "auto_advance",
                ]
            },
        ),
        (
            _("Rules"),
            {
                "fields": [
                    "blind_review",
                    "reviewers_per_nomination",
                    "min_innovation_months",
                    "max_nominations_per_unit",
                    "adjust_scores",
                    "disagreement_rate",
                    "final_score",
                ]
            },
        ),
    ]


class NomineeInline(admin.TabularInline):
    model = Nominee
    extra = 0
    readonly_fields = ["employee", "is_lead", "notified_at"]
    can_delete = False


class EvidenceInline(admin.TabularInline):
    model = Evidence
    extra = 0
    readonly_fields = ["original_name", "content_type", "size", "sha256", "uploaded_at"]
    exclude = ["file"]
    can_delete = False


@admin.register(Nomination)
class NominationAdmin(admin.ModelAdmin):
    list_display = ["title", "cycle", "category", "status", "nominator", "submitted_at"]
    list_filter = ["cycle", "status", "category__code"]
    search_fields = ["title", "nominator__name", "nominees__employee__name"]
    list_select_related = ["cycle", "category", "nominator"]
    readonly_fields = [
        "status",
        "submitted_at",
        "award_level",
        "proposed_award_level",
        "decision_override",
        "decided_at",
        "nominator",
        "cycle",
    ]
    inlines = [NomineeInline, EvidenceInline, HistoryInline]

    def has_add_permission(self, request):
        return False


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["nomination", "member", "round", "status", "expertise_match", "created_at"]
    list_filter = ["status", "nomination__cycle"]
    list_select_related = ["nomination", "member__employee", "round"]
    readonly_fields = ["nomination", "member", "round", "status", "expertise_match"]
    inlines = [HistoryInline]

    def has_add_permission(self, request):
        return False


class InterviewSlotInline(admin.TabularInline):
    model = InterviewSlot
    extra = 0
    fields = ["nomination", "room", "starts_at", "ends_at"]
    readonly_fields = ["nomination", "room", "starts_at", "ends_at"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    """A cycle's rounds; set up through the API or the set-up page, and
    advanced by the chair (the history says who and when)."""

    list_display = ["cycle", "position", "kind", "name_en", "weight", "advance_rule", "status"]
    list_filter = ["kind", "status", "cycle"]
    list_select_related = ["cycle"]
    readonly_fields = ["cycle", "position", "status", "advanced_at", "advance_override"]
    filter_horizontal = ["panel"]
    inlines = [InterviewSlotInline, HistoryInline]

    def has_add_permission(self, request):
        return False
