"""Writes of the nominations app: cycles, rubrics, nominations, evidence,
screening, conflicts, reviews, decisions and publication.

Every nomination state change goes through ``workflow.nomination_transition``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core import events, lifecycle
from core.errors import ConflictError, NotFoundError
from core.jobs import dispatch
from people.models import Employee
from people.selectors import employee_reporting_line_ids

from . import defaults, evidence, scoring
from .events import results_published
from .models import (
    Assignment,
    AwardLevel,
    Category,
    CommitteeMember,
    Criterion,
    Cycle,
    DeclaredConflict,
    Evidence,
    Nomination,
    Nominee,
    ResultNotice,
    Review,
    Rubric,
)
from .workflow import (
    ASSIGNMENT,
    CYCLE,
    PHASES,
    REOPEN_FROM,
    REVIEW_FROM,
    S,
    nomination_transition,
    nomination_transition_many,
)

P = Cycle.Phase

# --- rubrics -----------------------------------------------------------------


def rubric_in_use(rubric: Rubric) -> bool:
    """In use by a cycle that is not closed: then it must not change."""
    return rubric.cycles.exclude(phase=P.CLOSED).exclude(phase=P.DRAFT).exists()


def rubric_create(*, name: str, criteria: list[dict], version: int = 1) -> Rubric:
    """Create a rubric; weights must be whole numbers summing to 100."""
    errors = {}
    total = sum(int(c.get("weight", 0)) for c in criteria)
    if not criteria:
        errors["criteria"] = [_("A rubric needs at least one criterion.")]
    elif total != 100:
        errors["criteria"] = [
            _("The weights add up to %(total)d; they must add up to 100.") % {"total": total}
        ]
    codes = [c["code"] for c in criteria]
    if len(set(codes)) != len(codes):
        errors["criteria"] = [_("Criterion codes must be unique.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        rubric = Rubric.objects.create(name=name, version=version)
        for position, spec in enumerate(criteria):
            criterion = Criterion(rubric=rubric, position=position, **spec)
            criterion.full_clean()
            criterion.save()
    return rubric


def rubric_new_version(*, rubric: Rubric, criteria: list[dict]) -> Rubric:
    """A changed copy of ``rubric`` under the next version number."""
    latest = Rubric.objects.filter(name=rubric.name).order_by("-version").first()
    return rubric_create(name=rubric.name, criteria=criteria, version=latest.version + 1)


def rubric_default() -> Rubric:
    """The seeded default rubric of DESIGN.md §4 (created on first use)."""
    existing = Rubric.objects.filter(name=defaults.DEFAULT_RUBRIC_NAME).order_by("version")
    if existing.exists():
        return existing.first()
    return rubric_create(
        name=defaults.DEFAULT_RUBRIC_NAME,
        criteria=[
            {
                "code": code,
                "name": name,
                "group": group,
                "weight": weight,
                "asks_statement": asks,
                "levels": levels,
            }
            for code, name, group, weight, asks, levels in defaults.DEFAULT_CRITERIA
        ],
    )


# --- cycles ----------------------------------------------------------------------


@transaction.atomic
def cycle_create(
    *, name: str, rubric: Rubric | None = None, with_defaults: bool = True, **fields
) -> Cycle:
    """A new cycle in ``draft``; with the default categories and award levels."""
    cycle = Cycle(name=name, rubric=rubric or rubric_default(), **fields)
    cycle.full_clean()
    cycle.save()
    if with_defaults:
        Category.objects.bulk_create(
            Category(cycle=cycle, code=c, name=n, team=t) for c, n, t in defaults.DEFAULT_CATEGORIES
        )
        AwardLevel.objects.bulk_create(
            AwardLevel(cycle=cycle, code=c, name_id=i, name_en=e, min_score=m, quota=q)
            for c, i, e, m, q in defaults.DEFAULT_AWARD_LEVELS
        )
    return cycle


def committee_member_add(
    *,
    cycle: Cycle,
    employee: Employee,
    is_chair: bool = False,
    load_cap: int = 20,
    expertise: Iterable[Category] = (),
) -> CommitteeMember:
    try:
        with transaction.atomic():
            member = CommitteeMember.objects.create(
                cycle=cycle, employee=employee, is_chair=is_chair, load_cap=load_cap
            )
            member.expertise.set(list(expertise))
    except IntegrityError:
        raise ValidationError(
            {"employee": _("Already on this committee, or the cycle already has a chair.")}
        ) from None
    return member


def cycle_set_phase(*, cycle_id: int, phase: str, actor: Any = None) -> Cycle:
    """Move a cycle one phase forward. Publication has its own service
    (``cycle_publish``) because it does more than change the phase.

    Side effects, after commit: none besides the history row.
    """
    if phase not in PHASES:
        raise ValidationError({"phase": _("Unknown phase “%(phase)s”.") % {"phase": phase}})
    if phase == P.PUBLISHED:
        raise ConflictError(_("Publish the results with the publish action."))
    return lifecycle.transition(CYCLE, pk=cycle_id, to=phase, actor=actor)


def cycles_advance_due(*, today: dt.date | None = None) -> list[int]:
    """Beat job: advance cycles set to ``auto_advance`` whose next phase's
    planned date has passed (never into publication)."""
    today = today or timezone.localdate()
    moved = []
    for cycle in Cycle.objects.filter(auto_advance=True).exclude(phase__in=[P.DECIDING, P.CLOSED]):
        nxt = PHASES[PHASES.index(cycle.phase) + 1]
        planned = cycle.planned_date(nxt)
        if planned and planned <= today:
            try:
                cycle_set_phase(cycle_id=cycle.pk, phase=nxt)
            except (ConflictError, ValidationError):
                continue
            moved.append(cycle.pk)
    return moved


# --- nominations ---------------------------------------------------------------

NOMINATION_FIELDS = ("title", "problem", "solution", "impact", "started_on", "psm_statements")


def _check_nominees(
    *, nominator: Employee, category: Category, nominees: list[Employee], lead: Employee | None
) -> None:
    errors: dict[str, list[str]] = {}
    if not nominees:
        errors["nominees"] = [_("Name at least one nominee.")]
    elif len({n.pk for n in nominees}) != len(nominees):
        errors["nominees"] = [_("A nominee is listed twice.")]
    elif nominator.pk in {n.pk for n in nominees}:
        errors["nominees"] = [_("You cannot nominate yourself.")]
    else:
        line = employee_reporting_line_ids(employee=nominator)
        outside = [n.nip for n in nominees if n.pk not in line]
        if outside:
            errors["nominees"] = [
                _("Not in your reporting line: %(nips)s.") % {"nips": ", ".join(outside)}
            ]
        elif not category.team and len(nominees) > 1:
            errors["nominees"] = [_("This category is for one person; choose a team category.")]
    if lead is not None and lead.pk not in {n.pk for n in nominees}:
        errors["lead"] = [_("The lead must be one of the nominees.")]
    if errors:
        raise ValidationError(errors)


def _check_statements(cycle: Cycle, statements: dict) -> None:
    if not isinstance(statements, dict):
        raise ValidationError({"psm_statements": _("Give an object of criterion code → text.")})
    allowed = set(cycle.rubric.criteria.filter(asks_statement=True).values_list("code", flat=True))
    unknown = sorted(set(statements) - allowed)
    if unknown:
        raise ValidationError(
            {
                "psm_statements": _("Unknown PSM criteria: %(codes)s.")
                % {"codes": ", ".join(unknown)}
            }
        )


def nomination_create(
    *,
    nominator: Employee,
    cycle: Cycle,
    category: Category,
    nominees: list[Employee],
    lead: Employee | None = None,
    **fields,
) -> Nomination:
    """A draft nomination by a supervisor for people in their reporting line."""
    if cycle.phase != P.NOMINATING:
        raise ConflictError(_("This cycle is not taking nominations."))
    if category.cycle_id != cycle.pk:
        raise ValidationError({"category": _("This category belongs to another cycle.")})
    _check_nominees(nominator=nominator, category=category, nominees=nominees, lead=lead)
    _check_statements(cycle, fields.get("psm_statements") or {})
    with transaction.atomic():
        nomination = Nomination.objects.create(
            cycle=cycle,
            category=category,
            nominator=nominator,
            **{k: v for k, v in fields.items() if k in NOMINATION_FIELDS},
        )
        lead = lead or nominees[0]
        Nominee.objects.bulk_create(
            Nominee(nomination=nomination, employee=n, is_lead=n.pk == lead.pk) for n in nominees
        )
    return nomination


def nomination_update(
    *,
    nomination: Nomination,
    actor,
    category: Category | None = None,
    nominees: list[Employee] | None = None,
    lead: Employee | None = None,
    **fields,
) -> Nomination:
    """Edit a draft (nominator only)."""
    with transaction.atomic():
        nomination = (
            Nomination.objects.select_for_update(of=("self",))
            .select_related("cycle", "nominator")
            .get(pk=nomination.pk)
        )
        if not actor.has_perm("nominations.change_nomination", nomination):
            raise NotFoundError()
        if nomination.status != S.DRAFT:
            raise ConflictError(_("Only a draft can be edited."))
        if nomination.cycle.phase != P.NOMINATING:
            raise ConflictError(_("This cycle is not taking nominations."))
        if category is not None and category.cycle_id != nomination.cycle_id:
            raise ValidationError({"category": _("This category belongs to another cycle.")})
        category = category or nomination.category
        if nominees is not None or category.pk != nomination.category_id or lead is not None:
            current = [n.employee for n in nomination.nominees.select_related("employee")]
            new_nominees = nominees if nominees is not None else current
            _check_nominees(
                nominator=nomination.nominator, category=category, nominees=new_nominees, lead=lead
            )
            if nominees is not None or lead is not None:
                lead = lead or new_nominees[0]
                nomination.nominees.all().delete()
                Nominee.objects.bulk_create(
                    Nominee(nomination=nomination, employee=n, is_lead=n.pk == lead.pk)
                    for n in new_nominees
                )
        if "psm_statements" in fields:
            _check_statements(nomination.cycle, fields["psm_statements"] or {})
        nomination.category = category
        for key, value in fields.items():
            if key in NOMINATION_FIELDS:
                setattr(nomination, key, value)
        nomination.save()
    return nomination


def nomination_delete(*, nomination: Nomination, actor) -> None:
    with transaction.atomic():
        nomination = Nomination.objects.select_for_update().get(pk=nomination.pk)
        if not actor.has_perm("nominations.change_nomination", nomination):
            raise NotFoundError()
        if nomination.status != S.DRAFT:
            raise ConflictError(_("Only a draft can be deleted; withdraw it instead."))
        for item in nomination.evidence.all():
            item.file.delete(save=False)
        nomination.delete()


def _completeness_errors(nomination: Nomination) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for name in ("title", "problem", "solution", "impact"):
        if not (getattr(nomination, name) or "").strip():
            errors[name] = [_("Required before submitting.")]
    if nomination.started_on is None:
        errors["started_on"] = [_("Required before submitting.")]
    elif nomination.started_on > timezone.localdate():
        errors["started_on"] = [_("The innovation cannot start in the future.")]
    codes = nomination.cycle.rubric.criteria.filter(asks_statement=True).values_list(
        "code", flat=True
    )
    for code in codes:
        if not str((nomination.psm_statements or {}).get(code, "")).strip():
            errors[f"psm_statements.{code}"] = [_("Required before submitting.")]
    return errors


def nomination_missing(*, nomination: Nomination) -> dict[str, list[str]]:
    """What submitting would refuse, field by field, without submitting (the
    web form's last step shows it)."""
    return _completeness_errors(nomination)


def nomination_submit(*, nomination_id: int, actor) -> Nomination:
    """Submit a complete draft: it is frozen from now on.

    Side effects, after commit: each nominee is e-mailed that they were
    nominated (and how to opt out of public posts).
    """

    def check(nomination: Nomination) -> None:
        errors = _completeness_errors(nomination)
        if errors:
            raise ValidationError(errors)
        nomination.submitted_at = timezone.now()

    def notify(nomination: Nomination) -> None:
        from .tasks import notify_nominees

        dispatch(notify_nominees, nomination_id=nomination.pk)

    return nomination_transition(
        nomination_id=nomination_id, to=S.SUBMITTED, actor=actor, apply=check, on_commit=notify
    )


def nomination_withdraw(*, nomination_id: int, actor, reason: str = "") -> Nomination:
    return nomination_transition(
        nomination_id=nomination_id, to=S.WITHDRAWN, actor=actor, note=reason
    )


def nomination_screen(*, nomination_id: int, actor, eligible: bool, reason: str = "") -> Nomination:
    """The secretariat's eligibility decision; a reason is required for ineligible."""
    if not eligible and not reason.strip():
        raise ValidationError({"reason": _("Say why the nomination is ineligible.")})

    def record(nomination: Nomination) -> None:
        nomination.screening_reason = reason

    return nomination_transition(
        nomination_id=nomination_id,
        to=S.ELIGIBLE if eligible else S.INELIGIBLE,
        actor=actor,
        note=reason,
        apply=record,
    )


# --- evidence --------------------------------------------------------------------


def evidence_add(*, nomination: Nomination, actor, upload: UploadedFile) -> Evidence:
    """Attach a file to a draft. The type is decided by the content."""
    with transaction.atomic():
        nomination = (
            Nomination.objects.select_for_update(of=("self",))
            .select_related("cycle")
            .get(pk=nomination.pk)
        )
        if not actor.has_perm("nominations.change_nomination", nomination):
            raise NotFoundError()
        if nomination.status != S.DRAFT or nomination.cycle.phase != P.NOMINATING:
            raise ConflictError(
                _("Evidence can only be added to a draft while the cycle takes nominations.")
            )
        if upload.size > evidence.MAX_FILE_BYTES:
            raise ValidationError(
                {
                    "file": _("The file is larger than %(mb)d MB.")
                    % {"mb": evidence.MAX_FILE_BYTES // 2**20}
                }
            )
        used = nomination.evidence.aggregate(total=Sum("size"))["total"] or 0
        if used + upload.size > evidence.MAX_TOTAL_BYTES:
            raise ValidationError(
                {
                    "file": _(
                        "Evidence of one nomination may total %(mb)d MB; %(left).1f MB is left."
                    )
                    % {
                        "mb": evidence.MAX_TOTAL_BYTES // 2**20,
                        "left": (evidence.MAX_TOTAL_BYTES - used) / 2**20,
                    }
                }
            )
        content_type = evidence.detect_type(upload)
        if content_type is None:
            raise ValidationError(
                {
                    "file": _(
                        "Only PDF, PNG, JPEG, XLSX and DOCX files are accepted (judged by content)."
                    )
                }
            )
        digest = hashlib.sha256()
        for chunk in upload.chunks():
            digest.update(chunk)
        upload.seek(0)
        item = Evidence(
            nomination=nomination,
            original_name=upload.name[:255],
            content_type=content_type,
            size=upload.size,
            sha256=digest.hexdigest(),
        )
        item.file.save("evidence", upload, save=False)
        try:
            item.save()
        except Exception:
            item.file.delete(save=False)
            raise
    return item


def evidence_delete(*, item: Evidence, actor) -> None:
    with transaction.atomic():
        nomination = Nomination.objects.select_for_update().get(pk=item.nomination_id)
        if not actor.has_perm("nominations.change_nomination", nomination):
            raise NotFoundError()
        if nomination.status != S.DRAFT:
            raise ConflictError(_("Evidence can only be removed from a draft."))
        item.delete()
        transaction.on_commit(lambda: item.file.storage.delete(item.file.name))


# --- conflicts and reviews --------------------------------------------------------------


def conflict_declare(*, nomination: Nomination, actor, reason: str) -> DeclaredConflict:
    """A reviewer declares a conflict: the assignment (and any draft review) is
    removed and the nomination needs a replacement reviewer."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say what the conflict is.")})
    with transaction.atomic():
        assignment = (
            Assignment.objects.select_for_update()
            .select_related("member", "nomination")
            .filter(nomination=nomination, member__employee__user=actor)
            .first()
        )
        if assignment is None:
            raise NotFoundError()
        if assignment.status == Assignment.Status.SUBMITTED:
            raise ConflictError(
                _("You already submitted your review; ask the chair to reopen it first.")
            )
        declared, _created = DeclaredConflict.objects.get_or_create(
            nomination=nomination, member=assignment.member, defaults={"reason": reason}
        )
        assignment.delete()
    return declared


def _compute(review: Review, criteria: list[Criterion]) -> None:
    result = scoring.review_scores(
        {c.code: review.scores[c.code] for c in criteria},
        [
            scoring.CriterionSpec(c.code, c.group, c.weight, c.scale_min, c.scale_max)
            for c in criteria
        ],
    )
    review.score = Decimal(str(round(result.total, 3)))
    review.psm_score = Decimal(str(round(result.psm, 3)))
    review.innovation_score = Decimal(str(round(result.innovation, 3)))


def _validated_scores(
    criteria: list[Criterion], scores: dict, comments: dict, *, submit: bool
) -> dict[str, int]:
    """Scores within each criterion's scale, known codes only; every criterion
    scored when submitting. Raises a ``ValidationError`` naming each field."""
    errors: dict[str, list[str]] = {}
    by_code = {c.code: c for c in criteria}
    clean: dict[str, int] = {}
    for code, value in scores.items():
        c = by_code.get(code)
        if c is None:
            errors[f"scores.{code}"] = [_("Unknown criterion.")]
        elif isinstance(value, bool) or not isinstance(value, int):
            errors[f"scores.{code}"] = [_("A whole number is required.")]
        elif not c.scale_min <= value <= c.scale_max:
            errors[f"scores.{code}"] = [
                _("Must be between %(lo)d and %(hi)d.") % {"lo": c.scale_min, "hi": c.scale_max}
            ]
        else:
            clean[code] = value
    for code, text in comments.items():
        if code not in by_code:
            errors[f"comments.{code}"] = [_("Unknown criterion.")]
        elif not isinstance(text, str) or len(text) > 5000:
            errors[f"comments.{code}"] = [_("Text of at most 5,000 characters.")]
    if submit:
        for c in criteria:
            if c.code not in scores:
                errors.setdefault(f"scores.{c.code}", [_("Score every criterion to submit.")])
    if errors:
        raise ValidationError(errors)
    return clean


def review_save(
    *, assignment_id: int, actor, scores: dict, comments: dict | None = None, submit: bool = False
) -> Assignment:
    """Save a draft review or submit it (which locks it). When the last review
    of a nomination is submitted, the nomination becomes ``reviewed``."""
    comments = comments or {}

    def save(assignment: Assignment) -> None:
        criteria = list(assignment.nomination.cycle.rubric.criteria.all())
        clean = _validated_scores(criteria, scores, comments, submit=submit)
        review, _created = Review.objects.get_or_create(assignment=assignment)
        review.scores = clean
        review.comments = {k: v for k, v in comments.items() if v}
        if submit:
            review.submitted_at = timezone.now()
            _compute(review, criteria)
        review.save()

    def complete(assignment: Assignment) -> None:
        if submit:
            _mark_reviewed_if_complete(assignment.nomination)

    with transaction.atomic():
        assignment = lifecycle.transition(
            ASSIGNMENT,
            pk=assignment_id,
            to=Assignment.Status.SUBMITTED if submit else Assignment.Status.DRAFT,
            actor=actor,
            apply=save,
            from_states=REVIEW_FROM,
        )
        complete(assignment)
    return assignment


def _mark_reviewed_if_complete(nomination: Nomination) -> None:
    statuses = list(nomination.assignments.values_list("status", flat=True))
    if len(statuses) >= nomination.cycle.reviewers_per_nomination and all(
        s == Assignment.Status.SUBMITTED for s in statuses
    ):
        nomination_transition(
            nomination_id=nomination.pk, to=S.REVIEWED, note="all reviews submitted"
        )


def review_reopen(*, assignment_id: int, actor) -> Assignment:
    """The chair reopens a submitted review; a reviewed nomination goes back in review."""

    def unlock(assignment: Assignment) -> None:
        Review.objects.filter(assignment=assignment).update(
            submitted_at=None, score=None, psm_score=None, innovation_score=None
        )
        if assignment.nomination.status == S.REVIEWED:
            nomination_transition(
                nomination_id=assignment.nomination_id,
                to=S.IN_REVIEW,
                note=f"review {assignment.pk} reopened by the chair",
            )

    return lifecycle.transition(
        ASSIGNMENT,
        pk=assignment_id,
        to=Assignment.Status.DRAFT,
        actor=actor,
        reason="reopened by the chair",
        apply=unlock,
        from_states=REOPEN_FROM,
    )


# --- decision and publication --------------------------------------------------------------


def nomination_decide(
    *, nomination_id: int, actor, award_level: str | None, rationale: str
) -> Nomination:
    """The chair's decision: an award level (by code) or none, with a rationale.
    A decision that departs from the proposed level is marked as an override."""
    from .selectors import cycle_ranking

    if not rationale.strip():
        raise ValidationError({"rationale": _("Give a rationale for the decision.")})

    def decide(nomination: Nomination) -> None:
        level = None
        if award_level:
            level = AwardLevel.objects.filter(cycle=nomination.cycle, code=award_level).first()
            if level is None:
                raise ValidationError(
                    {"award_level": _("Unknown award level “%(code)s”.") % {"code": award_level}}
                )
        ranking = cycle_ranking(cycle=nomination.cycle)
        row = next((r for r in ranking.rows if r.nomination_id == nomination.pk), None)
        proposed_code = row.proposed_award_level if row else None
        nomination.proposed_award_level = (
            AwardLevel.objects.filter(cycle=nomination.cycle, code=proposed_code).first()
            if proposed_code
            else None
        )
        nomination.award_level = level
        nomination.decision_rationale = rationale
        nomination.decision_override = (level.code if level else None) != proposed_code
        nomination.decided_at = timezone.now()

    return nomination_transition(
        nomination_id=nomination_id, to=S.DECIDED, actor=actor, note=rationale, apply=decide
    )


def cycle_publish(*, cycle_id: int, actor) -> Cycle:
    """Publish a cycle's results: the cycle and every decided nomination
    become ``published`` at once.

    Within the transaction: the ``ResultsPublished`` event is recorded
    (``core.events.emit``: its handlers in ``config/events.py`` — certificates
    and rewards — run after the commit, each in its own job), and one
    ``ResultNotice`` row per nominee and nominator. After the commit: the
    event's jobs and the result e-mail job are queued; the e-mail job is
    idempotent (a notice is claimed before it is sent).
    """

    def publish(cycle: Cycle) -> None:
        decided = list(cycle.nominations.filter(status=S.DECIDED).values_list("pk", flat=True))
        nomination_transition_many(nomination_ids=decided, to=S.PUBLISHED, actor=actor)
        cycle.published_at = timezone.now()

    with transaction.atomic():
        cycle = lifecycle.transition(CYCLE, pk=cycle_id, to=P.PUBLISHED, actor=actor, apply=publish)
        events.emit(results_published(cycle_id=cycle.pk, published_at=cycle.published_at))
        people = set()
        for nomination in cycle.nominations.filter(status=S.PUBLISHED).prefetch_related("nominees"):
            people |= {(nomination.pk, n.employee_id) for n in nomination.nominees.all()}
            people.add((nomination.pk, nomination.nominator_id))
        ResultNotice.objects.bulk_create(
            [ResultNotice(nomination_id=n, employee_id=e) for n, e in sorted(people)],
            ignore_conflicts=True,
        )

        def after() -> None:
            from .tasks import send_result_notices

            dispatch(send_result_notices, cycle_id=cycle.pk)

        transaction.on_commit(after)
    return cycle
