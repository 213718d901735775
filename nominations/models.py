from __future__ import annotations

import uuid
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core import i18n
from core.models import BilingualName, MailAttempts, TimeStampedModel


class Rubric(TimeStampedModel):
    """A versioned list of scoring criteria. Immutable once a cycle uses it:
    a change is a new version (``rubric_new_version``)."""

    name = models.CharField(_("name"), max_length=200)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        ordering = ["name", "-version"]
        verbose_name = _("rubric")
        verbose_name_plural = _("rubrics")
        constraints = [
            models.UniqueConstraint(fields=["name", "version"], name="rubric_unique_version")
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class Criterion(BilingualName):
    class Group(models.TextChoices):
        PSM = "psm", _("Public Service Motivation")
        INNOVATION = "innovation", _("innovation")

    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="criteria")
    code = models.SlugField(_("code"), max_length=40)
    group = models.CharField(_("group"), max_length=16, choices=Group.choices)
    weight = models.PositiveSmallIntegerField(_("weight"))
    scale_min = models.SmallIntegerField(_("lowest score"), default=1)
    scale_max = models.SmallIntegerField(_("highest score"), default=5)
    # [{"value": 1, "descriptors": {"id": "…", "en": "…"}}, …], one per
    # level of the scale (a level without a descriptor may be left out).
    levels = models.JSONField(_("level descriptors"), default=list, blank=True)
    # A PSM criterion asks the nominator for a statement about it.
    asks_statement = models.BooleanField(_("asks for a PSM statement"), default=False)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["rubric", "position", "id"]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        constraints = [
            models.UniqueConstraint(fields=["rubric", "code"], name="criterion_unique_code"),
            models.CheckConstraint(
                condition=models.Q(scale_max__gt=models.F("scale_min")),
                name="criterion_scale_not_empty",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.weight})"

    def scale(self) -> list[tuple[int, str]]:
        """Each score of the scale with its descriptor in the active language."""
        texts = {level["value"]: i18n.pick(level.get("descriptors")) for level in self.levels}
        return [(v, texts.get(v, "")) for v in range(self.scale_min, self.scale_max + 1)]


