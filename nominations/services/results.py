"""Results: the chair's decisions and the cycle's publication."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core import events, lifecycle
from core.errors import ConflictError
from core.jobs import dispatch
from core.types import Actor
from nominations.events import results_published
from nominations.models import AwardLevel, CommitteeMember, Cycle, Nomination, ResultNotice
from nominations.workflow import CYCLE, S, nomination_transition, nomination_transition_many

P = Cycle.Phase


def _check_decider(nomination: Nomination, actor: Actor) -> None:
    """The chair decides, unless in conflict with the nomination (its
    nominator, a nominee, in a nominee's reporting line): then the deputy
    chair named in the committee does. Anyone else who may decide in the
    cycle is told who decides this one."""
    from nominations.assignment import chair_conflicts

    conflict = chair_conflicts(cycle=nomination.cycle, nomination_ids=[nomination.pk]).get(
        nomination.pk
    )
    seat = (
        CommitteeMember.objects.filter(cycle_id=nomination.cycle_id, employee__user=actor)
        .filter(Q(is_chair=True) | Q(is_deputy_chair=True))
        .first()
    )
    if seat is None:
        return  # the transition's permission check answers
    if conflict is None:
        if seat.is_deputy_chair:
            raise ConflictError(_("The chair decides this nomination."))
        return
    if seat.is_chair:
        has_deputy = nomination.cycle.committee.filter(is_deputy_chair=True).exists()
        raise ConflictError(
            (
                _("The chair %(reason)s: the deputy chair decides this nomination.")
                if has_deputy
                else _(
                    "The chair %(reason)s: name a deputy chair in the committee to decide "
                    "this nomination."
                )
            )
            % {"reason": conflict["chair"]}
        )
    if "deputy" in conflict:
        raise ConflictError(
            _("The chair and the deputy chair are both in conflict (the deputy %(reason)s).")
            % {"reason": conflict["deputy"]}
        )


def _disqualified(nomination: Nomination) -> bool:
    """Disqualified by the rule of the field round it is in."""
    from nominations.verification import disqualified_ids

    round = nomination.round
    return round is not None and nomination.pk in disqualified_ids(round, [nomination.pk])


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
    nomination = nomination_get(user=actor, pk=nomination_id)
    _check_decider(nomination, actor)
    proposed_code = proposed_award_level(nomination=nomination)

    def decide(nomination: Nomination) -> None:
        levels = {level.code: level for level in AwardLevel.objects.filter(cycle=nomination.cycle)}
        if award_level and award_level not in levels:
            raise ValidationError(
                {"award_level": _("Unknown award level “%(code)s”.") % {"code": award_level}}
            )
        if award_level and _disqualified(nomination):
            raise ValidationError(
                {
                    "award_level": _(
                        "This nomination is disqualified: more of its claims were not "
                        "verified than the field verification allows."
                    )
                }
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
    ``ResultNotice`` row per nominator, and per nominee of a nomination
    without an award (an awarded nominee gets the award e-mail instead: one
    e-mail at publication). After the commit: the
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
            # An awarded nominee hears once, from the award e-mail (rewards).
            if nomination.award_level_id is None:
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


def publication_jobs_message(*, deferred: bool) -> str:
    """What the publisher is told about the background work of a publication
    (``core.jobs.tracking`` says whether the queue took it)."""
    if deferred:
        return _(
            "Published. The job queue is unreachable right now: certificates, rewards and "
            "notices will be prepared automatically as soon as it is back. Nothing is lost."
        )
    return _("Published. Certificates, rewards and notices are on their way.")
