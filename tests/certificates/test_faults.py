"""Faults survived: the broker going away, a worker's database connection
cut, workers stopped and killed mid-batch, poison messages.

Each test runs the production shape on real services: a prefork worker
with one child, no beat (recovery must not wait for it), its own
``redis-server`` on a spare port (never the shared one, which other tests
use), PostgreSQL, and a publication of ``COUNT`` certificates made through
the API. Each asserts what a secretariat would check afterwards: every
certificate issued exactly once, one file each and no stray file, and the
time it took to recover after the component came back.
"""

from __future__ import annotations

import contextlib
import functools
import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection

from certificates.models import Certificate
from config.celery import app
from nominations.models import Nomination
from tests.factories import EmployeeFactory
from tests.fixtures import start_celery_worker
from tests.nominations.helpers import decided, move_to

COUNT = 40
# The bound: every fault recovers in under a minute after the
# component returns (sweep interval + staleness + the rendering itself).
RECOVERY = 60


class OwnRedis:
    """A redis-server on a spare port that a test may stop and start."""

    def __init__(self, tmp: Path) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.dir = tmp
        self.process: subprocess.Popen | None = None
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.start()

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                *("redis-server", "--bind", "127.0.0.1", "--port", str(self.port)),
                *("--save", "", "--appendonly", "no", "--dir", str(self.dir)),
            ],
            stdout=subprocess.DEVNULL,
        )
        client = self.client()
        deadline = time.monotonic() + 10
        while True:
            with contextlib.suppress(redis.ConnectionError):
                if client.ping():
                    return
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()  # as a crash would: nothing saved
            self.process.wait()

    def client(self) -> redis.Redis:
        return redis.Redis(port=self.port, socket_timeout=2)


@pytest.fixture
def own_redis(tmp_path):
    server = OwnRedis(tmp_path)
    try:
        yield server
    finally:
        server.stop()


@contextlib.contextmanager
def publishing_to(url: str):
    """Point this process's dispatches at ``url`` (Celery caches its
    connection and producer pools: drop them so the next dispatch connects
    anew)."""

    def use(target: str) -> None:
        app.conf.broker_write_url = target
        app._pool = None
        app.amqp._producer_pool = None

    real = app.conf.broker_write_url
    use(url)
    try:
        yield
    finally:
        use(real)


class Worker:
    """A production-shaped worker (prefork, one child) on ``own_redis``."""

    def __init__(self, broker: OwnRedis, log: Path) -> None:
        self.broker = broker
        self.log = log
        self.process: subprocess.Popen | None = None

    def start(self) -> Worker:
        with self.log.open("ab") as output:
            self.process = start_celery_worker(
                name=f"fault-{time.monotonic_ns()}",
                pool="prefork",
                env={"CELERY_BROKER_URL": self.broker.url},
                output=output,
            )
        return self

    def wait_ready(self) -> None:
        """Until the worker answers a ping (its queues are declared then)."""
        deadline = time.monotonic() + 60
        with publishing_to(self.broker.url):
            while not app.control.ping(timeout=0.5):
                assert self.alive(), "the worker exited"
                assert time.monotonic() < deadline, "the worker did not start"

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def signal_group(self, sig: int) -> None:
        assert self.process is not None
        os.killpg(self.process.pid, sig)

    def stop(self) -> None:
        if self.alive():
            assert self.process is not None
            self.process.terminate()
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.signal_group(signal.SIGKILL)
                self.process.wait()

    def output(self) -> str:
        return self.log.read_text(errors="replace")


@pytest.fixture
def worker(own_redis, tmp_path):
    item = Worker(own_redis, tmp_path / "worker.log")
    try:
        yield item
    finally:
        item.stop()
        if item.process is not None:
            with contextlib.suppress(ProcessLookupError):
                item.signal_group(signal.SIGKILL)  # the pool's child, if orphaned


@pytest.fixture
def big_cycle(transactional_db, cycle, supervisor):
    """A cycle in deciding with ``COUNT`` nominations decided gold."""
    for n in range(COUNT):
        person = EmployeeFactory(
            name=f"Penerima {n}", org_unit=supervisor.org_unit, supervisor=supervisor
        )
        decided(cycle, supervisor, [person], title=f"Inovasi {n}")
    move_to(cycle, "deciding")
    return cycle


