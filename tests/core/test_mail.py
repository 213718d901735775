"""E-mails are sent once, and a message lost before its job ran is sent by
the sweeper later (``core.mail.send_once``, ``core.mail.sweep_unsent``)."""

import datetime as dt

from django.core import mail
from django.utils import timezone

from core.jobs import GRACE
from nominations import notifications, services
from nominations.models import Nominee
from tests.nominations.helpers import nomination


def test_a_lost_nominee_e_mail_is_sent_by_the_sweeper_once(
    supervisor, subordinate, cycle, eager_jobs, django_capture_on_commit_callbacks
):
    subordinate.email = "budi@example.test"
    subordinate.save()
    item = nomination(cycle, supervisor, [subordinate])
    # Submitted, but the job's message was lost: its callback never runs.
    with django_capture_on_commit_callbacks(execute=False):
        services.nomination_submit(nomination_id=item.pk, actor=supervisor.user)
    assert mail.outbox == []
    assert notifications.notices_sweep() == 0  # too recent: its job may still come
    type(item).objects.filter(pk=item.pk).update(
        submitted_at=timezone.now() - GRACE - dt.timedelta(seconds=1)
    )
    assert notifications.notices_sweep() == 1
    assert [m.to for m in mail.outbox] == [["budi@example.test"]]
    assert Nominee.objects.get(nomination=item).notified_at is not None
    # Sent: nothing left to sweep, and the job run again sends nothing.
    assert notifications.notices_sweep() == 0
    assert notifications.nominees_notify(nomination_id=item.pk) == 0
    assert len(mail.outbox) == 1


def _submitted_long_ago(supervisor, people, cycle, django_capture_on_commit_callbacks):
    category = "technology-team" if len(people) > 1 else "technology"
    item = nomination(cycle, supervisor, people, category=category)
    with django_capture_on_commit_callbacks(execute=False):
        services.nomination_submit(nomination_id=item.pk, actor=supervisor.user)
    type(item).objects.filter(pk=item.pk).update(
        submitted_at=timezone.now() - GRACE - dt.timedelta(seconds=1)
    )
    return item


def test_a_message_that_keeps_failing_is_given_up_and_shown_to_the_secretariat(
    supervisor,
    subordinate,
    secretariat,
    cycle,
    eager_jobs,
    django_capture_on_commit_callbacks,
    settings,
):
    """The mail server refuses every time: each sweep counts one attempt, the
    fifth gives up, the sweeper then leaves it alone, and the cycle page lists it."""
    import pytest
    from django.test import Client

    from core.mail import MAX_ATTEMPTS

    settings.EMAIL_BACKEND = "tests.core.test_mail.RefusingBackend"
    subordinate.email = "budi@example.test"
    subordinate.save()
    item = _submitted_long_ago(supervisor, [subordinate], cycle, django_capture_on_commit_callbacks)
    for attempt in range(1, MAX_ATTEMPTS + 1):
        with pytest.raises(ConnectionRefusedError):
            notifications.nominees_notify(nomination_id=item.pk)
        row = Nominee.objects.get(nomination=item)
        assert (row.mail_attempts, row.notified_at) == (attempt, None)
        assert row.mail_error == "the mail server refused"
    assert notifications.notices_sweep() == 0  # given up: no job queued for it
    assert notifications.nominees_notify(nomination_id=item.pk) == 0
    web = Client(HTTP_ACCEPT_LANGUAGE="en")
    web.force_login(secretariat.user)
    page = web.get(f"/cycles/{cycle.pk}").content.decode()
    assert "E-mails that could not be sent" in page
    assert "budi@example.test" in page
    assert "the mail server refused" in page


def test_a_message_that_can_never_be_sent_is_given_up_at_once_and_the_others_go(
    supervisor, subordinate, junior, cycle, django_capture_on_commit_callbacks
):
    """An address the mail library refuses fails for good at the first try;
    the job goes on with the next nominee instead of retrying forever."""
    from core.mail import MAX_ATTEMPTS

    subordinate.email = "budi@example.test\nBcc: x@example.test"
    subordinate.save()
    junior.email = "ani@example.test"
    junior.save()
    item = _submitted_long_ago(
        supervisor, [subordinate, junior], cycle, django_capture_on_commit_callbacks
    )
    Nomination = type(item)
    Nomination.objects.filter(pk=item.pk).update(
        category=cycle.categories.get(code="technology-team")
    )
    assert notifications.nominees_notify(nomination_id=item.pk) == 1
    assert [m.to for m in mail.outbox] == [["ani@example.test"]]
    failed = Nominee.objects.get(nomination=item, employee=subordinate)
    assert failed.mail_attempts == MAX_ATTEMPTS
    assert failed.notified_at is None
    assert notifications.notices_sweep() == 0


class RefusingBackend:
    """A mail backend whose server refuses every message."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("the mail server refused")


def test_dispatch_never_touches_the_result_backend(db, monkeypatch):
    """A job dispatched after a commit is followed through its row, not its
    result: dispatching must not subscribe to the result backend (with Redis
    down that retried for 20 s inside the publishing request)."""
    from config.celery import app
    from core.jobs import dispatch
    from nominations.tasks import notify_nominees

    def refuse(*args, **kwargs):
        raise ConnectionError("the result backend is down")

    monkeypatch.setattr(type(app.backend), "on_task_call", refuse)
    assert dispatch(notify_nominees, countdown=3600, nomination_id=0) is True
