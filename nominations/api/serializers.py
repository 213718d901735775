"""Input serializers validate shapes; output serializers shape answers. No
business rules here: those live in services, workflow and rules."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from core import serializers as strict
from core.fields import UploadField
from nominations.models import (
    Assignment,
    AwardLevel,
    Category,
    Criterion,
    Cycle,
    Evidence,
    Nomination,
)
from people.models import Employee
from people.selectors import employee_reporting_line, user_employee

# --- cycles -----------------------------------------------------------------------------


class CategorySerializer(strict.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "code", "name", "team"]


class CriterionSerializer(strict.ModelSerializer):
    class Meta:
        model = Criterion
        fields = [
            "code",
            "name",
            "group",
            "weight",
            "scale_min",
            "scale_max",
            "levels",
            "asks_statement",
        ]


class RubricSerializer(strict.Serializer):
    version = serializers.IntegerField()
    name = serializers.CharField()
    criteria = CriterionSerializer(many=True)


class AwardLevelSerializer(strict.ModelSerializer):
    name = serializers.CharField(source="name_id")

    class Meta:
        model = AwardLevel
        fields = ["code", "name", "name_id", "name_en", "min_score", "quota"]


class CycleSerializer(strict.ModelSerializer):
    class Meta:
        model = Cycle
        fields = [
            "id",
            "name",
            "phase",
            "nominating_on",
            "reviewing_on",
            "deciding_on",
            "publishing_on",
            "closing_on",
            "auto_advance",
            "blind_review",
            "reviewers_per_nomination",
            "min_innovation_months",
            "max_nominations_per_unit",
            "published_at",
        ]


class CycleDetailSerializer(CycleSerializer):
    categories = CategorySerializer(many=True)
    rubric = RubricSerializer()
    award_levels = AwardLevelSerializer(many=True)

    class Meta(CycleSerializer.Meta):
        fields = [*CycleSerializer.Meta.fields, "categories", "rubric", "award_levels"]


class PublishedCycleSerializer(CycleDetailSerializer):
    """The cycle as published, and whether its background work is queued."""

    jobs = serializers.ChoiceField(
        choices=[("queued", "queued"), ("deferred", "deferred")],
        read_only=True,
        help_text="queued: certificates, rewards and notices are on their way. deferred: the "
        "job queue was unreachable; the publication is saved and the work starts by itself "
        "when the queue is back.",
    )
    jobs_message = serializers.CharField(read_only=True)

    class Meta(CycleDetailSerializer.Meta):
        fields = [*CycleDetailSerializer.Meta.fields, "jobs", "jobs_message"]


class PhaseInputSerializer(strict.Serializer):
    phase = serializers.ChoiceField(choices=Cycle.Phase.choices)


# --- nominations ---------------------------------------------------------------------------


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "A team nomination",
            value={
                "cycle": 1,
                "category": 2,
                "nominees": [12, 15],
                "lead": 12,
                "title": "Layanan izin usaha satu hari",
                "problem": "Business licences took 14 days and three visits.",
                "solution": "An online form checked against the tax and ID registers.",
                "impact": "Licences now take one day; 8,400 issued in 2025.",
                "started_on": "2024-03-01",
                "psm_statements": {
                    "public_interest": "…",
                    "compassion": "…",
                    "policy_making": "…",
                    "self_sacrifice": "…",
                },
            },
            request_only=True,
        )
    ]
)
@extend_schema_field(OpenApiTypes.INT)
class NominableField(serializers.PrimaryKeyRelatedField):
    """An employee the caller may nominate: someone in their reporting line.

    Anyone else answers exactly as an id that does not exist, so that walking
    the ids reveals nothing (not even that the person exists). The caller's
    own id passes, for the service to say that nobody nominates themselves."""

    default_error_messages = {
        **serializers.PrimaryKeyRelatedField.default_error_messages,
        "does_not_exist": _("Nobody in your reporting line has id {pk_value}."),
    }

    def get_queryset(self):
        request = self.context.get("request")
        employee = user_employee(request.user) if request is not None else None
        if employee is None:
            return Employee.objects.none()
        return employee_reporting_line(employee=employee) | Employee.objects.filter(pk=employee.pk)


class NominationInputSerializer(strict.Serializer):
    cycle = serializers.PrimaryKeyRelatedField(queryset=Cycle.objects.all())
    category = serializers.PrimaryKeyRelatedField(queryset=Category.objects.all())
    nominees = NominableField(many=True, allow_empty=False)
    lead = NominableField(required=False, allow_null=True)
    title = serializers.CharField(max_length=200)
    problem = serializers.CharField(required=False, allow_blank=True, max_length=10000)
    solution = serializers.CharField(required=False, allow_blank=True, max_length=10000)
    impact = serializers.CharField(required=False, allow_blank=True, max_length=10000)
    started_on = serializers.DateField(required=False, allow_null=True)
    psm_statements = serializers.DictField(
        child=serializers.CharField(allow_blank=True, max_length=3000), required=False
    )


class NominationPatchSerializer(NominationInputSerializer):
    cycle = None  # type: ignore[assignment]  # DRF's way to drop an inherited field

    def __init__(self, *args, **kwargs):
        kwargs["partial"] = True
        super().__init__(*args, **kwargs)


class PersonSerializer(strict.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class NomineeSerializer(strict.Serializer):
    id = serializers.IntegerField(source="employee.id")
    nip = serializers.CharField(source="employee.nip")
    name = serializers.CharField(source="employee.name")
    org_unit = serializers.CharField(source="employee.org_unit.name")
    is_lead = serializers.BooleanField()


class EvidenceSerializer(strict.ModelSerializer):
    name = serializers.CharField(source="original_name")
    url = serializers.SerializerMethodField()

    class Meta:
        model = Evidence
        fields = ["id", "name", "content_type", "size", "sha256", "uploaded_at", "url"]

    def get_url(self, obj) -> str:
        return reverse("api-evidence-download", args=[obj.nomination_id, obj.pk])


class NominationSerializer(strict.ModelSerializer):
    """A nomination. For an assigned reviewer of a blind-review cycle
    ``identity_hidden`` is true: ``nominees`` is empty, ``nominator`` and
    ``lead`` are null and evidence files carry neutral names."""

    category = CategorySerializer()
    nominator = PersonSerializer(allow_null=True)
    nominees = NomineeSerializer(many=True)
    lead = serializers.SerializerMethodField()
    evidence = EvidenceSerializer(many=True)
    decision = serializers.SerializerMethodField()
    identity_hidden = serializers.SerializerMethodField()

    class Meta:
        model = Nomination
        fields = [
            "id",
            "cycle",
            "category",
            "status",
            "nominator",
            "nominees",
            "lead",
            "title",
            "problem",
            "solution",
            "impact",
            "started_on",
            "psm_statements",
            "submitted_at",
            "screening_reason",
            "evidence",
            "decision",
            "created_at",
            "updated_at",
            "identity_hidden",
        ]

    def get_identity_hidden(self, obj) -> bool:
        return False

    def get_lead(self, obj) -> int | None:
        lead = next((n for n in obj.nominees.all() if n.is_lead), None)
        return lead.employee_id if lead else None

    def get_decision(self, obj) -> dict | None:
        """Shown after publication, and to the secretariat and the cycle's chair."""
        scope = self.context.get("sees_decisions_of", set())
        published = obj.status == Nomination.Status.PUBLISHED
        if not published and scope is not None and obj.cycle_id not in scope:
            return None
        if obj.decided_at is None:
            return None
        return {
            "award_level": obj.award_level.code if obj.award_level_id else None,
            "rationale": obj.decision_rationale,
            "override": obj.decision_override,
            "decided_at": serializers.DateTimeField().to_representation(obj.decided_at),
        }


