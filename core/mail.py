"""Sending an e-mail exactly once."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone


def send_once(row, field: str, to: str, subject: str, body: str) -> bool:
    """Claim ``row`` by setting its timestamp ``field`` where it is still
    empty (a conditional UPDATE), then send; a failed send releases the claim
    for the retry. False if another run had claimed it or there is no address,
    so a job that runs twice sends nothing twice."""
    model = type(row)
    if not model.objects.filter(pk=row.pk, **{f"{field}__isnull": True}).update(
        **{field: timezone.now()}
    ):
        return False
    if not to:
        return False
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to])
    except Exception:
        model.objects.filter(pk=row.pk).update(**{field: None})
        raise
    return True


def sweep_unsent(rows, *, group_by: str, task, argument: str) -> int:
    """Re-dispatch the e-mail job of each group (a cycle, a nomination) that
    still has unsent rows; ``rows`` are those unsent for longer than a job
    takes (``core.jobs.GRACE``), so a message lost to a broker outage is sent
    later, and ``send_once`` keeps a job that runs twice from sending twice.
    Returns the number of jobs queued."""
    from .jobs import dispatch

    groups = set(rows.values_list(group_by, flat=True))
    for key in groups:
        dispatch(task, **{argument: key})
    return len(groups)
