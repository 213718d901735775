"""The lifecycles of the nominations app, on ``core.lifecycle``.

Nomination::

    draft → submitted → eligible | ineligible → in_review → reviewed → decided → published
    draft | submitted → withdrawn;  reviewed → in_review (the chair reopens a review)

Cycle phase::

    draft → nominating → reviewing → deciding → published → closed

Round (its shortlist)::

    open → advanced

Assignment (a reviewer's review)::

    assigned → draft → submitted;  assigned → submitted;  submitted → draft (the chair reopens)

Nothing else assigns ``Nomination.status``, ``Cycle.phase``, ``Round.status`` or
``Assignment.status``; every move leaves a ``core.models.StateChange`` row.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import lifecycle
from core.errors import ConflictError
from core.lifecycle import Lifecycle
from core.types import Actor

from . import readiness
from .models import Assignment, Cycle, Nomination, Round

S = Nomination.Status
P = Cycle.Phase
A = Assignment.Status
R = Round.Status


class NotReadyError(ConflictError):
    code = "not_ready"


PHASES: list[str] = [P.DRAFT, P.NOMINATING, P.REVIEWING, P.DECIDING, P.PUBLISHED, P.CLOSED]


def _in_phase(nomination: Nomination, *, phases: tuple[str, ...]) -> str | None:
    """The rule "only while the cycle is in one of ``phases``"."""
    if nomination.cycle.phase in phases:
        return None
    return _("Not possible while the cycle is in the %(phase)s phase.") % {
        "phase": P(nomination.cycle.phase).label
    }


def _phase_in(*phases: str) -> Callable[[Nomination], str | None]:
    # A partial of a module-level function, not a closure: the rule runs the
    # function as it is when called (mutation testing swaps it at run time).
    return functools.partial(_in_phase, phases=phases)


# The permission an actor needs to move a nomination *into* a state, and the
# cycle phases in which that may happen. No permission: only the system does
# it (assignment, the last review submitted, a reopened review).
NOMINATION = Lifecycle(
    model=Nomination,
    table={
        S.DRAFT: {S.SUBMITTED, S.WITHDRAWN},
        S.SUBMITTED: {S.ELIGIBLE, S.INELIGIBLE, S.WITHDRAWN},
        S.ELIGIBLE: {S.IN_REVIEW},
        S.INELIGIBLE: set(),
        S.IN_REVIEW: {S.REVIEWED},
        S.REVIEWED: {S.DECIDED, S.IN_REVIEW},
        S.DECIDED: {S.PUBLISHED},
        S.PUBLISHED: set(),
        S.WITHDRAWN: set(),
    },
    permissions={
        S.SUBMITTED: "nominations.submit_nomination",
        S.WITHDRAWN: "nominations.withdraw_nomination",
        S.ELIGIBLE: "nominations.screen_nomination",
        S.INELIGIBLE: "nominations.screen_nomination",
        S.DECIDED: "nominations.decide_nomination",
        S.PUBLISHED: "nominations.publish_nomination",
    },
    rules={
        S.SUBMITTED: _phase_in(P.NOMINATING),
        S.WITHDRAWN: _phase_in(P.NOMINATING),
        S.ELIGIBLE: _phase_in(P.NOMINATING, P.REVIEWING),
        S.INELIGIBLE: _phase_in(P.NOMINATING, P.REVIEWING),
        S.IN_REVIEW: _phase_in(P.REVIEWING, P.DECIDING),
        S.REVIEWED: _phase_in(P.REVIEWING, P.DECIDING),
        S.DECIDED: _phase_in(P.DECIDING),
        S.PUBLISHED: _phase_in(P.DECIDING),
    },
    select_related=("cycle",),
    refused=gettext_lazy("A nomination that is %(status)s cannot become %(to)s."),
)


def _ready(cycle: Cycle) -> str | None:
    """Leaving draft: the set-up is complete (``readiness``); refused with
    every problem listed."""
    problems = readiness.cycle_problems(cycle)
    if not problems:
        return None
    raise NotReadyError(
        _("The cycle is not ready to open: %(problems)s")
        % {"problems": " ".join(p.message for p in problems)},
        details={"problems": [p.as_dict() for p in problems]},
    )


def _all_decided(cycle: Cycle) -> str | None:
    waiting = cycle.nominations.filter(status__in=[S.IN_REVIEW, S.REVIEWED]).count()
    if waiting:
        return _("%(n)d nomination(s) still wait for a decision.") % {"n": waiting}
    return None


def _rounds_done(cycle: Cycle) -> str | None:
    """Deciding starts in the last round (``readiness.rounds_unfinished``)."""
    problems = readiness.rounds_unfinished(cycle)
    return problems[0].message if problems else None


CYCLE = Lifecycle(
    model=Cycle,
    field="phase",
    table={phase: {nxt} for phase, nxt in itertools.pairwise(PHASES)} | {P.CLOSED: set()},
    permissions=dict.fromkeys(PHASES, "nominations.manage_cycle"),
    rules={P.NOMINATING: _ready, P.DECIDING: _rounds_done, P.PUBLISHED: _all_decided},
    refused=gettext_lazy("A cycle in the %(status)s phase cannot move to %(to)s."),
    refused_moves={
        P.PUBLISHED: gettext_lazy("Only a cycle in the deciding phase can be published.")
    },
)


def _may_advance(round: Round) -> str | None:
    """A round's shortlist advances in the reviewing phase, once, when it is
    the cycle's current round and not its last, and every review is in."""
    from . import rounds

    if round.cycle.phase != P.REVIEWING:
        return _("A shortlist is advanced in the reviewing phase.")
    if rounds.current_round(round.cycle).pk != round.pk:
        return _("The rounds before this one have not been advanced yet.")
    if rounds.is_last(round):
        return _("The last round has no shortlist: its nominations are decided.")
    waiting = round.nominations.exclude(status=S.REVIEWED).count()
    if waiting:
        return _("%(n)d nomination(s) of this round still wait for reviews.") % {"n": waiting}
    return None


