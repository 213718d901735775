"""Field verification, the writes (DESIGN §3.11 item 4; the reads and the
scoring are ``nominations.verification``).

- ``claims_set``: the secretariat or a verifier of the nomination sets its
  checklist, the stated impact split into claims, while the nomination is
  in review in a field round and no verifier has submitted.
- ``verification_save``: a verifier records claims as verified, partly
  verified or not verified with a note, as a draft or submitted (which
  locks it and scores it, like a review: ``workflow.ASSIGNMENT``).
- ``check_file_add`` / ``check_file_delete``: photos and documents of a
  claim, by the evidence rules, while the verification is not submitted.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core import lifecycle
from core.errors import ConflictError, NotFoundError
from core.types import Actor
from nominations import verification
from nominations.models import (
    Assignment,
    CheckFile,
    Claim,
    ClaimCheck,
    Nomination,
    Review,
    Round,
)
from nominations.services.evidence_files import checked_upload, save_with_file
from nominations.services.reviews import _mark_reviewed_if_complete, _refuse_if_conflicted
from nominations.workflow import ASSIGNMENT, REVIEW_FROM

A = Assignment.Status


def _text_problem(text: object) -> str | None:
    if not isinstance(text, str) or not text.strip():
        return _("Write the claim.")
    if len(text.strip()) > verification.MAX_CLAIM_CHARS:
        return _("A claim has at most %(n)d characters.") % {"n": verification.MAX_CLAIM_CHARS}
    if "\x00" in text:
        return _("Text may not contain NUL characters.")
    return None


def claims_set(
    *, nomination_id: int, actor: Actor, claims: Iterable[Mapping[str, Any]]
) -> list[Claim]:
    """Replace a nomination's checklist in its field round: items with an
    ``id`` keep that claim (and what was found of it) with the new text,
    items without one are new claims, claims left out are removed with
    their findings and files. Refused once a verifier has submitted (the
    chair reopens the verification first)."""
    items = list(claims)
    with transaction.atomic():
        nomination = (
            Nomination.objects.select_for_update(of=("self",))
            .select_related("round")
            .filter(pk=nomination_id)
            .first()
        )
        if nomination is None or not actor.has_perm("nominations.set_claims", nomination):
            raise NotFoundError()
        round = nomination.round
        if round is None or round.kind != Round.Kind.FIELD:
            raise ConflictError(_("This nomination is not in a field-verification round."))
        # Submitted verifications come with every state past review (reviewed,
        # decided, published): this one check freezes the checklist for them.
        if nomination.assignments.filter(round=round, status=A.SUBMITTED).exists():
            raise ConflictError(
                _("A verifier has submitted: the chair reopens the verification first.")
            )
        existing = {c.pk: c for c in Claim.objects.filter(nomination=nomination, round=round)}
        kept = _validated_claims(items, existing)
        removed = [c for pk, c in existing.items() if pk not in kept]
        files = list(
            CheckFile.objects.filter(claim_check__claim__in=removed).values_list("file", flat=True)
        )
        Claim.objects.filter(pk__in=[c.pk for c in removed]).delete()
        # Positions are unique: the kept claims move out of the way first.
        for claim in existing.values():
            if claim.pk in kept:
                Claim.objects.filter(pk=claim.pk).update(position=claim.position + 1000)
        result = []
        for position, item in enumerate(items, start=1):
            pk = item.get("id")
            claim = (existing[pk] if pk is not None else None) or Claim(
                nomination=nomination, round=round
            )
            claim.position = position
            claim.text = item["text"].strip()
            claim.save()
            result.append(claim)
        _delete_files_on_commit(files)
    return result


def _validated_claims(items: list[Mapping[str, Any]], existing: dict[int, Claim]) -> set[int]:
    """Check a new checklist; the ids of the existing claims it keeps."""
    errors: dict[str, list[str]] = {}
    if not items:
        errors["claims"] = [_("Give at least one claim to check.")]
    elif len(items) > verification.MAX_CLAIMS:
        errors["claims"] = [_("At most %(n)d claims.") % {"n": verification.MAX_CLAIMS}]
    kept: set[int] = set()
    for i, item in enumerate(items):
        problem = _text_problem(item.get("text"))
        if problem:
            errors[f"claims.{i}.text"] = [problem]
        pk = item.get("id")
        if pk is not None and (pk not in existing or pk in kept):
            errors[f"claims.{i}.id"] = [_("Not a claim of this nomination.")]
        elif pk is not None:
            kept.add(pk)
    if errors:
        raise ValidationError(errors)
    return kept


def _delete_files_on_commit(names: list[str]) -> None:
    storage = CheckFile.file.field.storage

    def delete() -> None:
        for name in names:
            if name:
                storage.delete(name)

    if names:
        transaction.on_commit(delete)


def _validated_findings(
    claims: dict[int, Claim], items: Iterable[Mapping[str, Any]]
) -> dict[int, tuple[str, str]]:
    errors: dict[str, list[str]] = {}
    clean: dict[int, tuple[str, str]] = {}
    for i, item in enumerate(items):
        claim = item.get("claim")
        outcome = item.get("outcome")
        note = item.get("note") or ""
        if claim not in claims or claim in clean:
            errors[f"items.{i}.claim"] = [_("Not a claim of this nomination.")]
            continue
        outcome_ok = isinstance(outcome, str) and outcome in verification.VALUES
        note_ok = isinstance(note, str) and len(note) <= 5000 and "\x00" not in note
        if not outcome_ok:
            errors[f"items.{i}.outcome"] = [_("Choose verified, partly verified or not verified.")]
        if not note_ok:
            errors[f"items.{i}.note"] = [_("Text of at most 5,000 characters.")]
        if outcome_ok and note_ok:
            clean[claim] = (str(outcome), str(note).strip())
    if errors:
        raise ValidationError(errors)
    return clean


def verification_save(
    *,
    assignment_id: int,
    actor: Actor,
    items: Iterable[Mapping[str, Any]],
    submit: bool = False,
) -> Assignment:
    """Record a verifier's findings (the claims given; others stay as they
    were), as a draft or submitted. Submitting needs every claim checked;
    the verifier's score is then the mean of the findings out of 100
    (``verification.review_score``) and, when the round's verifications
    are all in, the nomination is reviewed."""
    findings = list(items)
    _refuse_if_conflicted(assignment_id, actor, recheck=submit)

    def save(assignment: Assignment) -> None:
        if assignment.round.kind != Round.Kind.FIELD:
            raise ConflictError(_("This round is scored on its rubric, not by claims."))
        claims = {
            c.pk: c
            for c in Claim.objects.filter(
                nomination_id=assignment.nomination_id, round_id=assignment.round_id
            )
        }
        clean = _validated_findings(claims, findings)
        now = timezone.now()
        for claim_id, (outcome, note) in clean.items():
            ClaimCheck.objects.update_or_create(
                claim_id=claim_id,
                assignment=assignment,
                defaults={"outcome": outcome, "note": note, "checked_at": now},
            )
        review, _created = Review.objects.get_or_create(assignment=assignment)
        if submit:
            found = dict(
                ClaimCheck.objects.filter(assignment=assignment)
                .exclude(outcome="")
                .values_list("claim_id", "outcome")
            )
            if not claims:
                raise ConflictError(_("There are no claims to verify yet: set the checklist."))
            missing = [c for pk, c in claims.items() if pk not in found]
            if missing:
                raise ValidationError(
                    {
                        "items": _("Record every claim to submit; %(n)d not yet.")
                        % {"n": len(missing)}
                    }
                )
            review.submitted_at = now
            review.score = verification.review_score([found[pk] for pk in claims])
            review.psm_score = review.innovation_score = None
        review.save()

    with transaction.atomic():
        assignment = lifecycle.transition(
            ASSIGNMENT,
            pk=assignment_id,
            to=A.SUBMITTED if submit else A.DRAFT,
            actor=actor,
            apply=save,
            from_states=REVIEW_FROM,
        )
        if submit:
            _mark_reviewed_if_complete(assignment.nomination, assignment.round)
    return assignment


def _open_check(assignment_id: int, claim_id: int, actor: Actor) -> tuple[Assignment, Claim]:
    """The verifier's own assignment, locked, open for work, and a claim of it."""
    assignment = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("member", "round")
        .filter(pk=assignment_id)
        .first()
    )
    if assignment is None or not actor.has_perm("nominations.score_assignment", assignment):
        raise NotFoundError()
    if assignment.round.kind != Round.Kind.FIELD:
        raise ConflictError(_("This round is scored on its rubric, not by claims."))
    if assignment.status == A.SUBMITTED:
        raise ConflictError(_("This review is submitted and locked."))
    if assignment.conflict:
        raise ConflictError(
            _("A conflict of interest was found: the secretariat assigns another verifier.")
        )
    claim = Claim.objects.filter(
        pk=claim_id, nomination_id=assignment.nomination_id, round_id=assignment.round_id
    ).first()
    if claim is None:
        raise ValidationError({"claim": _("Not a claim of this nomination.")})
    return assignment, claim


