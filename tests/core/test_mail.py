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
