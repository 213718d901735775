"""E-mails of the nomination workflow.

Each message has a row (``Nominee.notified_at``, ``ResultNotice.sent_at``)
that is claimed with a conditional UPDATE before sending, so a job that runs
twice sends nothing twice; a send that fails releases its claim for the retry.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.jobs import GRACE
from core.mail import send_once, sweep_unsent

from .models import Nomination, Nominee, ResultNotice, Round, RoundResult, SlotNotice
from .verification import disqualified_ids


def nominees_notify(*, nomination_id: int) -> int:
    """Tell each nominee they were nominated. Returns the number of e-mails sent."""
    sent = 0
    nominees = Nominee.objects.filter(
        nomination_id=nomination_id, notified_at__isnull=True
    ).select_related(
        "employee",
        "nomination__nominator",
        "nomination__cycle",
        "nomination__origin__cycle",
        "nomination__origin__award_level",
    )
    for nominee in nominees:
        n = nominee.nomination
        with translation.override(settings.LANGUAGE_CODE):
            if n.origin is not None:  # put forward from an agency's cycle
                lead = _(
                    "Your innovation “%(title)s”, which received the %(level)s in %(origin)s, "
                    "has been put forward to %(cycle)s."
                ) % {
                    "title": n.title,
                    "level": n.origin.award_level.name if n.origin.award_level else "",
                    "origin": n.origin.cycle.name,
                    "cycle": n.cycle.name,
                }
            else:
                lead = _(
                    "%(nominator)s nominated you for %(cycle)s with the innovation “%(title)s”."
                ) % {"nominator": n.nominator.name, "cycle": n.cycle.name, "title": n.title}
            sent += send_once(
                nominee,
                "notified_at",
                nominee.employee.email,
                _("You have been nominated: %(title)s") % {"title": n.title},
                lead
                + "\n\n"
                + _(
                    "If you do not want your name on public recognition posts, change your "
                    "preference in Apresiasi at any time."
                ),
            )
    return sent


def result_notices_send(*, cycle_id: int) -> int:
    """E-mail each nominee and nominator the published result."""
    sent = 0
    notices = ResultNotice.objects.filter(
        nomination__cycle_id=cycle_id, sent_at__isnull=True
    ).select_related("employee", "nomination__award_level", "nomination__cycle")
    # The round a nomination was left out of a shortlist at (rounds), or
    # disqualified at (field verification, the last round included).
    stopped = {
        r.nomination_id: (r.round, r.outcome)
        for r in RoundResult.objects.filter(
            round__cycle_id=cycle_id,
            outcome__in=[RoundResult.Outcome.NOT_ADVANCED, RoundResult.Outcome.DISQUALIFIED],
        ).select_related("round")
    }
    for last in Round.objects.filter(
        cycle_id=cycle_id, kind=Round.Kind.FIELD, status=Round.Status.OPEN
    ):
        for pk in disqualified_ids(last):
            stopped[pk] = (last, RoundResult.Outcome.DISQUALIFIED)
    for notice in notices:
        n: Nomination = notice.nomination
        with translation.override(settings.LANGUAGE_CODE):
            where = stopped.get(n.pk)
            if n.award_level:
                outcome = _("It receives the %(level)s.") % {"level": n.award_level.name_id}
            elif where and where[1] == RoundResult.Outcome.DISQUALIFIED:
                outcome = _(
                    "It was disqualified at the field verification of round %(position)d "
                    "(%(round)s): too many of its impact claims could not be verified."
                ) % {"position": where[0].position, "round": where[0].name_id}
            elif where:
                outcome = _(
                    "It was not shortlisted after round %(position)d (%(round)s), so it "
                    "does not receive an award this time."
                ) % {"position": where[0].position, "round": where[0].name_id}
            else:
                outcome = _("It does not receive an award this time.")
            sent += send_once(
                notice,
                "sent_at",
                notice.employee.email,
                _("Results of %(cycle)s") % {"cycle": n.cycle.name},
                _(
                    "The results of %(cycle)s are published.\n\nNomination: %(title)s\n"
                    "%(outcome)s\n\nThank you for serving the public."
                )
                % {"cycle": n.cycle.name, "title": n.title, "outcome": outcome},
            )
    return sent


def slot_notices_send(*, slot_id: int) -> int:
    """E-mail those involved the new time of a moved interview, each in
    their language; a notice of an older change is sent no more."""
    sent = 0
    notices = SlotNotice.objects.filter(slot_id=slot_id, sent_at__isnull=True).select_related(
        "employee", "slot__nomination", "slot__round__cycle"
    )
    for notice in notices:
        slot = notice.slot
        if notice.sequence != slot.sequence:
            SlotNotice.objects.filter(pk=notice.pk).update(sent_at=timezone.now())
            continue  # a later change has its own notice
        with translation.override(notice.employee.language or settings.LANGUAGE_CODE):
            when = timezone.localtime(slot.starts_at)
            sent += send_once(
                notice,
                "sent_at",
                notice.employee.email,
                _("Interview moved: %(title)s") % {"title": slot.nomination.title},
                _(
                    "The interview of “%(title)s” (%(cycle)s) is now on %(day)s at %(time)s "
                    "in room %(room)s.\n\nCalendars subscribed to your interviews show "
                    "the new time."
                )
                % {
                    "title": slot.nomination.title,
                    "cycle": slot.round.cycle.name,
                    "day": when.strftime("%Y-%m-%d"),
                    "time": when.strftime("%H:%M"),
                    "room": slot.room,
                },
            )
    return sent


def notices_sweep() -> int:
    """Re-dispatch e-mails left unsent (a broker outage at dispatch time)."""
    from .tasks import notify_nominees, send_result_notices, send_slot_notices

    before = timezone.now() - GRACE
    return (
        sweep_unsent(
            ResultNotice.objects.filter(
                sent_at__isnull=True, nomination__cycle__published_at__lt=before
            ),
            group_by="nomination__cycle_id",
            task=send_result_notices,
            argument="cycle_id",
        )
        + sweep_unsent(
            Nominee.objects.filter(notified_at__isnull=True, nomination__submitted_at__lt=before),
            group_by="nomination_id",
            task=notify_nominees,
            argument="nomination_id",
        )
        + sweep_unsent(
            SlotNotice.objects.filter(sent_at__isnull=True, created_at__lt=before),
            group_by="slot_id",
            task=send_slot_notices,
            argument="slot_id",
        )
    )
