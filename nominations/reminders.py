"""Deadline reminders by e-mail, from a daily Celery beat job:

- supervisors with drafts, in the three days before nominations close
  (the planned start of review);
- reviewers with reviews not yet submitted, three days and again one day
  before review closes (the planned start of deciding);
- the chair, while nominations wait for a decision, in the three days before
  deciding closes (the planned publication).

Each is one ``Reminder`` row per cycle, person, kind and deadline, created
with ``ignore_conflicts`` against its unique constraint and claimed before
sending (``core.mail.send_once``): a job that runs twice, or two workers at
once, send each reminder once. Moving a planned date makes a new deadline,
and a new reminder for it. Written in the recipient's language.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from core.mail import pending, send_once

from .models import Assignment, CommitteeMember, Cycle, Nomination, Reminder

P = Cycle.Phase
S = Nomination.Status
K = Reminder.Kind
AHEAD = 3  # days before a deadline the first reminder goes out


def _within(deadline: dt.date, today: dt.date, days: int) -> bool:
    return 0 <= (deadline - today).days <= days


def due_reminders(cycle: Cycle, today: dt.date) -> list[Reminder]:
    """The reminders ``cycle`` calls for today (existing ones included)."""
    rows: list[Reminder] = []

    def add(people, kind: str, deadline: dt.date) -> None:
        rows.extend(
            Reminder(cycle=cycle, employee_id=pk, kind=kind, deadline=deadline)
            for pk in set(people)
        )

    if (day := cycle.reviewing_on) and cycle.phase == P.NOMINATING and _within(day, today, AHEAD):
        drafts = cycle.nominations.filter(status=S.DRAFT).values_list("nominator_id", flat=True)
        add(drafts, K.DRAFTS, day)
    if (day := cycle.deciding_on) and cycle.phase == P.REVIEWING and _within(day, today, AHEAD):
        kind = K.REVIEWS_1 if _within(day, today, 1) else K.REVIEWS_3
        open_reviews = Assignment.objects.filter(
            nomination__cycle=cycle,
            nomination__status=S.IN_REVIEW,
            status__in=[Assignment.Status.ASSIGNED, Assignment.Status.DRAFT],
            conflict="",
        ).values_list("member__employee_id", flat=True)
        add(open_reviews, kind, day)
    if (
        (day := cycle.publishing_on)
        and cycle.phase == P.DECIDING
        and _within(day, today, AHEAD)
        and cycle.nominations.filter(status__in=[S.IN_REVIEW, S.REVIEWED]).exists()
    ):
        chair = CommitteeMember.objects.filter(cycle=cycle, is_chair=True)
        add(chair.values_list("employee_id", flat=True), K.DECISIONS, day)
    return rows


def reminders_create(*, today: dt.date | None = None) -> int:
    """Record the reminders due today in every open cycle; those already
    recorded stay as they are. Returns how many rows the cycles called for."""
    today = today or timezone.localdate()
    count = 0
    for cycle in Cycle.objects.filter(phase__in=[P.NOMINATING, P.REVIEWING, P.DECIDING]):
        rows = due_reminders(cycle, today)
        Reminder.objects.bulk_create(rows, ignore_conflicts=True)
        count += len(rows)
    return count


def _message(reminder: Reminder) -> tuple[str, str]:
    cycle = reminder.cycle
    when = formats.date_format(reminder.deadline, "j F Y")
    link = settings.PUBLIC_BASE_URL.rstrip("/")
    if reminder.kind == K.DRAFTS:
        count = cycle.nominations.filter(status=S.DRAFT, nominator_id=reminder.employee_id).count()
        return (
            _("Nominations for %(cycle)s close on %(date)s") % {"cycle": cycle.name, "date": when},
            _(
                "You have %(count)d draft nomination(s) in %(cycle)s. Nominations close on "
                "%(date)s: submit them before then at %(link)s/team"
            )
            % {"count": count, "cycle": cycle.name, "date": when, "link": link},
        )
    if reminder.kind in (K.REVIEWS_3, K.REVIEWS_1):
        count = Assignment.objects.filter(
            nomination__cycle=cycle,
            nomination__status=S.IN_REVIEW,
            member__employee_id=reminder.employee_id,
            status__in=[Assignment.Status.ASSIGNED, Assignment.Status.DRAFT],
            conflict="",
        ).count()
        return (
            _("Review for %(cycle)s closes on %(date)s") % {"cycle": cycle.name, "date": when},
            _(
                "%(count)d review(s) assigned to you in %(cycle)s are not submitted yet. "
                "Review closes on %(date)s: %(link)s/reviews"
            )
            % {"count": count, "cycle": cycle.name, "date": when, "link": link},
        )
    waiting = cycle.nominations.filter(status__in=[S.IN_REVIEW, S.REVIEWED]).count()
    return (
        _("Decisions for %(cycle)s are due by %(date)s") % {"cycle": cycle.name, "date": when},
        _(
            "%(count)d nomination(s) of %(cycle)s still wait for your decision. The results "
            "are planned for %(date)s: %(link)s/cycles/%(id)d/ranking"
        )
        % {"count": waiting, "cycle": cycle.name, "date": when, "link": link, "id": cycle.pk},
    )


def reminders_send() -> int:
    """Send every recorded reminder not sent yet. Returns how many were sent."""
    sent = 0
    rows = pending(Reminder.objects.filter(sent_at__isnull=True)).select_related(
        "employee", "cycle"
    )
    for reminder in rows.order_by("pk"):
        language = reminder.employee.language or settings.LANGUAGE_CODE
        with translation.override(language):
            subject, body = _message(reminder)
            sent += send_once(reminder, "sent_at", reminder.employee.email, subject, body)
    return sent


def reminders_run(*, today: dt.date | None = None) -> int:
    """The daily job: record today's reminders, then send what is unsent."""
    reminders_create(today=today)
    return reminders_send()
