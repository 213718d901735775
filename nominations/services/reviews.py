"""Reviews: declared conflicts, drafts and submissions, the chair reopening one."""

from __future__ import annotations

from decimal import Decimal
from typing import cast

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from core import lifecycle
from core.errors import ConflictError, NotFoundError
from core.types import Actor
from nominations import scoring
from nominations.models import (
    Assignment,
    CommitteeMember,
    Criterion,
    Cycle,
    DeclaredConflict,
    Nomination,
    Review,
    ReviewChange,
    Round,
)
from nominations.workflow import ASSIGNMENT, REOPEN_FROM, REVIEW_FROM, S, nomination_transition

P = Cycle.Phase


def conflict_declare(*, nomination: Nomination, actor: Actor, reason: str) -> DeclaredConflict:
    """A reviewer declares a conflict: the assignment (and any draft review) is
    removed and the nomination needs a replacement reviewer."""
    with transaction.atomic():
        assignment = (
            Assignment.objects.select_for_update()
            .select_related("member", "nomination")
            .filter(nomination=nomination, round=nomination.round, member__employee__user=actor)
            .first()
        )
        if assignment is None:
            raise NotFoundError()
        if not reason.strip():
            raise ValidationError({"reason": _("Say what the conflict is.")})
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
        {c.code: review.scores[c.code] for c in criteria}, scoring.criterion_specs(criteria)
    )
    review.score = Decimal(str(round(result.total, 3)))
    review.psm_score = Decimal(str(round(result.psm, 3)))
    review.innovation_score = Decimal(str(round(result.innovation, 3)))


def _comment_problem(text: object) -> str | None:
    if not isinstance(text, str) or len(text) > 5000:
        return _("Text of at most 5,000 characters.")
    if "\x00" in text:
        return _("Text may not contain NUL characters.")
    return None


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
        problem = _comment_problem(text) if code in by_code else _("Unknown criterion.")
        if problem:
            errors[f"comments.{code}"] = [problem]
    if submit:
        for c in criteria:
            if c.code not in scores:
                errors.setdefault(f"scores.{c.code}", [_("Score every criterion to submit.")])
    if errors:
        raise ValidationError(errors)
    return clean


def review_save(
    *,
    assignment_id: int,
    actor: Actor,
    scores: dict,
    comments: dict | None = None,
    submit: bool = False,
) -> Assignment:
    """Save a draft review or submit it (which locks it). When the last review
    of a nomination is submitted, the nomination becomes ``reviewed``."""
    comments = comments or {}
    _refuse_if_conflicted(assignment_id, actor, recheck=submit)

    def save(assignment: Assignment) -> None:
        if assignment.round.kind == Round.Kind.FIELD:
            raise ConflictError(_("This round is a field verification: record the claims."))
        criteria = list(assignment.rubric.criteria.all())
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
            _mark_reviewed_if_complete(assignment.nomination, assignment.round)

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


def assignment_conflict(*, assignment: Assignment) -> str | None:
    """Why the assignment's reviewer is now in conflict with its nomination
    (reporting lines read as they are now), or ``None``."""
    from nominations.assignment import cycle_conflicts

    found = cycle_conflicts(
        cycle=assignment.nomination.cycle,
        nomination_ids=[assignment.nomination_id],
        members=[assignment.member_id],
    )
    return found.get(assignment.nomination_id, {}).get(assignment.member_id)


def _refuse_if_conflicted(assignment_id: int, actor: Actor, *, recheck: bool) -> None:
    """Refuse work on an assignment flagged for a conflict; when ``recheck``
    (a submission), look for a conflict again first: reporting lines change
    after assignment (the HR import moves people). A conflicted review is
    refused and its assignment flagged for replacement (kept, for the record)."""
    assignment = (
        Assignment.objects.select_related("nomination__cycle", "member")
        .filter(pk=assignment_id)
        .first()
    )
    if assignment is None or not actor.has_perm("nominations.score_assignment", assignment):
        return  # the transition answers 404
    reason = assignment.conflict or (
        assignment_conflict(assignment=assignment) if recheck else None
    )
    if not reason:
        return
    if not assignment.conflict:
        Assignment.objects.filter(pk=assignment.pk, conflict="").update(
            conflict=reason[:300], conflict_found_at=timezone.now()
        )
    raise ConflictError(
        _(
            "A conflict of interest was found: the reviewer %(reason)s. The review is not "
            "accepted; the secretariat will assign another reviewer."
        )
        % {"reason": reason}
    )


