"""Input serializers validate shapes; output serializers shape answers. No
business rules here: those live in services, workflow and rules."""

from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from core import i18n
from core import serializers as strict
from core.fields import UploadField
from nominations.models import (
    Assignment,
    AwardLevel,
    Category,
    ClaimCheck,
    Criterion,
    Cycle,
    Evidence,
    Nomination,
    Round,
    Rubric,
)
from nominations.services.setup import member_role
from people.models import Employee, OrgUnit
from people.selectors import employee_reporting_line, user_employee

# --- cycles -----------------------------------------------------------------------------


class NamesSerializer(strict.Serializer):
    """A text users see, in Indonesian and English (both required on input)."""

    id = serializers.CharField(max_length=200)
    en = serializers.CharField(max_length=200)


class NamesInputSerializer(NamesSerializer):
    """``names`` in a request: both languages, neither blank."""


class CategorySerializer(strict.ModelSerializer):
    name = serializers.CharField(read_only=True, help_text="in the request's language")
    names = NamesSerializer()

    class Meta:
        model = Category
        fields = ["id", "code", "name", "names", "team"]


class CategoryInputSerializer(strict.Serializer):
    code = serializers.SlugField(max_length=40)
    names = NamesInputSerializer()
    team = serializers.BooleanField(default=False)


class CategoryPatchSerializer(strict.Partial, CategoryInputSerializer):
    """Any of the category's fields."""


class LevelSerializer(strict.Serializer):
    value = serializers.IntegerField(min_value=-1000, max_value=1000)
    descriptor = serializers.SerializerMethodField(help_text="in the request's language")
    descriptors = NamesSerializer()

    def get_descriptor(self, obj) -> str:
        return i18n.pick(obj.get("descriptors"))


class CriterionSerializer(strict.ModelSerializer):
    name = serializers.CharField(read_only=True, help_text="in the request's language")
    names = NamesSerializer()
    levels = LevelSerializer(many=True)

    class Meta:
        model = Criterion
        fields = [
            "code",
            "name",
            "names",
            "group",
            "weight",
            "scale_min",
            "scale_max",
            "levels",
            "asks_statement",
        ]


class LevelInputSerializer(strict.Serializer):
    value = serializers.IntegerField(min_value=-1000, max_value=1000)
    descriptors = NamesInputSerializer()


class CriterionInputSerializer(strict.Serializer):
    code = serializers.SlugField(max_length=40)
    names = NamesInputSerializer()
    group = serializers.ChoiceField(choices=Criterion.Group.choices)
    weight = serializers.IntegerField(min_value=1, max_value=100)
    scale_min = serializers.IntegerField(min_value=-1000, max_value=1000, default=1)
    scale_max = serializers.IntegerField(min_value=-1000, max_value=1000, default=5)
    asks_statement = serializers.BooleanField(
        required=False, help_text="ask the nominator for a statement (default: PSM criteria)"
    )
    levels = LevelInputSerializer(many=True, required=False, default=list)

    def validate(self, attrs):
        if attrs["scale_max"] <= attrs["scale_min"]:
            raise serializers.ValidationError({"scale_max": _("Must be above the lowest score.")})
        outside = [
            lv["value"]
            for lv in attrs["levels"]
            if not attrs["scale_min"] <= lv["value"] <= attrs["scale_max"]
        ]
        if outside:
            raise serializers.ValidationError(
                {"levels": _("A level is outside the scale: %(v)s.") % {"v": outside[0]}}
            )
        return attrs


class RubricInputSerializer(strict.Serializer):
    criteria = CriterionInputSerializer(many=True, allow_empty=False)


class RubricSerializer(strict.Serializer):
    version = serializers.IntegerField()
    name = serializers.CharField()
    criteria = CriterionSerializer(many=True)


class AwardLevelSerializer(strict.ModelSerializer):
    name = serializers.CharField(read_only=True, help_text="in the request's language")
    names = NamesSerializer()

    class Meta:
        model = AwardLevel
        fields = ["code", "name", "names", "name_id", "name_en", "min_score", "quota"]


