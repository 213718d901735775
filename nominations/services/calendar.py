"""A person's secret iCalendar address (``nominations.calendar``): made
once, rotated on request (the old address then answers 404)."""

from __future__ import annotations

import secrets

from django.db import IntegrityError, transaction

from nominations.models import CalendarFeed
from people.models import Employee


def calendar_feed(*, employee: Employee) -> CalendarFeed:
    """The person's feed, made the first time (one per person: the unique
    constraint, not a check, keeps two concurrent first calls to one)."""
    found = CalendarFeed.objects.filter(employee=employee).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return CalendarFeed.objects.create(employee=employee, token=secrets.token_urlsafe(32))
    except IntegrityError:
        return CalendarFeed.objects.get(employee=employee)


def calendar_rotate(*, employee: Employee) -> CalendarFeed:
    """A new secret address; the old one stops working."""
    feed = calendar_feed(employee=employee)
    feed.token = secrets.token_urlsafe(32)
    feed.save(update_fields=["token", "updated_at"])
    return feed
