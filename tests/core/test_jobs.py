"""``core.jobs`` on the real Redis broker: what a dispatch puts on the
queue, what it does when the broker is away, and the task records of
``start``. A throwaway task routes to a queue of its own, which no test
worker consumes, so the messages can be read back here."""

import logging
import uuid

import pytest
from django.utils import timezone

from config.celery import app
from core import jobs
from core.models import StartedTask

QUEUE = "apresiasi-test-jobs"


@app.task(name="tests.core.probe")
def probe(**kwargs):  # never run: the tests read its messages off the queue
    return kwargs


@pytest.fixture(autouse=True)
def probe_route():
    """Route the probe to its own queue for these tests only."""

    def use(routes):
        # the routing table, and the router that caches it
        app.conf.task_routes = routes
        app.amqp.flush_routes()
        app.amqp.__dict__.pop("router", None)

    routes = app.conf.task_routes
    use({"tests.core.probe": {"queue": QUEUE}})
    yield
    use(routes)


@pytest.fixture
def queue():
    """The probe's queue, emptied before and after; ``read()`` returns the
    next message (headers and body) or fails."""
    with app.connection_for_write() as connection:
        simple = connection.SimpleQueue(QUEUE)
        simple.clear()

        def read():
            message = simple.get(timeout=5)
            message.ack()
            return message

        yield read
        simple.clear()
        simple.close()


@pytest.fixture
def broker_down():
    """Point the publishing side at a port nothing listens on."""
    real = app.conf.broker_write_url

    def use(url):
        app.conf.broker_write_url = url
        app._pool = None
        app.amqp._producer_pool = None

    use("redis://127.0.0.1:1/0")
    yield
    use(real)


def test_dispatch_queues_the_task_with_its_arguments_and_no_result(queue):
    assert jobs.dispatch(probe, certificate_ids=[1, 2]) is True
    message = queue()
    args, kwargs, _embed = message.decode()
    assert (message.headers["task"], args, kwargs) == (
        "tests.core.probe",
        [],
        {"certificate_ids": [1, 2]},
    )
    assert message.headers["eta"] is None
    # nothing waits for a result: the job's row says how it went
    assert message.headers["ignore_result"] is True


def test_dispatch_after_a_countdown_carries_the_time(queue):
    before = timezone.now()
    assert jobs.dispatch(probe, countdown=60, x=1) is True
    eta = queue().headers["eta"]
    assert eta is not None
    from datetime import datetime

    delay = (datetime.fromisoformat(eta) - before).total_seconds()
    assert 55 < delay < 65


def test_dispatch_to_a_broker_that_is_away_says_so_and_logs_once(broker_down, caplog):
    with caplog.at_level(logging.WARNING, logger="core.jobs"), jobs.tracking() as refused:
        assert jobs.dispatch(probe, certificate_ids=[7]) is False
        assert jobs.dispatch(probe, certificate_ids=[8]) is False
    assert refused == ["tests.core.probe", "tests.core.probe"]
    [first, _second] = caplog.records
    assert first.getMessage() == (
        "could not queue tests.core.probe({'certificate_ids': [7]}); its sweeper will retry"
    )
    assert first.exc_info is not None  # the broker's error, for the operator


def test_dispatch_outside_tracking_only_returns_false(broker_down):
    assert jobs.dispatch(probe, x=1) is False
    with jobs.tracking() as refused:
        pass
    assert refused == []


def test_start_records_who_started_the_task_under_its_queued_id(db, queue, secretariat):
    task_id = jobs.start(probe, actor=secretariat.user, cycle_id=3)
    assert str(uuid.UUID(task_id)) == task_id
    message = queue()
    assert message.headers["id"] == task_id
    assert message.decode()[1] == {"cycle_id": 3}
    record = StartedTask.objects.get()
    assert (record.task_id, record.name, record.started_by) == (
        task_id,
        "tests.core.probe",
        secretariat.user,
    )
    assert jobs.task_visible(user=secretariat.user, task_id=task_id)


def test_start_with_the_broker_away_raises_and_records_nothing(db, broker_down, secretariat):
    with pytest.raises(Exception):  # noqa: B017, PT011 - whatever the broker raised
        jobs.start(probe, actor=secretariat.user, cycle_id=3)
    assert not StartedTask.objects.exists()


def test_a_task_is_visible_to_its_starter_and_not_to_others(db, supervisor, outsider):
    StartedTask.objects.create(task_id="t-1", name="x", started_by=supervisor.user)
    assert jobs.task_visible(user=supervisor.user, task_id="t-1")
    assert not jobs.task_visible(user=outsider.user, task_id="t-1")
    assert not jobs.task_visible(user=supervisor.user, task_id="t-2")