class AwardLevelInputSerializer(strict.Serializer):
    code = serializers.SlugField(max_length=40)
    names = NamesInputSerializer()
    min_score = serializers.DecimalField(
        max_digits=5, decimal_places=2, min_value=Decimal(0), max_value=Decimal(100)
    )
    quota = serializers.IntegerField(min_value=0, max_value=1000)


class AwardLevelPatchSerializer(strict.Partial, AwardLevelInputSerializer):
    code = None  # type: ignore[assignment]  # the code names the level in the URL


class CommitteeMemberSerializer(strict.Serializer):
    id = serializers.IntegerField()
    employee = serializers.SerializerMethodField()
    role = serializers.SerializerMethodField()
    load_cap = serializers.IntegerField()
    expertise = serializers.SerializerMethodField()

    @extend_schema_field(
        {
            "type": "object",
            "properties": {
                "id": {"type": "integer"},
                "nip": {"type": "string"},
                "name": {"type": "string"},
                "org_unit": {"type": "string"},
            },
        }
    )
    def get_employee(self, obj) -> dict:
        e = obj.employee
        return {"id": e.pk, "nip": e.nip, "name": e.name, "org_unit": e.org_unit.name}

    @extend_schema_field(serializers.ChoiceField(choices=["chair", "deputy_chair", "member"]))
    def get_role(self, obj) -> str:
        return member_role(obj)

    def get_expertise(self, obj) -> list[str]:
        return [c.code for c in obj.expertise.all()]


class CommitteeMemberInputSerializer(strict.Serializer):
    employee = serializers.PrimaryKeyRelatedField(queryset=Employee.objects.all())
    role = serializers.ChoiceField(choices=["chair", "deputy_chair", "member"], default="member")
    load_cap = serializers.IntegerField(min_value=0, max_value=1000, default=20)
    expertise = serializers.ListField(
        child=serializers.SlugField(max_length=40), required=False, default=list
    )


class CommitteeMemberPatchSerializer(strict.Partial, CommitteeMemberInputSerializer):
    employee = None  # type: ignore[assignment]


class ProblemSerializer(strict.Serializer):
    code = serializers.ChoiceField(
        choices=[
            "no_categories",
            "weights",
            "no_award_levels",
            "no_chair",
            "too_few_reviewers",
            "dates",
        ]
    )
    message = serializers.CharField()


class FindingSerializer(strict.Serializer):
    code = serializers.ChoiceField(
        choices=["too_young", "inactive_nominee", "duplicate_title", "unit_over_quota"]
    )
    message = serializers.CharField()


class ScreeningRowSerializer(strict.Serializer):
    nomination = serializers.IntegerField()
    title = serializers.CharField()
    findings = FindingSerializer(many=True, help_text="empty: no findings")


class ScreeningReportSerializer(strict.Serializer):
    message = serializers.CharField(help_text="e.g. “No findings: …” or “2 of 5 … have findings.”")
    results = ScreeningRowSerializer(many=True)


class ReadinessSerializer(strict.Serializer):
    ready = serializers.BooleanField(help_text="no problems: the cycle can open")
    problems = ProblemSerializer(many=True, help_text="each stops the cycle opening")
    warnings = ProblemSerializer(
        many=True, help_text="to fix before review (e.g. too few reviewers); they do not stop it"
    )


class PromotionSerializer(strict.Serializer):
    """What a higher-level cycle takes from each lower-level cycle naming it
    as ``parent``: winners at ``min_award_level`` (a code of their cycle's
    award levels; empty: any) or above, at most ``quota_per_cycle`` (null:
    no limit)."""

    min_award_level = serializers.SlugField(
        source="promotion_min_award_level", max_length=40, allow_blank=True, required=False
    )
    quota_per_cycle = serializers.IntegerField(
        source="promotion_quota", min_value=1, max_value=10000, allow_null=True, required=False
    )


class CycleSerializer(strict.ModelSerializer):
    scope_unit: serializers.PrimaryKeyRelatedField = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True
    )
    # A field named like DRF's Field.parent (the serializer a field is bound
    # to): declared fields are kept apart from attributes, so only mypy minds.
    parent: serializers.PrimaryKeyRelatedField = serializers.PrimaryKeyRelatedField(  # type: ignore[assignment]
        read_only=True, allow_null=True
    )
    promotion = PromotionSerializer(source="*", read_only=True)

    class Meta:
        model = Cycle
        fields = [
            "id",
            "name",
            "phase",
            "scope_unit",
            "parent",
            "promotion",
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
            "adjust_scores",
            "disagreement_rate",
            "published_at",
        ]


