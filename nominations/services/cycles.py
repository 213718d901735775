"""Cycles: creation with defaults, the committee, phases (by hand and on planned dates)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import lifecycle
from core.errors import ConflictError
from core.types import Actor
from nominations import defaults
from nominations.models import AwardLevel, Category, CommitteeMember, Cycle, Rubric
from nominations.services.rubrics import rubric_default
from nominations.workflow import CYCLE, PHASES
from people.models import Employee

P = Cycle.Phase


@transaction.atomic
def cycle_create(
    *, name: str, rubric: Rubric | None = None, with_defaults: bool = True, **fields: Any
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
    is_deputy_chair: bool = False,
    load_cap: int = 20,
    expertise: Iterable[Category] = (),
) -> CommitteeMember:
    if is_chair and is_deputy_chair:
        raise ValidationError({"is_deputy_chair": _("The chair cannot be the deputy too.")})
    try:
        with transaction.atomic():
            member = CommitteeMember.objects.create(
                cycle=cycle,
                employee=employee,
                is_chair=is_chair,
                is_deputy_chair=is_deputy_chair,
                load_cap=load_cap,
            )
            member.expertise.set(list(expertise))
    except IntegrityError:
        raise ValidationError(
            {"employee": _("Already on this committee, or the seat of chair or deputy is taken.")}
        ) from None
    return member


def cycle_set_phase(*, cycle_id: int, phase: str, actor: Actor | None = None) -> Cycle:
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