class Cycle(TimeStampedModel):
    """An award cycle, e.g. *Anugerah Inovasi 2026*."""

    class Phase(models.TextChoices):
        DRAFT = "draft", _("draft")
        NOMINATING = "nominating", _("nominating")
        REVIEWING = "reviewing", _("reviewing")
        DECIDING = "deciding", _("deciding")
        PUBLISHED = "published", _("published")
        CLOSED = "closed", _("closed")

    name = models.CharField(_("name"), max_length=200)
    phase = models.CharField(_("phase"), max_length=16, choices=Phase.choices, default=Phase.DRAFT)
    rubric = models.ForeignKey(
        Rubric, verbose_name=_("rubric"), on_delete=models.PROTECT, related_name="cycles"
    )
    # Planned dates: the day each phase is planned to start.
    nominating_on = models.DateField(_("nominations open"), null=True, blank=True)
    reviewing_on = models.DateField(_("review starts"), null=True, blank=True)
    deciding_on = models.DateField(_("decisions start"), null=True, blank=True)
    publishing_on = models.DateField(_("publication"), null=True, blank=True)
    closing_on = models.DateField(_("closing"), null=True, blank=True)
    auto_advance = models.BooleanField(
        _("advance phases on their planned dates"),
        default=False,
        help_text=_(
            "A daily job moves the cycle into a phase whose planned date has passed "
            "(never into publication, which the secretariat does)."
        ),
    )
    # Only employees of this unit and the units below it may be nominated.
    scope_unit = models.ForeignKey(
        "people.OrgUnit",
        verbose_name=_("org unit the cycle is for"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Only employees of this unit and the units below it can be nominated."),
    )
    # Promotion (DESIGN §3.11): an agency's cycle names the higher-level cycle
    # its winners may be put forward to; that cycle says which winners it takes.
    parent = models.ForeignKey(
        "self",
        verbose_name=_("higher-level cycle"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        help_text=_("The cycle this cycle's award winners can be put forward to."),
    )
    promotion_min_award_level = models.SlugField(
        _("lowest award level taken from a lower-level cycle"),
        max_length=40,
        blank=True,
        help_text=_(
            "The code of an award level (e.g. silver): winners at this level or above in a "
            "lower-level cycle can be put forward. Empty: any award level."
        ),
    )
    promotion_quota = models.PositiveSmallIntegerField(
        _("nominations taken from each lower-level cycle"),
        null=True,
        blank=True,
        help_text=_("Empty: no limit."),
    )
    blind_review = models.BooleanField(_("blind review"), default=False)
    reviewers_per_nomination = models.PositiveSmallIntegerField(
        _("reviewers per nomination"), default=3
    )
    min_innovation_months = models.PositiveSmallIntegerField(
        _("minimum months the innovation has run"), default=12
    )
    max_nominations_per_unit = models.PositiveSmallIntegerField(
        _("nominations per org unit"), null=True, blank=True, default=5
    )
    # The ranking's statistics (nominations.calibration): rank by the score
    # adjusted for reviewer leniency, and flag the nominations whose reviewers
    # disagree beyond the noise, at most this share of ordinary ones by chance.
    adjust_scores = models.BooleanField(
        _("adjust scores for reviewer leniency"),
        default=True,
        help_text=_("Rank by the score adjusted for each reviewer's leniency (recommended)."),
    )
    disagreement_rate = models.DecimalField(
        _("disagreement flag rate (%)"),
        max_digits=4,
        decimal_places=1,
        default=Decimal(5),
        validators=[MinValueValidator(Decimal("0.1")), MaxValueValidator(Decimal(50))],
        help_text=_(
            "A nomination is flagged when its reviewers disagree more than chance would make "
            "them in this share of ordinary nominations."
        ),
    )

    class FinalScore(models.TextChoices):
        WEIGHTED = "weighted", _("the rounds' scores, weighted")
        LAST = "last", _("the last round's score")

    # With several rounds (``Round``): what the final ranking ranks by.
    final_score = models.CharField(
        _("final score"), max_length=16, choices=FinalScore.choices, default=FinalScore.WEIGHTED
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("award cycle")
        verbose_name_plural = _("award cycles")

    def __str__(self) -> str:
        return self.name

    PLANNED_DATE_FIELDS = {
        Phase.NOMINATING: "nominating_on",
        Phase.REVIEWING: "reviewing_on",
        Phase.DECIDING: "deciding_on",
        Phase.PUBLISHED: "publishing_on",
        Phase.CLOSED: "closing_on",
    }

    def planned_date(self, phase: str):
        field = self.PLANNED_DATE_FIELDS.get(self.Phase(phase)) if phase in self.Phase else None
        return getattr(self, field) if field else None


class Category(BilingualName):
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="categories")
    code = models.SlugField(_("code"), max_length=40)
    team = models.BooleanField(_("for teams"), default=False)

    class Meta:
        ordering = ["cycle", "id"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "code"], name="category_unique_code")
        ]

    def __str__(self) -> str:
        return self.name


class AwardLevel(BilingualName):
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="award_levels")
    code = models.SlugField(_("code"), max_length=40)
    min_score = models.DecimalField(_("minimum score"), max_digits=5, decimal_places=2)
    quota = models.PositiveSmallIntegerField(_("quota per category"))

    class Meta:
        ordering = ["cycle", "-min_score"]
        verbose_name = _("award level")
        verbose_name_plural = _("award levels")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "code"], name="awardlevel_unique_code")
        ]

    def __str__(self) -> str:
        return self.name