class ScreenInputSerializer(strict.Serializer):
    eligible = serializers.BooleanField()
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class DecisionInputSerializer(strict.Serializer):
    award_level = serializers.CharField(allow_null=True, allow_blank=True, max_length=40)
    rationale = serializers.CharField(max_length=5000, allow_blank=True)


class EvidenceUploadSerializer(strict.Serializer):
    file = UploadField()


# --- review ------------------------------------------------------------------------------


class ReviewSerializer(strict.Serializer):
    scores = serializers.DictField(child=serializers.IntegerField())
    comments = serializers.DictField(child=serializers.CharField())
    submitted_at = serializers.DateTimeField(allow_null=True)


class OtherReviewSerializer(strict.Serializer):
    """Another reviewer's submitted review, without who wrote it."""

    scores = serializers.DictField(child=serializers.IntegerField())
    comments = serializers.DictField(child=serializers.CharField())
    score = serializers.DecimalField(max_digits=6, decimal_places=3)


class ReviewerEvidenceSerializer(strict.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    url = serializers.CharField()


class ReviewedNominationSerializer(strict.Serializer):
    """The nomination as a reviewer sees it (``selectors.reviewer_view``):
    in a blind cycle ``nominees`` is null and evidence files carry neutral
    names (their download strips the files' metadata)."""

    id = serializers.IntegerField()
    title = serializers.CharField()
    category = CategorySerializer()
    problem = serializers.CharField()
    solution = serializers.CharField()
    impact = serializers.CharField()
    started_on = serializers.DateField()
    psm_statements = serializers.DictField()
    evidence = serializers.SerializerMethodField()
    nominees = serializers.SerializerMethodField()

    @extend_schema_field(ReviewerEvidenceSerializer(many=True))
    def get_evidence(self, obj) -> list[dict]:
        return self.context["view"]["evidence"]

    @extend_schema_field(NomineeSerializer(many=True, allow_null=True))
    def get_nominees(self, obj) -> list[dict] | None:
        nominees = self.context["view"]["nominees"]
        return None if nominees is None else list(NomineeSerializer(nominees, many=True).data)


class AssignmentSerializer(strict.ModelSerializer):
    """A reviewer's assignment. ``conflict`` says why the reviewer was found
    in conflict after assignment (their review is refused; another reviewer
    replaces them); empty otherwise."""

    nomination = serializers.IntegerField(source="nomination_id")
    review = serializers.SerializerMethodField()

    class Meta:
        model = Assignment
        fields = ["id", "nomination", "status", "conflict", "review"]

    def get_review(self, obj) -> dict | None:
        review = getattr(obj, "review", None)
        return ReviewSerializer(review).data if review else None


class AssignmentDetailSerializer(AssignmentSerializer):
    nomination_detail = ReviewedNominationSerializer(source="nomination")
    other_reviews = serializers.SerializerMethodField()

    class Meta(AssignmentSerializer.Meta):
        fields = [*AssignmentSerializer.Meta.fields, "nomination_detail", "other_reviews"]

    @extend_schema_field(OtherReviewSerializer(many=True))
    def get_other_reviews(self, obj) -> list[dict]:
        return list(OtherReviewSerializer(self.context["view"]["other_reviews"], many=True).data)


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "Submit a review",
            value={
                "scores": {
                    "public_interest": 4,
                    "compassion": 5,
                    "policy_making": 3,
                    "self_sacrifice": 4,
                    "novelty": 4,
                    "effectiveness": 5,
                    "benefit": 4,
                    "replicability": 3,
                    "sustainability": 4,
                },
                "comments": {"novelty": "First of its kind in the province."},
                "submit": True,
            },
            request_only=True,
        )
    ]
)
class ReviewInputSerializer(strict.Serializer):
    scores = serializers.DictField(child=serializers.JSONField())
    comments = serializers.DictField(child=serializers.JSONField(), required=False, default=dict)
    submit = serializers.BooleanField(default=False)