class CycleInputSerializer(strict.Serializer):
    """A new cycle (``copy_from``: an earlier cycle whose set-up it copies),
    or, partially, a change to one."""

    name = serializers.CharField(max_length=200)
    copy_from = serializers.PrimaryKeyRelatedField(
        queryset=Cycle.objects.all(), required=False, allow_null=True
    )
    scope_unit = serializers.PrimaryKeyRelatedField(
        queryset=OrgUnit.objects.all(), required=False, allow_null=True
    )
    parent = serializers.PrimaryKeyRelatedField(  # type: ignore[assignment]
        queryset=Cycle.objects.all(),
        required=False,
        allow_null=True,
        help_text="The higher-level cycle this cycle's winners can be put forward to.",
    )
    promotion = PromotionSerializer(source="*", required=False)
    nominating_on = serializers.DateField(required=False, allow_null=True)
    reviewing_on = serializers.DateField(required=False, allow_null=True)
    deciding_on = serializers.DateField(required=False, allow_null=True)
    publishing_on = serializers.DateField(required=False, allow_null=True)
    closing_on = serializers.DateField(required=False, allow_null=True)
    auto_advance = serializers.BooleanField(required=False)
    blind_review = serializers.BooleanField(required=False)
    reviewers_per_nomination = serializers.IntegerField(min_value=1, max_value=20, required=False)
    min_innovation_months = serializers.IntegerField(min_value=0, max_value=600, required=False)
    max_nominations_per_unit = serializers.IntegerField(
        min_value=1, max_value=10000, required=False, allow_null=True
    )
    adjust_scores = serializers.BooleanField(required=False)
    disagreement_rate = serializers.DecimalField(
        max_digits=4,
        decimal_places=1,
        min_value=Decimal("0.1"),
        max_value=Decimal(50),
        required=False,
    )


class CyclePatchSerializer(strict.Partial, CycleInputSerializer):
    copy_from = None  # type: ignore[assignment]


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


class NominationPatchSerializer(strict.Partial, NominationInputSerializer):
    cycle = None  # type: ignore[assignment]  # DRF's way to drop an inherited field


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


class OriginSerializer(strict.Serializer):
    """The awarded nomination of a lower-level cycle this one was promoted from."""

    cycle = serializers.IntegerField()
    nomination = serializers.IntegerField()
    award_level = serializers.CharField(allow_null=True)


class NominationRoundSerializer(strict.Serializer):
    round = serializers.IntegerField()
    status = serializers.ChoiceField(
        choices=["in_review", "advanced", "not_advanced", "disqualified", "decided"]
    )
    score = serializers.FloatField(allow_null=True, help_text="its score in the round")


class NominationSerializer(strict.ModelSerializer):
    """A nomination. For an assigned reviewer of a blind-review cycle
    ``identity_hidden`` is true: ``nominees`` is empty, ``nominator``, ``origin`` and
    ``lead`` are null and evidence files carry neutral names."""

    category = CategorySerializer()
    nominator = PersonSerializer(allow_null=True)
    nominees = NomineeSerializer(many=True)
    lead = serializers.SerializerMethodField()
    evidence = EvidenceSerializer(many=True)
    decision = serializers.SerializerMethodField()
    origin = serializers.SerializerMethodField()
    round = serializers.SerializerMethodField()
    rounds = serializers.SerializerMethodField()
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
            "origin",
            "round",
            "rounds",
            "created_at",
            "updated_at",
            "identity_hidden",
        ]

    @extend_schema_field(
        serializers.IntegerField(
            allow_null=True,
            help_text="the round the nomination is in, or ended in; shown to the secretariat "
            "and the chair, and to everyone once the results are published (null otherwise)",
        )
    )
    def get_round(self, obj) -> int | None:
        return obj.round_id

    @extend_schema_field(
        NominationRoundSerializer(
            many=True,
            help_text="each round the nomination was in, first first: how it ended (in "
            "review, advanced, not advanced, disqualified; decided in the last round) and "
            "its score there; like round, hidden from nominators until publication (empty)",
        )
    )
    def get_rounds(self, obj) -> list[dict]:
        from nominations.listing import round_rows

        scope = self.context.get("sees_decisions_of", set())
        published = obj.status == Nomination.Status.PUBLISHED
        if not published and scope is not None and obj.cycle_id not in scope:
            return []
        ended = [
            {
                "round": r.round_id,
                "status": r.outcome,
                "score": None if r.score is None else float(r.score),
            }
            for r in obj.round_results.order_by("round__position")
        ]
        return round_rows(obj.round_id, obj.status, ended)

    @extend_schema_field(OriginSerializer(allow_null=True))
    def get_origin(self, obj) -> dict | None:
        """Where a promoted nomination comes from (null for blind reviewers)."""
        if obj.origin_id is None:
            return None
        origin = obj.origin
        return {
            "cycle": origin.cycle_id,
            "nomination": origin.pk,
            "award_level": origin.award_level.code if origin.award_level_id else None,
        }

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