class CommitteeMember(models.Model):
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="committee")
    employee = models.ForeignKey(
        "people.Employee", on_delete=models.PROTECT, related_name="committee_seats"
    )
    is_chair = models.BooleanField(_("chair"), default=False)
    # Decides the nominations the chair is in conflict with (and sees the
    # cycle as the chair does); like the chair, reviews nothing.
    is_deputy_chair = models.BooleanField(_("deputy chair"), default=False)
    load_cap = models.PositiveSmallIntegerField(_("most nominations to review"), default=20)
    expertise = models.ManyToManyField(Category, blank=True, verbose_name=_("expertise"))

    class Meta:
        ordering = ["cycle", "-is_chair", "id"]
        verbose_name = _("committee member")
        verbose_name_plural = _("committee members")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "employee"], name="member_once_per_cycle"),
            models.UniqueConstraint(
                fields=["cycle"], condition=models.Q(is_chair=True), name="one_chair_per_cycle"
            ),
            models.UniqueConstraint(
                fields=["cycle"],
                condition=models.Q(is_deputy_chair=True),
                name="one_deputy_chair_per_cycle",
            ),
            models.CheckConstraint(
                condition=~(models.Q(is_chair=True) & models.Q(is_deputy_chair=True)),
                name="chair_or_deputy_not_both",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.employee} @ {self.cycle_id}"