# --- ranking and tasks ------------------------------------------------------------------


class RankingRowSerializer(strict.Serializer):
    nomination = serializers.IntegerField(source="nomination_id")
    title = serializers.CharField()
    category = serializers.CharField()
    status = serializers.CharField()
    rank = serializers.IntegerField()
    score = serializers.FloatField()
    median = serializers.FloatField()
    psm_score = serializers.FloatField()
    innovation_score = serializers.FloatField()
    stdev = serializers.FloatField()
    range = serializers.FloatField()
    flagged = serializers.BooleanField(
        help_text="the reviewers disagree beyond the noise once their leniency is removed"
    )
    disagreement = serializers.FloatField(
        allow_null=True,
        help_text="χ² statistic of the reviews' residuals (degrees of freedom: reviews − 1); "
        "null with one review",
    )
    adjusted_score = serializers.FloatField(
        help_text="the mean corrected for the reviewers' estimated leniency"
    )
    adjusted_se = serializers.FloatField(
        allow_null=True,
        help_text="standard error of the adjusted score; null when too few reviews to say",
    )
    normalised_score = serializers.FloatField(help_text="the adjusted score (its former name)")
    reviews = serializers.IntegerField()
    proposed_award_level = serializers.CharField(allow_null=True)
    decided_by = serializers.ChoiceField(
        choices=["chair", "deputy_chair", "none"],
        help_text="who may decide: the deputy chair where the chair is in conflict; "
        "nobody while both are",
    )
    chair_conflict = serializers.CharField(
        allow_null=True, help_text="why the chair may not decide this nomination"
    )