def publish(api, secretariat, cycle, broker: OwnRedis):
    with publishing_to(broker.url):
        started = time.monotonic()
        response = api.as_(secretariat).post(f"/api/v1/cycles/{cycle.pk}/publish")
        return response, time.monotonic() - started


def publish_and_wait_for_a_claim(api, secretariat, cycle, broker: OwnRedis):
    """Publish, then wait until a worker has claimed a batch (mid-batch is
    where the faults below strike); returns the publish answer."""
    response, _elapsed = publish(api, secretariat, cycle, broker)
    wait_until(lambda: Certificate.objects.filter(status="working").exists(), 60, "a batch claimed")
    return response


def wait_until(predicate, seconds: float, what: str) -> float:
    """Poll ``predicate``; return the seconds it took."""
    started = time.monotonic()
    while not predicate():
        assert time.monotonic() - started < seconds, f"{what}: not within {seconds} s"
        time.sleep(0.25)
    return time.monotonic() - started


def issued() -> int:
    return Certificate.objects.filter(status="issued").count()


def assert_issued_exactly_once(cycle) -> None:
    """One live certificate per nominee, every one issued, each with exactly
    one file on disk (no file left by a failed attempt)."""
    certificates = list(Certificate.objects.filter(nomination__cycle=cycle))
    nominees = Nomination.objects.filter(cycle=cycle).count()
    assert len(certificates) == nominees == COUNT
    assert {c.status for c in certificates} == {"issued"}
    assert len({c.nomination_id for c in certificates}) == COUNT
    media = Path(settings.MEDIA_ROOT)
    for certificate in certificates:
        files = list(media.glob(f"certificates/*/{certificate.verification_code}*.pdf"))
        assert [str(f.relative_to(media)) for f in files] == [certificate.file.name]