class Round(BilingualName):
    """One round of a cycle (DESIGN §3.11): desk evaluation, interview or
    field verification, in order. Every cycle has at least one (a desk round
    made with the cycle); its nominations are reviewed round by round, and
    the chair's shortlist of one round (``advance``) enters the next."""

    class Kind(models.TextChoices):
        DESK = "desk", _("desk evaluation")
        INTERVIEW = "interview", _("presentation and interview")
        FIELD = "field", _("field verification")

    class Rule(models.TextChoices):
        TOP_N = "top_n", _("the top N of each category")
        MIN_SCORE = "min_score", _("every nomination with at least a minimum score")
        CHAIR = "chair", _("the chair's selection")

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        ADVANCED = "advanced", _("shortlist advanced")

    class Post(models.TextChoices):
        HIDDEN = "hidden", _("not public")
        PUBLIC = "public", _("public")

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="rounds")
    position = models.PositiveSmallIntegerField(_("position"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.DESK)
    # None: the cycle's rubric.
    rubric = models.ForeignKey(
        Rubric,
        verbose_name=_("rubric"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rounds",
    )
    # None: the cycle's number.
    reviewers_per_nomination = models.PositiveSmallIntegerField(
        _("reviewers per nomination"), null=True, blank=True
    )
    weight = models.PositiveSmallIntegerField(_("weight in the final score"), default=1)
    advance_rule = models.CharField(
        _("who advances"), max_length=16, choices=Rule.choices, default=Rule.CHAIR
    )
    advance_n = models.PositiveSmallIntegerField(_("N per category"), null=True, blank=True)
    advance_min_score = models.DecimalField(
        _("minimum score"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    # Empty: every reviewing member of the committee.
    panel = models.ManyToManyField(
        CommitteeMember, blank=True, verbose_name=_("panel"), related_name="rounds"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.OPEN
    )
    advance_rationale = models.TextField(_("shortlist rationale"), blank=True)
    advance_override = models.BooleanField(
        _("shortlist departs from the rule's proposal"), default=False
    )
    advanced_at = models.DateTimeField(_("shortlist advanced at"), null=True, blank=True)
    # Field verification: a nomination with more claims not verified than
    # this is disqualified; None: never.
    max_unverified_claims = models.PositiveSmallIntegerField(
        _("most claims not verified before disqualification"), null=True, blank=True
    )
    # The advanced shortlist as a public post ("Top 45 …"), by the
    # secretariat (workflow.SHORTLIST).
    shortlist_post = models.CharField(
        _("shortlist post"), max_length=8, choices=Post.choices, default=Post.HIDDEN
    )
    shortlist_published_at = models.DateTimeField(
        _("shortlist made public at"), null=True, blank=True
    )

    class Meta:
        ordering = ["cycle", "position"]
        verbose_name = _("round")
        verbose_name_plural = _("rounds")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "position"], name="round_unique_position"),
            models.CheckConstraint(
                condition=~models.Q(advance_rule="top_n") | models.Q(advance_n__gte=1),
                name="round_top_n_has_n",
            ),
            models.CheckConstraint(
                condition=~models.Q(advance_rule="min_score")
                | models.Q(advance_min_score__isnull=False),
                name="round_min_score_has_score",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.name}"


class Nomination(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")
        ELIGIBLE = "eligible", _("eligible")
        INELIGIBLE = "ineligible", _("ineligible")
        IN_REVIEW = "in_review", _("in review")
        REVIEWED = "reviewed", _("reviewed")
        DECIDED = "decided", _("decided")
        PUBLISHED = "published", _("published")
        WITHDRAWN = "withdrawn", _("withdrawn")

    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="nominations")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="nominations")
    nominator = models.ForeignKey(
        "people.Employee", on_delete=models.PROTECT, related_name="nominations_made"
    )
    title = models.CharField(_("title"), max_length=200)
    problem = models.TextField(_("problem"), blank=True)
    solution = models.TextField(_("solution"), blank=True)
    impact = models.TextField(_("measurable impact"), blank=True)
    started_on = models.DateField(_("innovation started on"), null=True, blank=True)
    psm_statements = models.JSONField(_("PSM statements"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    screening_reason = models.TextField(_("screening reason"), blank=True)
    award_level = models.ForeignKey(
        AwardLevel, on_delete=models.PROTECT, null=True, blank=True, related_name="nominations"
    )
    proposed_award_level = models.ForeignKey(
        AwardLevel, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decision_rationale = models.TextField(_("decision rationale"), blank=True)
    decision_override = models.BooleanField(_("decision departs from the proposal"), default=False)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    # The round the nomination is in (set when it enters review); a
    # nomination left out of a shortlist stays in the round it ended in.
    round = models.ForeignKey(
        Round, on_delete=models.PROTECT, null=True, blank=True, related_name="nominations"
    )
    # The awarded nomination of a lower-level cycle this one was promoted from.
    origin = models.ForeignKey(
        "self",
        verbose_name=_("promoted from"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="promotions",
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        indexes = [
            models.Index(fields=["cycle", "status"]),
            # The nomination list's order (newest first), read a page at a
            # time (keyset), over everything or over one cycle.
            models.Index(fields=["created_at", "id"], name="nomination_list_order"),
            models.Index(fields=["cycle", "created_at", "id"], name="nomination_cycle_order"),
        ]
        constraints = [
            # Promoting the same nomination again finds this one (idempotent).
            models.UniqueConstraint(
                fields=["cycle", "origin"],
                condition=models.Q(origin__isnull=False),
                name="promoted_once_per_cycle",
            )
        ]

    def __str__(self) -> str:
        return self.title


class Nominee(MailAttempts):
    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="nominees")
    employee = models.ForeignKey(
        "people.Employee", on_delete=models.PROTECT, related_name="nominations_received"
    )
    is_lead = models.BooleanField(_("lead"), default=False)
    notified_at = models.DateTimeField(_("told of the nomination at"), null=True, blank=True)

    class Meta:
        ordering = ["nomination", "-is_lead", "id"]
        constraints = [
            models.UniqueConstraint(fields=["nomination", "employee"], name="nominee_once"),
            models.UniqueConstraint(
                fields=["nomination"],
                condition=models.Q(is_lead=True),
                name="one_lead_per_nomination",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.employee_id} in {self.nomination_id}"


def evidence_path(instance: Evidence, filename: str) -> str:
    # A generated name: nothing of the uploader's file name reaches the disk.
    return f"evidence/{instance.nomination_id}/{uuid.uuid4().hex}"


class StoredFile(models.Model):
    """An uploaded file as kept: its type judged by content, its size and
    SHA-256 (``services.evidence_files.checked_upload``), the name it came
    with (never used on disk)."""

    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.original_name


class Evidence(StoredFile):
    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to=evidence_path, max_length=200)

    class Meta:
        ordering = ["nomination", "id"]
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")


class DeclaredConflict(models.Model):
    nomination = models.ForeignKey(
        Nomination, on_delete=models.CASCADE, related_name="declared_conflicts"
    )
    member = models.ForeignKey(
        CommitteeMember, on_delete=models.CASCADE, related_name="declared_conflicts"
    )
    reason = models.TextField(_("reason"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["nomination", "member"], name="conflict_once")
        ]

    def __str__(self) -> str:
        return f"{self.member_id} ✕ {self.nomination_id}"


class Assignment(models.Model):
    class Status(models.TextChoices):
        ASSIGNED = "assigned", _("assigned")
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="assignments")
    member = models.ForeignKey(
        CommitteeMember, on_delete=models.PROTECT, related_name="assignments"
    )
    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="assignments")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ASSIGNED)
    expertise_match = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    # Set when a conflict of interest is found after assignment (the
    # reporting lines changed): the review is refused and the nomination
    # needs another reviewer; the row stays for the record.
    conflict = models.CharField(_("conflict found"), max_length=300, blank=True)
    conflict_found_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["nomination", "member", "round"], name="assignment_once_per_round"
            )
        ]

    def __str__(self) -> str:
        return f"{self.member_id} → {self.nomination_id}"

    @property
    def rubric(self) -> Rubric:
        """The rubric this review scores on: the round's, or the cycle's."""
        return self.round.rubric or self.nomination.cycle.rubric