def check_file_add(
    *, assignment_id: int, claim_id: int, actor: Actor, upload: UploadedFile
) -> CheckFile:
    """A photo or document for a claim (the evidence rules: type by content,
    10 MB a file, 50 MB for the nomination's verification files)."""
    with transaction.atomic():
        assignment, claim = _open_check(assignment_id, claim_id, actor)
        used = (
            CheckFile.objects.filter(
                claim_check__claim__nomination_id=assignment.nomination_id,
                claim_check__claim__round_id=assignment.round_id,
            ).aggregate(total=Sum("size"))["total"]
            or 0
        )
        content_type, sha256 = checked_upload(upload, used=used)
        check, _created = ClaimCheck.objects.get_or_create(
            claim=claim,
            assignment=assignment,
            defaults={"outcome": ""},  # a file before a finding
        )
        item = CheckFile(
            claim_check=check,
            original_name=(upload.name or "photo")[:255],
            content_type=content_type,
            size=upload.size or 0,
            sha256=sha256,
        )
        save_with_file(item, upload, "verification")
        if assignment.status == A.ASSIGNED:
            lifecycle.transition(
                ASSIGNMENT, pk=assignment.pk, to=A.DRAFT, actor=actor, from_states=REVIEW_FROM
            )
    return item


def check_file_delete(*, assignment_id: int, file_id: int, actor: Actor) -> None:
    with transaction.atomic():
        item = (
            CheckFile.objects.select_related("claim_check")
            .filter(pk=file_id, claim_check__assignment_id=assignment_id)
            .first()
        )
        if item is None:
            raise NotFoundError()
        _open_check(assignment_id, item.claim_check.claim_id, actor)
        name = item.file.name or ""
        item.delete()
        _delete_files_on_commit([name])
