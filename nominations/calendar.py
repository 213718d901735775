"""A person's interviews as an iCalendar feed (DESIGN §7.3 ``me/calendar``):
the interviews they hear as a panel member, and those of the nominations
they are nominated in or nominated. Read by a secret address (``token``),
no login: calendar programs subscribe to it. ``services.calendar`` makes
and rotates the address."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core import i18n

from .models import CalendarFeed, InterviewSlot


def feed_ics(*, token: str) -> bytes | None:
    """The feed of the address ``token``, or None if no feed has it."""
    from icalendar import Calendar, Event

    feed = CalendarFeed.objects.select_related("employee").filter(token=token).first()
    if feed is None:
        return None
    employee = feed.employee
    slots = (
        InterviewSlot.objects.filter(
            Q(panel__employee=employee)
            | Q(nomination__nominees__employee=employee)
            | Q(nomination__nominator=employee)
        )
        .select_related("round__cycle", "nomination")
        .distinct()
        .order_by("starts_at")
    )
    calendar = Calendar()
    calendar.add("prodid", "-//Apresiasi//interviews//ID")
    calendar.add("version", "2.0")
    # In the person's language (their e-mails' too), else the service's.
    with translation.override(employee.language or settings.LANGUAGE_CODE):
        calendar.add("x-wr-calname", _("Apresiasi interviews"))
        for slot in slots:
            event = Event()
            event.add("uid", f"interview-{slot.pk}@apresiasi")
            event.add("sequence", slot.sequence)
            event.add("dtstamp", timezone.now())
            event.add("dtstart", slot.starts_at)
            event.add("dtend", slot.ends_at)
            event.add("summary", _("Interview: %(title)s") % {"title": slot.nomination.title})
            event.add("location", _("Room %(room)s") % {"room": slot.room})
            event.add(
                "description",
                f"{slot.round.cycle.name} · {i18n.pick(slot.round.names)}",
            )
            calendar.add_component(event)
    return calendar.to_ical()