class InterviewSlot(models.Model):
    """A nomination's interview in a round (``services.rounds.interviews_schedule``):
    its room, its time and the room's panel, who then score it."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="slots")
    nomination = models.ForeignKey(
        Nomination, on_delete=models.CASCADE, related_name="interview_slots"
    )
    room = models.PositiveSmallIntegerField(_("room"))
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    panel = models.ManyToManyField(CommitteeMember, related_name="interview_slots")
    # Raised on every change: calendar programs replace the event they hold.
    sequence = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["round", "starts_at", "room"]
        verbose_name = _("interview slot")
        verbose_name_plural = _("interview slots")
        constraints = [
            models.UniqueConstraint(fields=["round", "nomination"], name="one_interview_per_round"),
            models.UniqueConstraint(
                fields=["round", "room", "starts_at"], name="one_interview_per_room_and_time"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.nomination_id} in room {self.room} at {self.starts_at:%Y-%m-%d %H:%M}"


class SlotNotice(MailAttempts):
    """One e-mail to one person about one change of an interview's time
    (``services.rounds.interview_move``): the unique constraint makes the
    sending job idempotent."""

    slot = models.ForeignKey(InterviewSlot, on_delete=models.CASCADE, related_name="notices")
    employee = models.ForeignKey("people.Employee", on_delete=models.CASCADE, related_name="+")
    sequence = models.PositiveIntegerField()
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["slot", "employee", "sequence"], name="slot_notice_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.employee_id} ← slot {self.slot_id} #{self.sequence}"


class CalendarFeed(models.Model):
    """A person's secret iCalendar address for their interviews
    (``calendar``); rotating it makes the old address answer nothing."""

    employee = models.OneToOneField(
        "people.Employee", on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"calendar of {self.employee_id}"


class RoundResult(models.Model):
    """How a nomination ended a round whose shortlist was advanced: its
    score in the round and whether it went on (DESIGN §7.3 ``rounds``)."""

    class Outcome(models.TextChoices):
        ADVANCED = "advanced", _("advanced")
        NOT_ADVANCED = "not_advanced", _("not advanced")
        DISQUALIFIED = "disqualified", _("disqualified")

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="results")
    nomination = models.ForeignKey(
        Nomination, on_delete=models.CASCADE, related_name="round_results"
    )
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    score = models.DecimalField(
        _("score in the round"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    rank = models.PositiveIntegerField(_("rank in its category"), null=True, blank=True)

    class Meta:
        ordering = ["round", "nomination"]
        constraints = [
            models.UniqueConstraint(fields=["round", "nomination"], name="round_result_once")
        ]

    def __str__(self) -> str:
        return f"{self.nomination_id} in {self.round_id}: {self.outcome}"


class Claim(models.Model):
    """One impact claim of a nomination, checked in a field-verification
    round (``services.verification``): the nominator's stated impact split
    into claims by the secretariat or a verifier."""

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="claims")
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="claims")
    position = models.PositiveSmallIntegerField(_("position"))
    text = models.CharField(_("claim"), max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["nomination", "round", "position"]
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "nomination", "position"], name="claim_unique_position"
            )
        ]

    def __str__(self) -> str:
        return self.text


class ClaimCheck(models.Model):
    """A verifier's finding on one claim (one per claim and assignment)."""

    class Outcome(models.TextChoices):
        VERIFIED = "verified", _("verified")
        PARTLY = "partly", _("partly verified")
        NOT_VERIFIED = "not_verified", _("not verified")

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="checks")
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="checks")
    # Blank: not yet found (a photo taken before the finding).
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)
    note = models.TextField(_("note"), blank=True)
    checked_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["claim", "assignment"]
        constraints = [
            models.UniqueConstraint(fields=["claim", "assignment"], name="claim_check_once")
        ]

    def __str__(self) -> str:
        return f"{self.claim_id} by {self.assignment_id}: {self.outcome}"