class RankingModelSerializer(strict.Serializer):
    noise_sd = serializers.FloatField(
        allow_null=True, help_text="standard deviation of one review's noise (score points)"
    )
    leniency_sd = serializers.FloatField(
        allow_null=True, help_text="standard deviation of the reviewers' leniency (score points)"
    )
    components = serializers.IntegerField(
        help_text="groups of reviewers that share no nomination, directly or through others; "
        "above 1, leniency cannot be told from quality between the groups"
    )
    disagreement_rate = serializers.FloatField(
        help_text="percent of ordinary nominations flagged by chance"
    )


class ReviewerEffectSerializer(strict.Serializer):
    member = serializers.IntegerField()
    name = serializers.CharField()
    reviews = serializers.IntegerField()
    leniency = serializers.FloatField(
        help_text="score points this reviewer gives above (or below) the panel, estimated"
    )
    leniency_se = serializers.FloatField(allow_null=True)
    component = serializers.IntegerField()


class RankingSerializer(strict.Serializer):
    cycle = serializers.IntegerField(source="cycle.pk")
    adjusted = serializers.BooleanField(help_text="ranked by the adjusted score")
    normalised = serializers.BooleanField(help_text="the same as adjusted (its former name)")
    agreement = serializers.FloatField(
        allow_null=True, help_text="Krippendorff's alpha (interval) over the review scores"
    )
    model = RankingModelSerializer()
    reviewers = ReviewerEffectSerializer(many=True)
    results = RankingRowSerializer(many=True, source="rows")


class PanelDesignSerializer(strict.Serializer):
    pairs = serializers.IntegerField(help_text="distinct reviewer pairs that share a nomination")
    most_shared = serializers.IntegerField(help_text="the most nominations one pair shares")
    largest_repeated_panel = serializers.IntegerField(
        help_text="the most nominations reviewed by the very same reviewers"
    )
    groups = serializers.IntegerField(
        help_text="groups of reviewers that share no nomination (1: connected)"
    )


class AssignmentResultSerializer(strict.Serializer):
    assigned = serializers.IntegerField()
    kept = serializers.IntegerField()
    nominations = serializers.IntegerField()
    shortfalls = serializers.ListField(child=serializers.DictField())
    design = PanelDesignSerializer(
        required=False, help_text="how well the panel lets leniency be told from quality"
    )