class PromoteInputSerializer(strict.Serializer):
    category = serializers.PrimaryKeyRelatedField(
        queryset=Category.objects.all(),
        required=False,
        allow_null=True,
        help_text="The higher-level cycle's category; by default the one of the same code.",
    )


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
    round = serializers.SerializerMethodField(help_text="the round this review is for")
    review = serializers.SerializerMethodField()

    class Meta:
        model = Assignment
        fields = ["id", "nomination", "round", "status", "conflict", "review"]

    @extend_schema_field(
        {
            "type": "object",
            "properties": {
                "id": {"type": "integer"},
                "position": {"type": "integer"},
                "kind": {"type": "string", "enum": ["desk", "interview", "field"]},
                "name": {"type": "string"},
            },
        }
    )
    def get_round(self, obj) -> dict:
        r = obj.round
        return {"id": r.pk, "position": r.position, "kind": r.kind, "name": r.name}

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


class AssignmentRowSerializer(strict.Serializer):
    id = serializers.IntegerField()
    nomination = serializers.IntegerField()
    title = serializers.CharField()
    reviewer = PersonSerializer()
    status = serializers.ChoiceField(choices=["assigned", "draft", "submitted"])
    conflict = serializers.CharField(help_text="a conflict found after assignment, or empty")
    overdue = serializers.BooleanField(help_text="not submitted after the planned end of review")


class AssignmentAddSerializer(strict.Serializer):
    nomination = serializers.IntegerField(min_value=1)
    reviewer = serializers.IntegerField(min_value=1, help_text="a committee member's id")


class ProgressSerializer(strict.Serializer):
    reviewer = PersonSerializer()
    assigned = serializers.IntegerField()
    draft = serializers.IntegerField()
    submitted = serializers.IntegerField()
    overdue = serializers.IntegerField()


# --- ranking and tasks ------------------------------------------------------------------


