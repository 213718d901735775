"""The nomination lifecycle: one table, one transition function.

    draft → submitted → eligible | ineligible → in_review → reviewed → decided → published
    draft | submitted → withdrawn;  reviewed → in_review (the chair reopens a review)

Nothing else assigns ``Nomination.status``.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import ConflictError, NotFoundError

from .models import Cycle, Nomination, Transition

S = Nomination.Status
P = Cycle.Phase

TRANSITIONS: dict[str, set[str]] = {
    S.DRAFT: {S.SUBMITTED, S.WITHDRAWN},
    S.SUBMITTED: {S.ELIGIBLE, S.INELIGIBLE, S.WITHDRAWN},
    S.ELIGIBLE: {S.IN_REVIEW},
    S.INELIGIBLE: set(),
    S.IN_REVIEW: {S.REVIEWED},
    S.REVIEWED: {S.DECIDED, S.IN_REVIEW},
    S.DECIDED: {S.PUBLISHED},
    S.PUBLISHED: set(),
    S.WITHDRAWN: set(),
}

# The permission an actor needs to move a nomination *into* a state, and the
# cycle phases in which that may happen. ``None``: only the system does it
# (assignment, the last review submitted, a reopened review).
GUARDS: dict[str, tuple[str | None, set[str]]] = {
    S.SUBMITTED: ("nominations.submit_nomination", {P.NOMINATING}),
    S.WITHDRAWN: ("nominations.withdraw_nomination", {P.NOMINATING}),
    S.ELIGIBLE: ("nominations.screen_nomination", {P.NOMINATING, P.REVIEWING}),
    S.INELIGIBLE: ("nominations.screen_nomination", {P.NOMINATING, P.REVIEWING}),
    S.IN_REVIEW: (None, {P.REVIEWING, P.DECIDING}),
    S.REVIEWED: (None, {P.REVIEWING, P.DECIDING}),
    S.DECIDED: ("nominations.decide_nomination", {P.DECIDING}),
    S.PUBLISHED: ("nominations.publish_nomination", {P.DECIDING}),
}


def nomination_transition(
    *,
    nomination_id: int,
    to: str,
    actor=None,
    note: str = "",
    apply: Callable[[Nomination], None] | None = None,
    on_commit: Callable[[Nomination], None] | None = None,
) -> Nomination:
    """Move a nomination to ``to``, atomically.

    In order: lock the row; check the actor's permission (404 when missing,
    so nothing is revealed), the transition (409) and the cycle phase (409);
    run ``apply`` (which may change fields or raise a validation error);
    save; write the audit row; schedule ``on_commit`` to run after the
    transaction commits. ``actor=None`` means the system itself.
    Two concurrent calls serialise on the row lock: the second sees the new
    state and gets a 409.
    """
    with transaction.atomic():
        nomination = (
            Nomination.objects.select_for_update(of=("self",))
            .select_related("cycle")
            .get(pk=nomination_id)
        )
        permission, phases = GUARDS[to]
        if actor is not None and (permission is None or not actor.has_perm(permission, nomination)):
            raise NotFoundError()
        if to not in TRANSITIONS[nomination.status]:
            raise ConflictError(
                _("A nomination that is %(status)s cannot become %(to)s.")
                % {"status": S(nomination.status).label, "to": S(to).label}
            )
        if nomination.cycle.phase not in phases:
            raise ConflictError(
                _("Not possible while the cycle is in the %(phase)s phase.")
                % {"phase": P(nomination.cycle.phase).label}
            )
        if apply is not None:
            apply(nomination)
        from_status = nomination.status
        nomination.status = to
        nomination.updated_at = timezone.now()
        nomination.save()
        Transition.objects.create(
            nomination=nomination, actor=actor, from_status=from_status, to_status=to, note=note
        )
        if on_commit is not None:
            transaction.on_commit(lambda: on_commit(nomination))
    return nomination


def nomination_transition_many(
    *, nomination_ids: list[int], to: str, actor=None, note: str = ""
) -> int:
    """The same checks as ``nomination_transition`` for many nominations at
    once (assignment, publication), in a fixed number of queries. All or none:
    one nomination that may not move stops the whole call."""
    if not nomination_ids:
        return 0
    permission, phases = GUARDS[to]
    with transaction.atomic():
        rows = list(
            Nomination.objects.select_for_update(of=("self",))
            .select_related("cycle")
            .filter(pk__in=nomination_ids)
            .order_by("pk")
        )
        if len(rows) != len(set(nomination_ids)):
            raise NotFoundError()
        for nomination in rows:
            if actor is not None and (
                permission is None or not actor.has_perm(permission, nomination)
            ):
                raise NotFoundError()
            if to not in TRANSITIONS[nomination.status]:
                raise ConflictError(
                    _("“%(title)s” is %(status)s and cannot become %(to)s.")
                    % {
                        "title": nomination.title,
                        "status": S(nomination.status).label,
                        "to": S(to).label,
                    }
                )
            if nomination.cycle.phase not in phases:
                raise ConflictError(
                    _("Not possible while the cycle is in the %(phase)s phase.")
                    % {"phase": P(nomination.cycle.phase).label}
                )
        now = timezone.now()
        Transition.objects.bulk_create(
            Transition(nomination=n, actor=actor, from_status=n.status, to_status=to, note=note)
            for n in rows
        )
        Nomination.objects.filter(pk__in=[n.pk for n in rows]).update(status=to, updated_at=now)
    return len(rows)


PHASES: list[str] = [P.DRAFT, P.NOMINATING, P.REVIEWING, P.DECIDING, P.PUBLISHED, P.CLOSED]
