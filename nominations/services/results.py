"""Results: the chair's decisions and the cycle's publication."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import events, lifecycle
from core.jobs import dispatch
from core.types import Actor
from nominations.events import results_published
from nominations.models import AwardLevel, Cycle, Nomination, ResultNotice
from nominations.workflow import CYCLE, S, nomination_transition, nomination_transition_many

P = Cycle.Phase


def nomination_decide(
    *, nomination_id: int, actor: Actor, award_level: str | None, rationale: str
) -> Nomination:
    """The chair's decision: an award level (by code) or none, with a rationale.
    A decision that departs from the proposed level is marked as an override.
    The proposal is read from the ranking before the nomination is locked
    (the ranking reads the whole cycle; the lock should be short)."""
    from nominations.selectors import nomination_get, proposed_award_level

    if not rationale.strip():
        raise ValidationError({"rationale": _("Give a rationale for the decision.")})
    proposed_code = proposed_award_level(nomination=nomination_get(user=actor, pk=nomination_id))

    def decide(nomination: Nomination) -> None:
        levels = {level.code: level for level in AwardLevel.objects.filter(cycle=nomination.cycle)}
        if award_level and award_level not in levels:
            raise ValidationError(
                {"award_level": _("Unknown award level “%(code)s”.") % {"code": award_level}}
            )
        nomination.proposed_award_level = levels.get(proposed_code) if proposed_code else None
        nomination.award_level = levels[award_level] if award_level else None
        nomination.decision_rationale = rationale
        nomination.decision_override = (award_level or None) != proposed_code
        nomination.decided_at = timezone.now()

    return nomination_transition(
        nomination_id=nomination_id, to=S.DECIDED, actor=actor, note=rationale, apply=decide
    )


def cycle_publish(*, cycle_id: int, actor: Actor) -> Cycle:
    """Publish a cycle's results: the cycle and every decided nomination
    become ``published`` at once.

    Within the transaction: the ``ResultsPublished`` event is recorded
    (``core.events.emit``: its handlers in ``config/events.py`` — certificates
    and rewards — run after the commit, each in its own job), and one
    ``ResultNotice`` row per nominee and nominator. After the commit: the
    event's jobs and the result e-mail job are queued; the e-mail job is
    idempotent (a notice is claimed before it is sent).
    """

    published_at = timezone.now()

    def publish(cycle: Cycle) -> None:
        decided = list(cycle.nominations.filter(status=S.DECIDED).values_list("pk", flat=True))
        nomination_transition_many(nomination_ids=decided, to=S.PUBLISHED, actor=actor)
        cycle.published_at = published_at

    with transaction.atomic():
        cycle = lifecycle.transition(CYCLE, pk=cycle_id, to=P.PUBLISHED, actor=actor, apply=publish)
        events.emit(results_published(cycle_id=cycle.pk, published_at=published_at))
        people = set()
        for nomination in cycle.nominations.filter(status=S.PUBLISHED).prefetch_related("nominees"):
            people |= {(nomination.pk, n.employee_id) for n in nomination.nominees.all()}
            people.add((nomination.pk, nomination.nominator_id))
        ResultNotice.objects.bulk_create(
            [ResultNotice(nomination_id=n, employee_id=e) for n, e in sorted(people)],
            ignore_conflicts=True,
        )

        def after() -> None:
            from nominations.tasks import send_result_notices

            dispatch(send_result_notices, cycle_id=cycle.pk)

        transaction.on_commit(after)
    return cycle