class RoundScoreSerializer(strict.Serializer):
    round = serializers.IntegerField()
    score = serializers.FloatField(allow_null=True)


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
    decided_award_level = serializers.CharField(
        allow_null=True, help_text="the chair's decision (a level's code); null until decided"
    )
    decided_by = serializers.ChoiceField(
        choices=["chair", "deputy_chair", "none"],
        help_text="who may decide: the deputy chair where the chair is in conflict; "
        "nobody while both are",
    )
    chair_conflict = serializers.CharField(
        allow_null=True, help_text="why the chair may not decide this nomination"
    )
    origin = OriginSerializer(
        allow_null=True, help_text="the lower-level cycle's nomination it was promoted from"
    )
    rounds = RoundScoreSerializer(
        many=True,
        help_text="the final ranking: the nomination's score in each round, first round first",
    )
    final_score = serializers.FloatField(
        allow_null=True,
        help_text="the final ranking: the rounds' scores weighted (or the last round's), "
        "which the ranking and the proposed levels follow",
    )
    disqualified = serializers.BooleanField(
        help_text="disqualified by a field-verification round's rule: ranked last in its "
        "category, proposed no award"
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
    round = serializers.IntegerField(
        allow_null=True, help_text="the round ranked; null: the final ranking"
    )
    adjusted = serializers.BooleanField(help_text="ranked by the adjusted score")
    normalised = serializers.BooleanField(help_text="the same as adjusted (its former name)")
    agreement = serializers.FloatField(
        allow_null=True, help_text="Krippendorff's alpha (interval) over the review scores"
    )
    model = RankingModelSerializer()
    reviewers = ReviewerEffectSerializer(many=True)
    count = serializers.IntegerField(help_text="rows that match the filters")
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = RankingRowSerializer(many=True, source="rows", help_text="this page's rows")


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


# --- rounds (DESIGN §7.3) --------------------------------------------------------------------


class AdvanceRuleSerializer(strict.Serializer):
    rule = serializers.ChoiceField(choices=Round.Rule.choices)
    n = serializers.IntegerField(
        min_value=1,
        max_value=10000,
        allow_null=True,
        required=False,
        default=None,
        help_text="top_n: how many of each category advance",
    )
    min_score = serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        min_value=Decimal(0),
        max_value=Decimal(100),
        allow_null=True,
        required=False,
        default=None,
        help_text="min_score: the score (0–100) a nomination needs to advance",
    )

    def validate(self, attrs):
        # In a PATCH, DRF leaves every nested field optional; an advance rule
        # without its rule says nothing (the contract run sent {} and got 200).
        if "rule" not in attrs:
            raise serializers.ValidationError(
                {"rule": [self.fields["rule"].error_messages["required"]]}
            )
        return attrs


class RoundSerializer(strict.Serializer):
    id = serializers.IntegerField()
    cycle = serializers.IntegerField(source="cycle_id")
    position = serializers.IntegerField(help_text="1 for the first round")
    kind = serializers.ChoiceField(choices=Round.Kind.choices)
    name = serializers.CharField(help_text="in the request's language")
    names = NamesSerializer()
    rubric = serializers.IntegerField(
        source="rubric_id", allow_null=True, help_text="a rubric version; null: the cycle's"
    )
    reviewers_per_nomination = serializers.IntegerField(
        allow_null=True, help_text="null: the cycle's number"
    )
    weight = serializers.IntegerField(help_text="the round's weight in the final score")
    advance = serializers.SerializerMethodField()
    starts_on = serializers.DateField(allow_null=True)
    ends_on = serializers.DateField(allow_null=True)
    panel = serializers.SerializerMethodField()
    status = serializers.ChoiceField(choices=Round.Status.choices)
    advanced_at = serializers.DateTimeField(allow_null=True)
    advance_rationale = serializers.CharField()
    advance_override = serializers.BooleanField(
        help_text="the advanced shortlist departs from the rule's proposal"
    )
    max_unverified_claims = serializers.IntegerField(
        allow_null=True,
        help_text="field verification: a nomination with more claims not verified is "
        "disqualified; null: never",
    )
    shortlist_public = serializers.SerializerMethodField()
    shortlist_published_at = serializers.DateTimeField(
        allow_null=True, help_text="when the advanced shortlist was made a public post"
    )

    def get_shortlist_public(self, obj) -> bool:
        """The advanced shortlist is a public post (``/api/v1/shortlists/{id}``)."""
        return obj.shortlist_post == Round.Post.PUBLIC

    @extend_schema_field(AdvanceRuleSerializer)
    def get_advance(self, obj) -> dict:
        return {
            "rule": obj.advance_rule,
            "n": obj.advance_n,
            "min_score": None if obj.advance_min_score is None else str(obj.advance_min_score),
        }

    @extend_schema_field(
        serializers.ListField(
            child=serializers.IntegerField(),
            allow_null=True,
            help_text="committee member ids; null: every reviewing member",
        )
    )
    def get_panel(self, obj) -> list[int] | None:
        members = [m.pk for m in obj.panel.all()]
        return members or None