def check_file_path(instance: CheckFile, filename: str) -> str:
    return f"verification/{instance.claim_check.claim.nomination_id}/{uuid.uuid4().hex}"


class CheckFile(StoredFile):
    """A photo or document a verifier took for a claim (the evidence rules
    apply: type judged by content, size limits)."""

    claim_check = models.ForeignKey(ClaimCheck, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to=check_file_path, max_length=200)

    class Meta:
        ordering = ["claim_check", "id"]
        verbose_name = _("verification file")
        verbose_name_plural = _("verification files")


class Review(models.Model):
    assignment = models.OneToOneField(Assignment, on_delete=models.CASCADE, related_name="review")
    scores = models.JSONField(default=dict)
    comments = models.JSONField(default=dict, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # Filled on submit (DESIGN.md §4), 0–100.
    score = models.DecimalField(max_digits=6, decimal_places=3, null=True, blank=True)
    psm_score = models.DecimalField(max_digits=6, decimal_places=3, null=True, blank=True)
    innovation_score = models.DecimalField(max_digits=6, decimal_places=3, null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"review of assignment {self.assignment_id}"


class ReviewChange(models.Model):
    """A submitted review of this round was written or deleted: one row a
    change, appended by a database trigger on the review table (migration
    0013), so that every path counts — the services, a queryset update, a
    cascade, the admin. The newest row of a ranking's rounds is the reviews'
    part of its version (``selectors.ranking_version``): read through an
    index in microseconds, where counting the cycle's reviews read them all.

    ``round_id`` is a plain column: rounds are never deleted while they have
    reviews (``Assignment.round`` protects them), and the trigger must not
    trip over a row that is being deleted."""

    id = models.BigAutoField(primary_key=True)
    round_id = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["round_id", "id"], name="reviewchange_round_newest")]

    def __str__(self) -> str:
        return f"review change {self.pk} in round {self.round_id}"


class ResultNotice(MailAttempts):
    """One e-mail per person per nomination about a published result; the
    unique constraint makes publication's e-mail job idempotent."""

    nomination = models.ForeignKey(
        Nomination, on_delete=models.CASCADE, related_name="result_notices"
    )
    employee = models.ForeignKey("people.Employee", on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["nomination", "employee"], name="notice_once")
        ]

    def __str__(self) -> str:
        return f"{self.employee_id} ← {self.nomination_id}"


class Reminder(MailAttempts):
    """One deadline reminder to one person (``nominations.reminders``): the
    unique constraint makes the daily job send each at most once."""

    class Kind(models.TextChoices):
        DRAFTS = "drafts", _("drafts before nominations close")
        REVIEWS_3 = "reviews_3", _("reviews, three days before review closes")
        REVIEWS_1 = "reviews_1", _("reviews, one day before review closes")
        DECISIONS = "decisions", _("decisions before deciding closes")

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="reminders")
    employee = models.ForeignKey("people.Employee", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    deadline = models.DateField(_("deadline"))
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "employee", "kind", "deadline"], name="reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.employee_id} ({self.cycle_id})"
