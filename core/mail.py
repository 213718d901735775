"""Sending an e-mail exactly once, and giving up on one that cannot be sent.

Each message is a row (a nominee's notice, a result notice, an award notice)
with a timestamp field claimed before sending and the ``MailAttempts``
fields. A send that fails releases the claim and counts the attempt; a
message that cannot be sent at all (a header a mail server would refuse) or
that failed ``MAX_ATTEMPTS`` times is given up: the sweepers leave it alone,
and the secretariat sees it among the undelivered e-mails of the cycle.
"""

from __future__ import annotations

import logging
import re

from django.conf import settings
from django.core.mail import BadHeaderError, send_mail
from django.db.models import F, QuerySet
from django.utils import timezone

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5

# Line breaks of every kind and other control characters: a subject is one line.
_NOT_ONE_LINE = re.compile(r"[\s\x00-\x1f\x7f\x85\u2028\u2029]+")


def one_line(text: str, limit: int = 200) -> str:
    """``text`` as a single-line e-mail subject (user text may hold CR/LF)."""
    flat = _NOT_ONE_LINE.sub(" ", text).strip()
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def pending(rows: QuerySet) -> QuerySet:
    """The rows whose e-mail is still to be tried (not given up)."""
    return rows.filter(mail_attempts__lt=MAX_ATTEMPTS)


def undelivered(rows: QuerySet, *, what: str) -> list[dict]:
    """The e-mails of ``rows`` that were given up, for the secretariat:
    ``[{name, email, what, title, error, attempts}]`` (one query). The rows
    belong to an employee and a nomination."""
    return [
        {
            "name": name,
            "email": email,
            "what": what,
            "title": title,
            "error": error,
            "attempts": attempts,
        }
        for name, email, title, error, attempts in rows.filter(
            mail_attempts__gte=MAX_ATTEMPTS
        ).values_list(
            "employee__name", "employee__email", "nomination__title", "mail_error", "mail_attempts"
        )
    ]


def send_once(row, field: str, to: str, subject: str, body: str) -> bool:
    """Claim ``row`` by setting its timestamp ``field`` where it is still
    empty (a conditional UPDATE), then send; False if another run had
    claimed it or there is no address, so a job that runs twice sends nothing
    twice. A failed send releases the claim and counts the attempt: a
    message that can never be sent is given up at once (and the job goes on
    with the next one); any other error is raised for the job's retry."""
    model = type(row)
    if not pending(model.objects.filter(pk=row.pk, **{f"{field}__isnull": True})).update(
        **{field: timezone.now()}
    ):
        return False
    if not to:
        return False
    try:
        send_mail(one_line(subject), body.replace("\x00", ""), settings.DEFAULT_FROM_EMAIL, [to])
    except (BadHeaderError, ValueError) as error:
        log.error("giving up an e-mail to %s: %s", model.__name__, error)
        model.objects.filter(pk=row.pk).update(
            **{field: None}, mail_attempts=MAX_ATTEMPTS, mail_error=str(error)[:300]
        )
        return False
    except Exception as error:
        model.objects.filter(pk=row.pk).update(
            **{field: None}, mail_attempts=F("mail_attempts") + 1, mail_error=str(error)[:300]
        )
        raise
    log.info("e-mail sent: %s %s", model.__name__, row.pk)
    return True


def sweep_unsent(rows, *, group_by: str, task, argument: str) -> int:
    """Re-dispatch the e-mail job of each group (a cycle, a nomination) that
    still has unsent rows not given up; ``rows`` are those unsent for longer
    than a job takes (``core.jobs.GRACE``), so a message lost to a broker
    outage is sent later, and ``send_once`` keeps a job that runs twice from
    sending twice. Returns the number of jobs queued."""
    from .jobs import dispatch

    groups = set(pending(rows).values_list(group_by, flat=True))
    for key in groups:
        dispatch(task, **{argument: key})
    return len(groups)