class RoundInputSerializer(strict.Serializer):
    kind = serializers.ChoiceField(choices=Round.Kind.choices, default=Round.Kind.DESK)
    names = NamesInputSerializer(required=False, help_text="default: the kind's usual name")
    position = serializers.IntegerField(
        min_value=1, max_value=100, required=False, help_text="default: after the last round"
    )
    rubric = serializers.PrimaryKeyRelatedField(
        queryset=Rubric.objects.all(), allow_null=True, required=False
    )
    reviewers_per_nomination = serializers.IntegerField(
        min_value=1, max_value=50, allow_null=True, required=False
    )
    weight = serializers.IntegerField(min_value=0, max_value=100, required=False)
    advance = AdvanceRuleSerializer(required=False)
    starts_on = serializers.DateField(allow_null=True, required=False)
    ends_on = serializers.DateField(allow_null=True, required=False)
    panel = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        allow_null=True,
        required=False,
        max_length=1000,
    )
    max_unverified_claims = serializers.IntegerField(
        min_value=0,
        max_value=30,
        allow_null=True,
        required=False,
        help_text="field verification: disqualify a nomination with more claims not "
        "verified than this; null: never",
    )


class RoundPatchSerializer(strict.Partial, RoundInputSerializer):
    position = None  # type: ignore[assignment]  # the order is set when a round is added


class ShortlistRowSerializer(strict.Serializer):
    nomination = serializers.IntegerField(source="nomination_id")
    title = serializers.CharField()
    category = serializers.CharField()
    rank = serializers.IntegerField()
    score = serializers.FloatField(allow_null=True, help_text="the score in this round")
    status = serializers.CharField()
    proposed = serializers.BooleanField(
        help_text="proposed by the round's rule; once advanced: advanced"
    )
    disqualified = serializers.BooleanField(
        help_text="disqualified by the field verification's rule: it cannot advance"
    )


class ShortlistSerializer(strict.Serializer):
    round = serializers.IntegerField(source="round.pk")
    rule = serializers.CharField(source="round.advance_rule")
    status = serializers.CharField(source="round.status")
    last = serializers.BooleanField(help_text="the last round has no shortlist")
    waiting = serializers.IntegerField(help_text="nominations of the round still in review")
    proposed = serializers.ListField(child=serializers.IntegerField())
    results = ShortlistRowSerializer(many=True, source="rows")


class AdvanceInputSerializer(strict.Serializer):
    nominations = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        max_length=100000,
        help_text="the nominations that enter the next round",
    )
    rationale = serializers.CharField(
        max_length=2000,
        required=False,
        default="",
        allow_blank=True,
        help_text="required where the shortlist departs from the rule's proposal",
    )


class ShortlistPublishInputSerializer(strict.Serializer):
    public = serializers.BooleanField(
        default=True, help_text="false: take the public shortlist down"
    )


class PublicShortlistEntrySerializer(strict.Serializer):
    title = serializers.CharField()
    unit = serializers.CharField(help_text="the lead nominee's unit")


class PublicShortlistGroupSerializer(strict.Serializer):
    category = serializers.CharField()
    nominations = PublicShortlistEntrySerializer(many=True)


class PublicShortlistSerializer(strict.Serializer):
    id = serializers.IntegerField(source="round.pk")
    cycle = serializers.CharField(source="round.cycle.name")
    round = serializers.CharField(source="round.name", help_text="in the request's language")
    count = serializers.IntegerField(help_text="the nominations that go on")
    published_at = serializers.DateTimeField()
    categories = serializers.SerializerMethodField()

    @extend_schema_field(PublicShortlistGroupSerializer(many=True))
    def get_categories(self, obj) -> list[dict]:
        return [
            {"category": name, "nominations": [{"title": t, "unit": u} for t, u in rows]}
            for name, rows in obj.groups
        ]


class ScheduleInputSerializer(strict.Serializer):
    days = serializers.ListField(child=serializers.DateField(), min_length=1, max_length=31)
    start = serializers.TimeField(help_text="the first interview of each day starts at, 08:00")
    end = serializers.TimeField(help_text="the last one ends by, 16:00")
    slot_minutes = serializers.IntegerField(min_value=5, max_value=240)
    break_minutes = serializers.IntegerField(min_value=0, max_value=240, default=0)
    rooms = serializers.IntegerField(min_value=1, max_value=20, default=1)


