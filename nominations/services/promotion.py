"""Promotion (DESIGN §3.11, §7.3): an awarded nomination of a published
agency cycle put forward to the higher-level cycle its cycle names. What
may be promoted, and why not, is ``nominations.promotion``.

The higher-level cycle (the parent) says which winners it takes — an award
level and above (``promotion_min_award_level``, a code of the agency
cycle's levels), and at most ``promotion_quota`` from each agency cycle —
and takes them only while it is nominating. A promoted nomination is a
submitted nomination of the parent with the same nominator, nominees, texts
and copies of the evidence, whose ``origin`` is the awarded one; the
parent's screening and ranking show where it comes from. Promoting the same
nomination again answers the one already made (a unique constraint on
``(cycle, origin)``); promotions into one parent are serialised on its row,
so its quota cannot be overrun by two at once.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import ConflictError, NotFoundError
from core.types import Actor
from nominations.models import Category, Cycle, Evidence, Nomination, Nominee
from nominations.promotion import promotion_category, promotion_problems, promotion_target
from nominations.services.drafts import nominees_tell, submission_check
from nominations.workflow import S, nomination_transition


class NotPromotableError(ConflictError):
    code = "not_promotable"


@dataclass(frozen=True)
class Promotion:
    """The answer of :func:`nomination_promote`: the parent's nomination and
    whether this call made it."""

    nomination: Nomination
    created: bool


def _copy_evidence(origin: Nomination, copy: Nomination, written: list[str]) -> None:
    for item in origin.evidence.all():
        clone = Evidence(
            nomination=copy,
            original_name=item.original_name,
            content_type=item.content_type,
            size=item.size,
            sha256=item.sha256,
        )
        with item.file.open("rb"):  # streamed in chunks by the storage
            clone.file.save("evidence", item.file, save=False)
        written.append(str(clone.file.name))
        clone.save()


def nomination_promote(
    *, nomination_id: int, actor: Actor, category: Category | None = None
) -> Promotion:
    """Put an awarded nomination forward to its cycle's parent (the
    secretariat). Again for the same nomination: the one made before.
    Refused (409, ``not_promotable``) with every reason at once."""
    origin = (
        Nomination.objects.select_related("cycle__parent__rubric", "category", "award_level")
        .filter(pk=nomination_id)
        .first()
    )
    if origin is None or not actor.has_perm("nominations.promote_nomination", origin):
        raise NotFoundError()
    if category is not None and category.cycle_id != origin.cycle.parent_id:
        raise ValidationError(
            {"category": _("This category does not belong to the higher-level cycle.")}
        )
    written: list[str] = []
    try:
        with transaction.atomic():
            if origin.cycle.parent_id is not None:
                # One promotion into a parent at a time: its quota holds.
                Cycle.objects.select_for_update().filter(pk=origin.cycle.parent_id).first()
            existing = promotion_target(origin)
            if existing is not None:
                return Promotion(existing, created=False)
            problems = promotion_problems(origin, category=category)
            if problems:
                raise NotPromotableError(
                    _("This nomination cannot be put forward: %(problems)s")
                    % {"problems": " ".join(p.message for p in problems)},
                    details={"problems": [p.as_dict() for p in problems]},
                )
            parent = origin.cycle.parent
            assert parent is not None  # no parent is a problem above
            category = category or promotion_category(origin, parent)
            assert category is not None  # no category is a problem above
            asked = set(
                parent.rubric.criteria.filter(asks_statement=True).values_list("code", flat=True)
            )
            copy = Nomination.objects.create(
                cycle=parent,
                category=category,
                nominator_id=origin.nominator_id,
                title=origin.title,
                problem=origin.problem,
                solution=origin.solution,
                impact=origin.impact,
                started_on=origin.started_on,
                psm_statements={
                    c: t for c, t in (origin.psm_statements or {}).items() if c in asked
                },
                origin=origin,
            )
            Nominee.objects.bulk_create(
                Nominee(nomination=copy, employee_id=n.employee_id, is_lead=n.is_lead)
                for n in origin.nominees.all()
            )
            _copy_evidence(origin, copy, written)

            promoted = nomination_transition(
                nomination_id=copy.pk,
                to=S.SUBMITTED,
                actor=actor,
                note=_("Put forward from %(cycle)s (%(level)s).")
                % {"cycle": origin.cycle.name, "level": origin.award_level.name},  # type: ignore[union-attr]
                apply=submission_check,  # what any submission requires
                on_commit=nominees_tell,
            )
    except Exception:
        for name in written:  # the rows are gone with the transaction; so go the files
            Evidence._meta.get_field("file").storage.delete(name)
        raise
    return Promotion(promoted, created=True)