def terminate_other_backends() -> int:
    """Cut every other connection to the test database, as a failover or an
    administrator's pg_terminate_backend would."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


pytestmark = pytest.mark.celery_worker


def test_publishing_with_redis_down_answers_at_once_and_the_work_runs_when_it_returns(
    big_cycle, api, secretariat, own_redis, worker
):
    worker.start()
    own_redis.stop()
    response, elapsed = publish(api, secretariat, big_cycle, own_redis)
    assert response.status_code == 200, response.content
    assert elapsed < 2, f"publishing took {elapsed:.1f} s with Redis down"
    assert response.json()["phase"] == "published"
    assert response.json()["jobs"] == "deferred"
    assert "unreachable" in response.json()["jobs_message"]

    time.sleep(5)  # the outage goes on; nothing can move, no beat anywhere
    assert not Certificate.objects.exists()
    own_redis.start()
    took = wait_until(lambda: issued() == COUNT, RECOVERY, "certificates after Redis returned")
    print(f"recovered {COUNT} certificates {took:.1f} s after Redis returned")
    assert_issued_exactly_once(big_cycle)
    assert worker.alive()


def test_a_terminated_database_connection_mid_batch_is_retried_and_leaves_no_file(
    big_cycle, api, secretariat, own_redis, worker
):
    worker.start()
    response = publish_and_wait_for_a_claim(api, secretariat, big_cycle, own_redis)
    assert response.json()["jobs"] == "queued"
    assert terminate_other_backends() >= 1
    took = wait_until(lambda: issued() == COUNT, RECOVERY, "certificates after the cut")
    print(f"all {COUNT} issued {took:.1f} s after the connection was cut")
    assert_issued_exactly_once(big_cycle)
    assert not Certificate.objects.filter(status="failed").exists()
    assert worker.alive()


def test_a_worker_stopped_mid_batch_finishes_it_and_a_new_one_does_the_rest(
    big_cycle, api, secretariat, own_redis, worker
):
    worker.start()
    publish_and_wait_for_a_claim(api, secretariat, big_cycle, own_redis)
    assert worker.process is not None
    worker.process.terminate()  # a deploy stops the container (SIGTERM to its main process)
    worker.process.wait(timeout=90)
    # Warm shutdown: the batch in hand is finished, nothing is left half-done.
    assert not Certificate.objects.filter(status="working").exists()
    assert issued() >= 1

    worker.start()
    took = wait_until(lambda: issued() == COUNT, RECOVERY, "certificates after the restart")
    print(f"the rest issued {took:.1f} s after the new worker started")
    assert_issued_exactly_once(big_cycle)


def test_a_worker_killed_mid_batch_is_recovered_within_a_minute(
    big_cycle, api, secretariat, own_redis, worker
):
    worker.start()
    publish_and_wait_for_a_claim(api, secretariat, big_cycle, own_redis)
    worker.signal_group(signal.SIGKILL)  # the machine's OOM killer, say
    assert worker.process is not None
    worker.process.wait(timeout=10)
    assert Certificate.objects.filter(status="working").exists()  # claims left behind

    worker.start()
    # The broker would re-deliver the killed batch only after its visibility
    # timeout (12 minutes); the claims go stale in seconds instead.
    took = wait_until(lambda: issued() == COUNT, RECOVERY, "certificates after the kill")
    print(f"all {COUNT} issued {took:.1f} s after the new worker started")
    assert_issued_exactly_once(big_cycle)


def test_the_worker_survives_five_redis_restarts_while_jobs_flow(
    big_cycle, api, secretariat, own_redis, worker
):
    worker.start()
    publish(api, secretariat, big_cycle, own_redis)
    for _ in range(5):
        time.sleep(1.5)
        own_redis.stop()  # queued messages are lost with it (nothing persisted)
        time.sleep(1)
        own_redis.start()
        assert worker.alive(), worker.output()[-3000:]
    took = wait_until(lambda: issued() == COUNT, RECOVERY, "certificates after the restarts")
    print(f"all {COUNT} issued {took:.1f} s after the last restart")
    assert_issued_exactly_once(big_cycle)
    assert worker.alive()


def test_poison_messages_are_dropped_once_and_the_worker_goes_on(
    transactional_db, awarded, own_redis, worker
):
    from certificates import services

    gone = Certificate.objects.create(nomination=awarded, recipient=awarded.nominees.get().employee)
    gone_id = gone.pk
    gone.delete()
    worker.start().wait_ready()
    client = own_redis.client()
    with publishing_to(own_redis.url):
        send = functools.partial(app.send_task, ignore_result=True)
        send("certificates.issue", kwargs={"certificate_id": gone_id})
        send("certificates.issue", kwargs={"certificate_id": "not a number"})
        send("certificates.issue", kwargs={"no_such_argument": 1})
        send("no.such.task", kwargs={})
    client.lpush("celery", b"this is not JSON")
    client.lpush("celery", b'{"json": "but not a message"}')

    # A real job sent after the poison is still done.
    Nomination.objects.filter(pk=awarded.pk).update(status="published")
    good = services.certificates_create(awards=[(awarded.pk, gone.recipient_id)])
    with publishing_to(own_redis.url):
        services._dispatch(good)
    wait_until(lambda: issued() == 1, RECOVERY, "the good certificate")
    time.sleep(2)
    assert worker.alive()
    # Nothing waits for redelivery: the queue and the unacknowledged set are empty.
    assert client.llen("celery") == 0
    assert client.hlen("unacked") == 0
    # Log records (settings.LOGGING's format: "2026-12-04 10:00:00,000 WARNING …").
    records = [line for line in worker.output().splitlines() if line.startswith("20")]

    def logged(text: str) -> int:
        return sum(text in line for line in records)

    assert logged("dropped a message that is not JSON") == 1
    assert logged("dropped a message that is not a task message") == 1
    assert logged("certificate ids must be integers") == 1
    assert logged("unexpected keyword argument 'no_such_argument'") == 1
    assert logged("Received unregistered task of type 'no.such.task'") == 1
    # The deleted row is no error: there is nothing to issue.
    assert logged(f"certificate {gone_id}") == 0
    assert len(records) == 5, records