def _mark_reviewed_if_complete(nomination: Nomination, round: Round) -> None:
    # The reviews of the round (the nomination's); flagged assignments (a
    # conflict found after assignment) are replaced, not waited for.
    from nominations.rounds import reviewers_needed

    statuses = list(
        nomination.assignments.filter(round=round, conflict="").values_list("status", flat=True)
    )
    if len(statuses) >= reviewers_needed(round, nomination.cycle) and all(
        s == Assignment.Status.SUBMITTED for s in statuses
    ):
        nomination_transition(
            nomination_id=nomination.pk, to=S.REVIEWED, note="all reviews submitted"
        )


def review_reopen(*, assignment_id: int, actor: Actor) -> Assignment:
    """The chair reopens a submitted review; a reviewed nomination goes back in review."""

    def unlock(assignment: Assignment) -> None:
        Review.objects.filter(assignment=assignment).update(
            submitted_at=None,
            score=None,
            psm_score=None,
            innovation_score=None,
            updated_at=timezone.now(),
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


# --- manual changes to the panel (secretariat) -----------------------------------------------


def _managed_nomination(nomination_id: int, actor: Actor) -> Nomination:
    nomination = (
        Nomination.objects.select_for_update(of=("self",))
        .select_related("cycle")
        .filter(pk=nomination_id)
        .first()
    )
    if nomination is None or not actor.has_perm("nominations.manage_cycle", nomination.cycle):
        raise NotFoundError()
    return nomination


@transaction.atomic
def assignment_add(*, nomination_id: int, member_id: int, actor: Actor) -> Assignment:
    """Give a nomination in review one more reviewer by hand (a replacement
    for one who declared a conflict or was found in one): a committee member
    who reviews, not in conflict with it, under their load cap."""
    from nominations.assignment import cycle_conflicts

    nomination = _managed_nomination(nomination_id, actor)
    if nomination.status != S.IN_REVIEW or nomination.cycle.phase not in ("reviewing", "deciding"):
        raise ConflictError(_("Reviewers are added to nominations in review only."))
    member = (
        CommitteeMember.objects.filter(
            cycle=nomination.cycle, pk=member_id, is_chair=False, is_deputy_chair=False
        )
        .select_related("employee")
        .first()
    )
    if member is None:
        raise ValidationError({"reviewer": _("Choose a reviewing member of this committee.")})
    reason = (
        cycle_conflicts(cycle=nomination.cycle, nomination_ids=[nomination.pk], members=[member.pk])
        .get(nomination.pk, {})
        .get(member.pk)
    )
    if reason:
        raise ConflictError(
            _("%(name)s is in conflict with this nomination: %(reason)s.")
            % {"name": member.employee.name, "reason": reason}
        )
    in_round = cast(int, nomination.round_id)  # set when the nomination entered review
    load = Assignment.objects.filter(member=member, round_id=in_round).count()
    if load >= member.load_cap:
        raise ConflictError(
            _("%(name)s already reviews %(load)d nominations, their cap.")
            % {"name": member.employee.name, "load": load}
        )
    try:
        with transaction.atomic():
            return Assignment.objects.create(
                nomination=nomination,
                member=member,
                round_id=in_round,
                expertise_match=member.expertise.filter(pk=nomination.category_id).exists(),
            )
    except IntegrityError:
        raise ConflictError(
            _("%(name)s already reviews this nomination.") % {"name": member.employee.name}
        ) from None


@transaction.atomic
def assignment_remove(*, assignment_id: int, actor: Actor) -> None:
    """Take a reviewer off a nomination before they submit (their draft goes
    with them); the nomination is reviewed if every remaining review is in."""
    assignment = (
        Assignment.objects.select_related("nomination", "round").filter(pk=assignment_id).first()
    )
    if assignment is None:
        raise NotFoundError()
    nomination = _managed_nomination(assignment.nomination_id, actor)
    if assignment.status == Assignment.Status.SUBMITTED:
        raise ConflictError(_("A submitted review stays; the chair may reopen it."))
    assignment.delete()
    if nomination.status == S.IN_REVIEW:
        _mark_reviewed_if_complete(nomination, assignment.round)


def review_changes_prune() -> int:
    """Delete every logged review change but each round's newest (daily,
    Celery beat). Only the newest is read (``selectors.ranking_version``), so
    no ranking's version changes; a change logged meanwhile has a higher id
    and stays. Returns how many rows went."""
    newer = ReviewChange.objects.filter(round_id=OuterRef("round_id"), id__gt=OuterRef("id"))
    deleted, _by_model = ReviewChange.objects.filter(Exists(newer)).delete()
    return deleted
