"""Cycle phases, by hand and on planned dates (the set-up is ``setup``)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from core import lifecycle
from core.errors import ConflictError
from core.types import Actor
from nominations.models import Cycle
from nominations.workflow import CYCLE, PHASES

P = Cycle.Phase


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
