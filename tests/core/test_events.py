"""Events between apps (``core.events``): recorded with what they report,
handed to every registered handler once, retried, then failed; lost
messages swept."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from certificates.models import Certificate
from core import events
from core.models import EventDelivery, OutboxEvent
from nominations.events import ResultsPublished
from nominations.models import Cycle
from rewards.models import Publication
from tests.nominations.helpers import decided as decide
from tests.nominations.helpers import move_to


@pytest.fixture
def decided(supervisor, subordinate, junior, cycle):
    """One nomination decided gold (subordinate), one decided with no award
    (junior); the cycle is deciding."""
    gold = decide(cycle, supervisor, [subordinate])
    decide(cycle, supervisor, [junior], level=None, title="Arsip digital")
    move_to(cycle, "deciding")
    return gold


def publish(cycle, secretariat, callbacks):
    from nominations import services

    with callbacks() as queued:
        services.cycle_publish(cycle_id=cycle.pk, actor=secretariat.user)
    return queued


def test_publication_records_one_typed_event_with_every_awarded_nominee(
    decided, subordinate, cycle, secretariat, django_capture_on_commit_callbacks
):
    publish(cycle, secretariat, django_capture_on_commit_callbacks)
    [row] = OutboxEvent.objects.all()
    event = ResultsPublished.from_payload(row.payload)
    assert (event.cycle_id, [(a.nomination_id, a.employee_id) for a in event.awards]) == (
        cycle.pk,
        [(decided.pk, subordinate.pk)],
    )
    assert event.published_at == Cycle.objects.get(pk=cycle.pk).published_at
    assert sorted(EventDelivery.objects.values_list("handler", "status")) == [
        ("certificates.events.create_certificates", "pending"),
        ("rewards.events.start_rewards", "pending"),
    ]
    # Nothing of the handlers ran inside the publishing transaction.
    assert (Certificate.objects.count(), Publication.objects.count()) == (0, 0)


def test_each_handler_runs_once_however_often_it_is_delivered(
    decided, cycle, secretariat, django_capture_on_commit_callbacks
):
    publish(cycle, secretariat, django_capture_on_commit_callbacks)
    assert events.deliver_pending() == 2
    assert events.deliver_pending() == 0
    for delivery in EventDelivery.objects.all():
        assert events.deliver(delivery_id=delivery.pk) is False
    assert (Certificate.objects.count(), Publication.objects.count()) == (1, 1)
    assert set(EventDelivery.objects.values_list("status", "attempts")) == {("done", 1)}


def test_an_event_is_only_emitted_inside_the_transaction_that_makes_it_true(transactional_db):
    event = ResultsPublished(cycle_id=1, published_at=timezone.now(), awards=())
    with pytest.raises(RuntimeError, match="inside the transaction"):
        events.emit(event)
    assert not OutboxEvent.objects.exists()
    with transaction.atomic():
        events.emit(event)
    assert OutboxEvent.objects.count() == 1


def test_a_failing_handler_is_retried_then_left_failed_with_its_error(
    decided, cycle, secretariat, django_capture_on_commit_callbacks, monkeypatch
):
    publish(cycle, secretariat, django_capture_on_commit_callbacks)
    delivery = EventDelivery.objects.get(handler="certificates.events.create_certificates")

    def broken(**kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("certificates.services.certificates_create", broken)
    for attempt in range(1, events.MAX_ATTEMPTS + 1):
        events.deliver_pending()
        delivery.refresh_from_db()
        expected = "failed" if attempt == events.MAX_ATTEMPTS else "pending"
        assert (delivery.status, delivery.attempts) == (expected, attempt)
    assert delivery.error == "OSError('disk full')"
    assert events.deliver_pending() == 0  # failed stays failed, for a person to see
    assert not Certificate.objects.exists()


def test_the_sweeper_requeues_a_delivery_whose_message_was_lost(
    decided, cycle, secretariat, django_capture_on_commit_callbacks, eager_jobs
):
    # The jobs were never queued (the commit callbacks are dropped).
    publish(cycle, secretariat, django_capture_on_commit_callbacks)
    assert events.sweep() == 0  # too recent: their messages may still come
    EventDelivery.objects.update(updated_at=timezone.now() - dt.timedelta(minutes=2))
    assert events.sweep() == 2  # run in-process here (eager jobs)
    assert set(EventDelivery.objects.values_list("status", flat=True)) == {"done"}
    assert Certificate.objects.count() == 1


def test_every_registered_handler_can_be_found_by_its_recorded_name():
    for event_class, handlers in events.registry().items():
        assert issubclass(event_class, events.Event)
        assert handlers, event_class
        for handler in handlers:
            module, _, name = events.handler_name(handler).rpartition(".")
            assert getattr(__import__(module, fromlist=[name]), name) is handler


def test_a_failed_delivery_is_retried_only_below_the_limit_and_alone(
    decided, cycle, secretariat, django_capture_on_commit_callbacks
):
    publish(cycle, secretariat, django_capture_on_commit_callbacks)
    one, other = EventDelivery.objects.order_by("pk")
    EventDelivery.objects.filter(pk=other.pk).update(attempts=events.MAX_ATTEMPTS)
    from core.workflow import HANDLING

    assert HANDLING.claim(pks=[one.pk, other.pk])
    # ``other`` is at the limit; ``one`` is not, and must not be judged by it.
    assert events.delivery_failed(delivery_id=one.pk, error="ValueError('x')") is True
    assert events.delivery_failed(delivery_id=other.pk, error="ValueError('y')") is False
    assert dict(EventDelivery.objects.values_list("pk", "status")) == {
        one.pk: "pending",
        other.pk: "failed",
    }
    assert EventDelivery.objects.get(pk=one.pk).error == "ValueError('x')"
    # The history says why each went back or gave up.
    from core import lifecycle

    assert [c.reason for c in lifecycle.history(other)][-1] == "ValueError('y')"


def test_unhandled_counts_the_deliveries_of_one_event_kind_and_payload(
    decided, cycle, secretariat, django_capture_on_commit_callbacks
):
    from nominations.events import ResultsPublished

    publish(cycle, secretariat, django_capture_on_commit_callbacks)
    assert events.unhandled(ResultsPublished, cycle_id=cycle.pk) == 2
    assert events.unhandled(ResultsPublished, cycle_id=cycle.pk + 1) == 0
    # Another kind of event with the same payload is not counted.
    other = OutboxEvent.objects.create(kind="other.kind", payload={"cycle_id": cycle.pk})
    EventDelivery.objects.create(event=other, handler="x.y")
    assert events.unhandled(ResultsPublished, cycle_id=cycle.pk) == 2
    EventDelivery.objects.filter(event__kind=ResultsPublished.kind).update(status="done")
    assert events.unhandled(ResultsPublished, cycle_id=cycle.pk) == 0


# --- what the mutation run of core found untested (tests/core alone) ---------------


def test_the_deliveries_are_queued_after_the_commit_and_run(
    decided, cycle, secretariat, django_capture_on_commit_callbacks, eager_jobs
):
    callbacks = publish(cycle, secretariat, django_capture_on_commit_callbacks)
    assert set(EventDelivery.objects.values_list("status", flat=True)) == {"pending"}
    for callback in callbacks:
        callback()  # the commit: queued, and run in-process (eager jobs)
    assert set(EventDelivery.objects.values_list("status", flat=True)) == {"done"}
    assert Certificate.objects.count() == 1


def test_an_event_nobody_handles_is_recorded_without_deliveries(transactional_db):
    from dataclasses import dataclass

    @dataclass(frozen=True)
    class Noticed(events.Event):
        kind = "tests.noticed"
        what: str

    with transaction.atomic():
        row = events.emit(Noticed(what="x"))
    assert (row.kind, row.payload) == ("tests.noticed", {"what": "x"})
    assert not EventDelivery.objects.exists()


def test_a_delivery_done_after_a_failure_clears_its_error(
    decided, cycle, secretariat, django_capture_on_commit_callbacks
):
    publish(cycle, secretariat, django_capture_on_commit_callbacks)
    delivery = EventDelivery.objects.order_by("pk").first()
    EventDelivery.objects.filter(pk=delivery.pk).update(error="OSError('disk full')")
    before = timezone.now()
    assert events.deliver(delivery_id=delivery.pk) is True
    delivery.refresh_from_db()
    assert (delivery.status, delivery.error) == ("done", "")
    assert delivery.done_at >= before
    # the other delivery is untouched
    assert EventDelivery.objects.exclude(pk=delivery.pk).get().status == "pending"


def test_a_long_error_is_kept_to_5000_characters_and_500_in_the_history(
    decided, cycle, secretariat, django_capture_on_commit_callbacks
):
    from core import lifecycle
    from core.workflow import HANDLING

    publish(cycle, secretariat, django_capture_on_commit_callbacks)
    delivery = EventDelivery.objects.order_by("pk").first()
    HANDLING.claim(pks=[delivery.pk])
    events.delivery_failed(delivery_id=delivery.pk, error="x" * 6000)
    delivery.refresh_from_db()
    assert len(delivery.error) == 5000
    assert len(list(lifecycle.history(delivery))[-1].reason) == 500


def test_a_failing_delivery_is_logged_with_its_id(
    decided, cycle, secretariat, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    import logging

    publish(cycle, secretariat, django_capture_on_commit_callbacks)
    delivery = EventDelivery.objects.get(handler="certificates.events.create_certificates")

    def broken(**kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("certificates.services.certificates_create", broken)
    with caplog.at_level(logging.ERROR, logger="core.events"):
        events.deliver_pending()
    [record] = [r for r in caplog.records if r.name == "core.events"]
    assert record.getMessage() == f"event delivery {delivery.pk} failed"
    assert record.exc_info is not None


def test_a_delivery_whose_handler_is_gone_says_which(
    decided, cycle, secretariat, django_capture_on_commit_callbacks
):
    publish(cycle, secretariat, django_capture_on_commit_callbacks)
    delivery = EventDelivery.objects.order_by("pk").first()
    EventDelivery.objects.filter(pk=delivery.pk).update(handler="gone.handler")
    with pytest.raises(LookupError) as missing:
        events.deliver(delivery_id=delivery.pk)
    assert str(missing.value) == f"no handler gone.handler for {ResultsPublished.kind}"
