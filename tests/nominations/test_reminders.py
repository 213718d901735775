"""Deadline reminders: each person is told once per deadline, by the daily
job, in their own language; nobody with nothing left to do is told."""

import datetime as dt

from django.core import mail
from django.utils import timezone

from nominations import reminders, services
from nominations.models import Cycle, Reminder
from nominations.tasks import send_reminders
from tests.nominations.helpers import move_to, nomination

TODAY = timezone.localdate()


def _plan(cycle, **days):
    Cycle.objects.filter(pk=cycle.pk).update(
        **{field: TODAY + dt.timedelta(days=n) for field, n in days.items()}
    )


def test_supervisors_with_drafts_are_reminded_once_before_nominations_close(
    cycle, supervisor, subordinate, junior
):
    supervisor.email, junior.email = "rina@example.test", "junior@example.test"
    supervisor.save()
    junior.save()
    nomination(cycle, supervisor, [subordinate])
    _plan(cycle, reviewing_on=5)
    assert reminders.reminders_run() == 0  # five days ahead: not yet
    _plan(cycle, reviewing_on=3)
    mail.outbox.clear()
    assert send_reminders.apply().get() == 1
    assert send_reminders.apply().get() == 0  # the beat runs again: nothing twice
    assert [m.to for m in mail.outbox] == [["rina@example.test"]]
    # No language chosen: the site's, Indonesian.
    assert "Nominasi untuk Anugerah Inovasi Uji ditutup pada" in mail.outbox[0].subject
    assert "1 draf nominasi" in mail.outbox[0].body
    # The secretariat moves the date: a new deadline, a new reminder.
    _plan(cycle, reviewing_on=2)
    assert reminders.reminders_run() == 1
    assert Reminder.objects.filter(kind="drafts").count() == 2


def test_reviewers_with_open_reviews_hear_three_days_and_one_day_before(
    in_review, cycle, reviewers, api
):
    from tests.nominations.helpers import ALL_FIVE
    from tests.nominations.test_review import assignment_of

    for i, person in enumerate(reviewers):
        person.email = f"r{i}@example.test"
        person.language = "en" if i == 1 else ""
        person.save()
    # reviewer0 has submitted; the others have not.
    api.as_(reviewers[0]).put(
        f"/api/v1/assignments/{assignment_of(reviewers[0], in_review).pk}/review",
        {"scores": ALL_FIVE, "submit": True},
        format="json",
    )
    mail.outbox.clear()
    _plan(cycle, deciding_on=3)
    assert reminders.reminders_run() == 2
    assert reminders.reminders_run(today=TODAY) == 0
    _plan(cycle, deciding_on=1)
    assert reminders.reminders_run() == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["r1@example.test"] * 2 + ["r2@example.test"] * 2
    english = [m for m in mail.outbox if m.to == ["r1@example.test"]]
    indonesian = [m for m in mail.outbox if m.to == ["r2@example.test"]]
    assert english[0].subject.startswith("Review for Anugerah Inovasi Uji closes on")
    assert indonesian[0].subject.startswith("Penilaian untuk Anugerah Inovasi Uji ditutup pada")


def test_the_chair_is_reminded_while_decisions_wait(in_review, cycle, chair):
    chair.email = "chair@example.test"
    chair.save()
    move_to(cycle, "deciding")
    _plan(cycle, publishing_on=2)
    mail.outbox.clear()
    assert reminders.reminders_run() == 1
    assert mail.outbox[0].to == ["chair@example.test"]
    assert f"/cycles/{cycle.pk}/ranking" in mail.outbox[0].body


def test_nobody_is_reminded_of_what_is_done_or_of_a_cycle_without_dates(
    cycle, supervisor, subordinate
):
    item = nomination(cycle, supervisor, [subordinate])
    services.nomination_submit(nomination_id=item.pk, actor=supervisor.user)
    _plan(cycle, reviewing_on=1)
    assert reminders.reminders_create() == 0
    Cycle.objects.filter(pk=cycle.pk).update(reviewing_on=None)
    nomination(cycle, supervisor, [subordinate], title="Draf lain")
    assert reminders.reminders_create() == 0


def test_the_language_switch_is_remembered_for_e_mails(client, subordinate):
    client.force_login(subordinate.user)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    subordinate.refresh_from_db()
    assert subordinate.language == "en"
    client.post("/i18n/setlang/", {"language": "xx", "next": "/"})
    subordinate.refresh_from_db()
    assert subordinate.language == "en"
