"""Rounds of a cycle, the writes (DESIGN §3.11, §7.3): set up, change and
remove a round; advance a round's shortlist into the next one.

What may change when: a round that has not started (no nomination entered
it, the cycle not past reviewing) may change in everything and be removed;
a started round keeps its kind, rubric, panel and rules, but its names,
dates and weight may change until publication. A cycle keeps at least one
round.

Advancing (the chair, ``workflow.ROUND``): the shortlist — the rule's
proposal, or the chair's change of it with a rationale, recorded as an
override — enters the next round (its nominations go back in review there);
the others end the cycle *not advanced* at this round: decided without an
award, told so when the results are published.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core import lifecycle
from core.errors import ConflictError, NotFoundError
from core.types import Actor
from nominations import defaults, rounds, scheduling
from nominations.models import (
    Assignment,
    CommitteeMember,
    Cycle,
    InterviewSlot,
    Nomination,
    Round,
    RoundResult,
    Rubric,
    SlotNotice,
)
from nominations.services.setup import ROUND_FIELDS, UNTIL_PUBLISHED, _names, _require_phase
from nominations.workflow import NOMINATION, ROUND, SHORTLIST, S, nomination_transition_many

P = Cycle.Phase
# Until publication, even in a round that has started.
OPEN_ROUND_FIELDS = ["name_id", "name_en", "starts_on", "ends_on", "weight"]


def _started(round: Round) -> bool:
    return (
        round.cycle.phase not in (P.DRAFT, P.NOMINATING, P.REVIEWING)
        or round.status != Round.Status.OPEN
        or round.nominations.exists()
        or round.assignments.exists()
    )


def _clean(round: Round, panel: list[int] | None) -> list[CommitteeMember] | None:
    """Check a round's rules; the panel's members, if given."""
    errors: dict[str, str] = {}
    if round.advance_rule == Round.Rule.TOP_N and not round.advance_n:
        errors["advance.n"] = _("Say how many nominations of each category advance.")
    if round.advance_rule == Round.Rule.MIN_SCORE and round.advance_min_score is None:
        errors["advance.min_score"] = _("Say the score a nomination needs to advance.")
    if round.advance_min_score is not None and not (
        Decimal(0) <= round.advance_min_score <= Decimal(100)
    ):
        errors["advance.min_score"] = _("A score is between 0 and 100.")
    if round.starts_on and round.ends_on and round.ends_on < round.starts_on:
        errors["ends_on"] = _("The round cannot end before it starts.")
    if round.rubric_id is not None:
        rubric = Rubric.objects.get(pk=round.rubric_id)
        total = sum(rubric.criteria.values_list("weight", flat=True))
        if total != 100:
            errors["rubric"] = _("The rubric's weights add up to %(total)d, not 100.") % {
                "total": total
            }
    members = None
    if panel is not None:
        members = list(
            CommitteeMember.objects.filter(
                cycle_id=round.cycle_id, pk__in=panel, is_chair=False, is_deputy_chair=False
            )
        )
        if len(members) != len(set(panel)):
            errors["panel"] = _("Choose reviewing members of this cycle's committee.")
        elif members and len(members) < rounds.reviewers_needed(round, round.cycle):
            errors["panel"] = _(
                "The panel has fewer members than the %(n)d reviewers each nomination needs."
            ) % {"n": rounds.reviewers_needed(round, round.cycle)}
    if errors:
        raise ValidationError(errors)
    return members


def _apply(round: Round, fields: Mapping[str, Any]) -> list[int] | None:
    """Set a round's fields from the API's shape (``names``, ``advance``)."""
    fields = dict(fields)
    names = fields.pop("names", None)
    if names is not None:
        clean = _names(names)
        round.name_id, round.name_en = clean["id"], clean["en"]
    advance = fields.pop("advance", None)
    if advance is not None:
        round.advance_rule = advance.get("rule", round.advance_rule)
        round.advance_n = advance.get("n")
        round.advance_min_score = advance.get("min_score")
    # A panel given as null or empty: the whole committee.
    panel = list(fields.pop("panel") or []) if "panel" in fields else None
    unknown = set(fields) - set(ROUND_FIELDS)
    if unknown:
        raise ValidationError({f: _("This field cannot be changed.") for f in sorted(unknown)})
    for field, value in fields.items():
        setattr(round, field, value)
    return panel


@transaction.atomic
def round_create(*, cycle_id: int, **fields: Any) -> Round:
    """A new round at the end of the cycle's rounds (or at ``position``,
    moving the later ones on), before reviewing starts."""
    cycle = Cycle.objects.select_for_update().get(pk=cycle_id)
    _require_phase(cycle, (P.DRAFT, P.NOMINATING), _("The cycle's rounds"))
    last = cycle.rounds.order_by("-position").values_list("position", flat=True).first() or 0
    position = fields.pop("position", None) or last + 1
    position = min(position, last + 1)
    kind = fields.get("kind", Round.Kind.DESK)
    name_id, name_en = defaults.ROUND_NAMES.get(kind, defaults.ROUND_NAMES[Round.Kind.DESK])
    round = Round(cycle=cycle, position=position, name_id=name_id, name_en=name_en)
    panel = _apply(round, fields)
    round.full_clean(exclude=["position", "cycle"], validate_constraints=False)
    members = _clean(round, panel)
    # Make room: the later rounds move on by one, last first (positions are unique).
    for later in cycle.rounds.filter(position__gte=position).order_by("-position"):
        Round.objects.filter(pk=later.pk).update(position=F("position") + 1)
    round.save()
    if members:
        round.panel.set(members)
    return round


@transaction.atomic
def round_update(*, round_id: int, **changes: Any) -> Round:
    """Change a round (see the module's rules)."""
    round = Round.objects.select_for_update().select_related("cycle").get(pk=round_id)
    panel = _apply(round, changes)
    changed = set(changes) - {"names"}
    if "names" in changes:
        changed |= {"name_id", "name_en"}
    if "advance" in changes:
        changed |= {"advance_rule"}
    if changed - set(OPEN_ROUND_FIELDS) and _started(round):
        raise_started(round)
    _require_phase(round.cycle, UNTIL_PUBLISHED, _("The round"))
    round.full_clean(exclude=["position", "cycle"], validate_constraints=False)
    members = _clean(round, panel)
    round.save()
    if members is not None:
        round.panel.set(members)
    return round


def raise_started(round: Round) -> None:
    raise ConflictError(
        _("Round %(round)s has started: only its names, dates and weight can change.")
        % {"round": round}
    )


@transaction.atomic
def round_delete(*, round_id: int) -> None:
    """Remove a round that has not started; the later ones move up."""
    round = Round.objects.select_for_update().select_related("cycle").get(pk=round_id)
    # Before reviewing no round has started.
    _require_phase(round.cycle, (P.DRAFT, P.NOMINATING), _("The cycle's rounds"))
    if round.cycle.rounds.count() == 1:
        raise ConflictError(_("A cycle has at least one round."))
    position = round.position
    cycle = round.cycle
    round.delete()
    for later in cycle.rounds.filter(position__gt=position).order_by("position"):
        Round.objects.filter(pk=later.pk).update(position=F("position") - 1)


# --- advancing a shortlist ---------------------------------------------------------------------


def round_advance(
    *, round_id: int, actor: Actor, nominations: list[int], rationale: str = ""
) -> Round:
    """The chair advances the round's shortlist: ``nominations`` enter the
    next round, the round's others end *not advanced*. Departing from the
    rule's proposal (or choosing where the rule is the chair's) needs a
    rationale. Refused (409) unless the round is the current one, not the
    last, every review of it is in and the cycle is reviewing."""
    round = Round.objects.select_related("cycle").filter(pk=round_id).first()
    if round is None or not actor.has_perm("nominations.advance_round", round):
        raise NotFoundError()
    # Read before the lock (the ranking reads the whole round); the rule
    # under the lock refuses if a review was reopened meanwhile.
    proposal = rounds.shortlist(round)
    rationale = rationale.strip()
    chosen = set(nominations)
    in_round = {r.nomination_id for r in proposal.rows}
    disqualified = {r.nomination_id for r in proposal.rows if r.disqualified}
    override = chosen != set(proposal.proposed)
    later = round.cycle.rounds.filter(position__gt=round.position).order_by("position").first()

    def check() -> None:
        # After the rule (a round still in review is a 409 whatever is sent).
        if not chosen:
            raise ValidationError({"nominations": _("Choose the nominations that advance.")})
        if chosen - in_round:
            raise ValidationError(
                {"nominations": _("Only nominations reviewed in this round can advance.")}
            )
        if chosen & disqualified:
            raise ValidationError(
                {
                    "nominations": _(
                        "A nomination disqualified at field verification cannot advance."
                    )
                }
            )
        if (override or round.advance_rule == Round.Rule.CHAIR) and not rationale:
            raise ValidationError(
                {"rationale": _("Say why: the shortlist is the chair's choice, not the rule's.")}
            )

    def advance(locked: Round) -> None:
        check()
        now = timezone.now()
        RoundResult.objects.bulk_create(
            RoundResult(
                round=locked,
                nomination_id=row.nomination_id,
                outcome=(
                    RoundResult.Outcome.ADVANCED
                    if row.nomination_id in chosen
                    else RoundResult.Outcome.DISQUALIFIED
                    if row.disqualified
                    else RoundResult.Outcome.NOT_ADVANCED
                ),
                score=None if row.score is None else Decimal(str(row.score)),
                rank=row.rank,
            )
            for row in proposal.rows
        )
        reviewed = Q(status=S.REVIEWED, round=locked)
        lifecycle.advance(
            NOMINATION,
            to=S.IN_REVIEW,
            pks=sorted(chosen),
            where=reviewed,
            values={"round": later},
            reason=f"advanced to round {later.position if later else ''}",
        )
        for left, why, reason in (
            (
                in_round - chosen - disqualified,
                _("Not advanced after round %(round)s.") % {"round": locked},
                f"not advanced after round {locked.position}",
            ),
            (
                disqualified,
                _("Disqualified at the field verification of round %(round)s.") % {"round": locked},
                f"disqualified in round {locked.position}",
            ),
        ):
            lifecycle.advance(
                NOMINATION,
                to=S.DECIDED,
                pks=sorted(left),
                where=reviewed,
                values={
                    "award_level": None,
                    "proposed_award_level": None,
                    "decision_override": False,
                    "decision_rationale": why,
                    "decided_at": now,
                },
                reason=reason,
            )
        locked.advance_rationale = rationale
        locked.advance_override = override
        locked.advanced_at = now

    return lifecycle.transition(
        ROUND, pk=round.pk, to=Round.Status.ADVANCED, actor=actor, reason=rationale, apply=advance
    )


def shortlist_publish(*, round_id: int, actor: Actor, public: bool) -> Round:
    """Make an advanced shortlist a public post (the secretariat), or take
    it down (``public=False``). Asking for the state it is in changes
    nothing (the history keeps who did what when)."""
    round = Round.objects.select_related("cycle").filter(pk=round_id).first()
    if round is None or not actor.has_perm("nominations.publish_shortlist", round):
        raise NotFoundError()
    target = Round.Post.PUBLIC if public else Round.Post.HIDDEN
    if round.shortlist_post == target:
        return round

    def stamp(locked: Round) -> None:
        locked.shortlist_published_at = timezone.now() if public else None

    return lifecycle.transition(SHORTLIST, pk=round.pk, to=target, actor=actor, apply=stamp)


# --- interviews ---------------------------------------------------------------------------------


class InfeasibleScheduleError(ConflictError):
    code = "infeasible"


# Bounds the scheduling model: plenty for a national shortlist (3 days of
# 20-minute slots in 3 rooms is 171).
MOST_SLOTS = 2000


@dataclass
class InterviewTimes:
    """What the secretariat gives: the days, the hours of each, the slot
    length and break, the number of rooms."""

    days: list[dt.date]
    start: dt.time
    end: dt.time
    slot_minutes: int
    break_minutes: int = 0
    rooms: int = 1

    def slots(self) -> list[scheduling.SlotTime]:
        """The slots of every day; refused (400, naming the field) when the
        day ends before it starts or there are too many in all."""
        if self.end <= self.start:
            raise ValidationError({"end": _("The day ends after it starts.")})
        slots = scheduling.slot_times(
            self.days,
            start=self.start,
            end=self.end,
            slot_minutes=self.slot_minutes,
            break_minutes=self.break_minutes,
            tz=timezone.get_current_timezone(),
        )
        if len(slots) * self.rooms > MOST_SLOTS:
            raise ValidationError(
                {
                    "slot_minutes": _(
                        "More than %(n)d slots in all: use longer slots or fewer days."
                    )
                    % {"n": MOST_SLOTS}
                }
            )
        return slots


def interviews_schedule(
    *, round_id: int, actor: Actor, times: InterviewTimes
) -> list[InterviewSlot]:
    """Schedule the interviews of an interview round that has its shortlist
    and no reviewer yet: a room, a slot and the room's panel for every
    nomination of the round (``scheduling``), all or nothing. The panel of
    each interview becomes its reviewers in the round. Refused (409,
    ``infeasible``) with each nomination that cannot be placed and why."""
    from nominations.assignment import cycle_conflicts

    round = Round.objects.select_related("cycle").filter(pk=round_id).first()
    if round is None or not actor.has_perm("nominations.manage_cycle", round.cycle):
        raise NotFoundError()
    cycle = round.cycle
    if round.kind != Round.Kind.INTERVIEW:
        raise ConflictError(_("Only an interview round is scheduled."))
    if cycle.phase != P.REVIEWING or rounds.current_round(cycle).pk != round.pk:
        raise ConflictError(_("Interviews are scheduled when their round is the current one."))
    if round.slots.exists():
        raise ConflictError(_("The interviews of this round are already scheduled."))
    if round.assignments.exists():
        raise ConflictError(
            _("Reviewers are already assigned in this round: it is not scheduled as well.")
        )
    slots = times.slots()
    # Those in review in the round; in a first round, the eligible ones too.
    nominations = list(
        cycle.nominations.filter(rounds.round_nominations(round))
        .prefetch_related("nominees")
        .order_by("pk")
    )
    if not nominations:
        raise ConflictError(_("No nomination waits for an interview in this round."))
    members = [m.pk for m in rounds.panel(round)]
    conflicts = cycle_conflicts(
        cycle=cycle, nomination_ids=[n.pk for n in nominations], members=members
    )
    result = scheduling.schedule(
        [
            scheduling.Interview(
                n.pk,
                frozenset(x.employee_id for x in n.nominees.all()),
                frozenset(conflicts.get(n.pk, {})),
            )
            for n in nominations
        ],
        members,
        rooms=times.rooms,
        slots=slots,
        panel_size=rounds.reviewers_needed(round, cycle),
    )
    if result.unplaced:
        titles = {n.pk: n.title for n in nominations}
        raise InfeasibleScheduleError(
            _("%(n)d nomination(s) cannot be scheduled; nothing was saved.")
            % {"n": len(result.unplaced)},
            details={
                "unplaced": [
                    {"nomination": n, "title": titles[n], "reason": reason}
                    for n, reason in result.unplaced
                ]
            },
        )
    try:
        return _schedule_save(round, nominations, result.placed)
    except IntegrityError:  # scheduled meanwhile by another request: the constraints tell
        raise ConflictError(_("The interviews of this round are already scheduled.")) from None


@transaction.atomic
def _schedule_save(
    round: Round, nominations: list[Nomination], placed: list[scheduling.Placement]
) -> list[InterviewSlot]:
    """The slots, their panels and the panels' assignments; the eligible
    nominations of a first round enter it. Two schedules at once queue on
    the round's row: the second then finds the slots (without the lock,
    their inserts could deadlock instead of meeting the constraints)."""
    Round.objects.select_for_update().filter(pk=round.pk).first()
    if InterviewSlot.objects.filter(round=round).exists():
        raise IntegrityError("scheduled meanwhile")
    made = InterviewSlot.objects.bulk_create(
        InterviewSlot(
            round=round,
            nomination_id=p.nomination,
            room=p.room,
            starts_at=p.slot.starts_at,
            ends_at=p.slot.ends_at,
        )
        for p in placed
    )
    Panel = InterviewSlot.panel.through
    Panel.objects.bulk_create(
        Panel(interviewslot_id=slot.pk, committeemember_id=m)
        for slot, p in zip(made, placed, strict=True)
        for m in p.panel
    )
    Assignment.objects.bulk_create(
        Assignment(nomination_id=p.nomination, member_id=m, round=round)
        for p in placed
        for m in p.panel
    )
    nomination_transition_many(
        nomination_ids=[n.pk for n in nominations if n.status == S.ELIGIBLE],
        to=S.IN_REVIEW,
        note="interview scheduled",
        values={"round": round},
    )
    return made


def interview_move(*, slot_id: int, actor: Actor, starts_at: dt.datetime) -> InterviewSlot:
    """Move an interview to another time in its room (the same length):
    refused (409) if the room, or one of its nominees, has another interview
    then, or once its panel has scored it. Everyone involved — the panel,
    the nominees, the nominator — is e-mailed after the commit and their
    calendars show the new time (the event's sequence is raised)."""
    with transaction.atomic():
        slot = (
            InterviewSlot.objects.select_related("round__cycle", "nomination")
            .filter(pk=slot_id)
            .first()
        )
        if slot is None or not actor.has_perm("nominations.manage_cycle", slot.round.cycle):
            raise NotFoundError()
        # Every slot of the round locked, in one order: two moves at once
        # cannot both take the same free time.
        list(
            InterviewSlot.objects.select_for_update()
            .filter(round_id=slot.round_id)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        slot.refresh_from_db(fields=["starts_at", "ends_at", "sequence"])
        if slot.round.cycle.phase != P.REVIEWING:
            raise ConflictError(_("Interviews are moved while the cycle is reviewing."))
        if slot.round.assignments.filter(
            nomination=slot.nomination, status=Assignment.Status.SUBMITTED
        ).exists():
            raise ConflictError(_("This interview has been scored: it stays where it was."))
        ends_at = starts_at + (slot.ends_at - slot.starts_at)
        overlapping = InterviewSlot.objects.filter(
            round=slot.round, starts_at__lt=ends_at, ends_at__gt=starts_at
        ).exclude(pk=slot.pk)
        if overlapping.filter(room=slot.room).exists():
            raise ConflictError(
                _("Room %(room)s has another interview then.") % {"room": slot.room}
            )
        nominees = slot.nomination.nominees.values("employee")
        if overlapping.filter(nomination__nominees__employee__in=nominees).exists():
            raise ConflictError(_("A nominee of this nomination has another interview then."))
        slot.starts_at, slot.ends_at = starts_at, ends_at
        slot.sequence += 1
        slot.save(update_fields=["starts_at", "ends_at", "sequence"])
        people = {m.employee_id for m in slot.panel.all()} | set(
            slot.nomination.nominees.values_list("employee_id", flat=True)
        )
        people.add(slot.nomination.nominator_id)
        SlotNotice.objects.bulk_create(
            [SlotNotice(slot=slot, employee_id=e, sequence=slot.sequence) for e in sorted(people)],
            ignore_conflicts=True,
        )

        def after() -> None:
            from core.jobs import dispatch
            from nominations.tasks import send_slot_notices

            dispatch(send_slot_notices, slot_id=slot.pk)

        transaction.on_commit(after)
    return slot