class InterviewSlotSerializer(strict.Serializer):
    id = serializers.IntegerField()
    nomination = serializers.IntegerField(source="nomination_id")
    room = serializers.IntegerField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    panel = serializers.SerializerMethodField(help_text="the committee members who hear it")

    def get_panel(self, obj) -> list[int]:
        return sorted(m.pk for m in obj.panel.all())


class ScheduleSerializer(strict.Serializer):
    slots = InterviewSlotSerializer(many=True)
    unplaced = serializers.ListField(
        child=serializers.DictField(), help_text="always empty: an infeasible schedule is a 409"
    )


class SlotPatchSerializer(strict.Serializer):
    starts_at = serializers.DateTimeField(help_text="the new start; the length stays")


# --- field verification ------------------------------------------------------------------


OUTCOMES = [c[0] for c in ClaimCheck.Outcome.choices]


class CheckFileSerializer(strict.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="original_name")
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField(help_text="of the bytes stored")
    url = serializers.SerializerMethodField()

    def get_url(self, obj) -> str:
        return reverse("api-check-file", args=[obj.claim_check.assignment_id, obj.pk])


class ClaimFindingSerializer(strict.Serializer):
    assignment = serializers.IntegerField(source="assignment_id")
    verifier = serializers.CharField()
    outcome = serializers.ChoiceField(
        choices=OUTCOMES, allow_blank=True, help_text="blank: a file taken, nothing found yet"
    )
    note = serializers.CharField()
    submitted = serializers.BooleanField()
    files = CheckFileSerializer(many=True)


class ClaimRowSerializer(strict.Serializer):
    id = serializers.IntegerField(source="claim.pk")
    position = serializers.IntegerField(source="claim.position")
    text = serializers.CharField(source="claim.text")
    outcome = serializers.ChoiceField(
        choices=OUTCOMES,
        allow_null=True,
        help_text="over the submitted findings: not verified when no verifier found any of "
        "it, verified when all found all of it; null until one is submitted",
    )
    findings = ClaimFindingSerializer(many=True)


class ClaimsSummarySerializer(strict.Serializer):
    claims = serializers.IntegerField()
    verified = serializers.IntegerField()
    partly = serializers.IntegerField()
    not_verified = serializers.IntegerField()
    disqualified = serializers.BooleanField(
        help_text="more claims not verified than the round's max_unverified_claims"
    )


class ClaimsSerializer(strict.Serializer):
    round = serializers.IntegerField(help_text="the field round the claims are checked in")
    claims = ClaimRowSerializer(many=True)
    proposed = serializers.ListField(
        child=serializers.CharField(),
        help_text="while there are no claims: the stated impact split into sentences, "
        "a starting point for the checklist",
    )
    summary = ClaimsSummarySerializer()


class ClaimInputSerializer(strict.Serializer):
    id = serializers.IntegerField(
        min_value=1, max_value=2**63 - 1, required=False, help_text="an existing claim kept"
    )
    text = serializers.CharField(max_length=500)


class ClaimsInputSerializer(strict.Serializer):
    claims = serializers.ListField(child=ClaimInputSerializer(), max_length=30)


class CheckSerializer(strict.Serializer):
    claim = serializers.IntegerField(source="claim.pk")
    position = serializers.IntegerField(source="claim.position")
    text = serializers.CharField(source="claim.text")
    outcome = serializers.CharField(allow_blank=True, help_text="blank: not recorded yet")
    note = serializers.CharField()
    files = CheckFileSerializer(many=True)


class FieldVerificationSerializer(strict.Serializer):
    assignment = serializers.IntegerField()
    status = serializers.CharField()
    items = CheckSerializer(many=True)
    score = serializers.FloatField(
        allow_null=True,
        help_text="out of 100, the mean of the findings (verified 1, partly ½, not 0), "
        "once every claim is recorded",
    )


class CheckInputSerializer(strict.Serializer):
    claim = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    outcome = serializers.ChoiceField(choices=OUTCOMES)
    note = serializers.CharField(max_length=5000, required=False, default="", allow_blank=True)


class FieldVerificationInputSerializer(strict.Serializer):
    items = serializers.ListField(child=CheckInputSerializer(), max_length=30)
    submit = serializers.BooleanField(default=False)


class CheckFileUploadSerializer(strict.Serializer):
    claim = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    file = UploadField()