ROUND = Lifecycle(
    model=Round,
    table={R.OPEN: {R.ADVANCED}, R.ADVANCED: set()},
    permissions={R.ADVANCED: "nominations.advance_round"},
    rules={R.ADVANCED: _may_advance},
    select_related=("cycle",),
    refused_moves={R.ADVANCED: gettext_lazy("This round's shortlist has already been advanced.")},
)


def _shortlist_advanced(round: Round) -> str | None:
    if round.status != R.ADVANCED:
        return _("A shortlist is made public once the chair has advanced it.")
    return None


# The advanced shortlist as a public post, and its withdrawal.
SHORTLIST = Lifecycle(
    model=Round,
    field="shortlist_post",
    table={Round.Post.HIDDEN: {Round.Post.PUBLIC}, Round.Post.PUBLIC: {Round.Post.HIDDEN}},
    permissions={
        Round.Post.PUBLIC: "nominations.publish_shortlist",
        Round.Post.HIDDEN: "nominations.publish_shortlist",
    },
    rules={Round.Post.PUBLIC: _shortlist_advanced},
    select_related=("cycle",),
)


def _open_for_review(assignment: Assignment) -> str | None:
    nomination = assignment.nomination
    if (
        nomination.status == S.IN_REVIEW
        and nomination.cycle.phase in (P.REVIEWING, P.DECIDING)
        and assignment.round_id == nomination.round_id
    ):
        return None
    return _("This nomination is not open for review.")


def _not_decided(assignment: Assignment) -> str | None:
    if assignment.round_id != assignment.nomination.round_id:
        return _("This review is of an earlier round, whose shortlist is advanced.")
    if assignment.nomination.status in (S.IN_REVIEW, S.REVIEWED):
        return None
    return _("The nomination is already decided.")


ASSIGNMENT = Lifecycle(
    model=Assignment,
    table={
        A.ASSIGNED: {A.DRAFT, A.SUBMITTED},
        A.DRAFT: {A.DRAFT, A.SUBMITTED},  # saving a draft again is a stay
        A.SUBMITTED: {A.DRAFT},  # reopened by the chair
    },
    permissions={
        A.DRAFT: "nominations.score_assignment",
        A.SUBMITTED: "nominations.score_assignment",
        (A.SUBMITTED, A.DRAFT): "nominations.reopen_assignment",
    },
    rules={
        A.DRAFT: _open_for_review,
        A.SUBMITTED: _open_for_review,
        (A.SUBMITTED, A.DRAFT): _not_decided,
    },
    select_related=("member", "round__rubric", "nomination__cycle__rubric", "nomination__round"),
    refused_moves={
        (A.SUBMITTED, A.SUBMITTED): gettext_lazy("This review is submitted and locked."),
        (A.SUBMITTED, A.DRAFT): gettext_lazy("This review is submitted and locked."),
        A.DRAFT: gettext_lazy("Only a submitted review can be reopened."),
    },
)
# Where each action on an assignment starts from.
REVIEW_FROM = (A.ASSIGNED, A.DRAFT)
REOPEN_FROM = (A.SUBMITTED,)


def nomination_transition(
    *,
    nomination_id: int,
    to: str,
    actor: Actor | None = None,
    note: str = "",
    apply: Callable[[Nomination], None] | None = None,
    on_commit: Callable[[Nomination], None] | None = None,
) -> Nomination:
    """Move a nomination to ``to`` (see ``core.lifecycle.transition``)."""
    return lifecycle.transition(
        NOMINATION,
        pk=nomination_id,
        to=to,
        actor=actor,
        reason=note,
        apply=apply,
        on_commit=on_commit,
    )


def nomination_transition_many(
    *,
    nomination_ids: list[int],
    to: str,
    actor: Actor | None = None,
    note: str = "",
    values: dict | None = None,
) -> int:
    """The same checks for many nominations at once (assignment,
    publication), in a fixed number of queries; all or none. ``values``:
    other fields set on each (the round a nomination enters)."""
    return len(
        lifecycle.transition_many(
            NOMINATION, pks=nomination_ids, to=to, actor=actor, reason=note, values=values
        )
    )
