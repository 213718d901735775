"""A worker killed with SIGKILL in the middle of issuing a certificate."""

import os
import signal
import time

from certificates.models import Certificate
from certificates.tasks import issue_certificate
from config.celery import app
from tests.fixtures import start_celery_worker

QUEUE = "crash-test"


def start_worker():
    # Short limits so the broker re-delivers (visibility timeout = 4 × 3 s)
    # and the claim goes stale (2 × 3 s) within the test's patience.
    return start_celery_worker(
        name=f"crash-{time.monotonic_ns()}",
        queue=QUEUE,
        env={"CELERY_TASK_TIME_LIMIT": "3", "CELERY_TASK_SOFT_TIME_LIMIT": "2"},
    )


def test_a_killed_worker_leaves_one_certificate_issued_once(transactional_db, awarded):
    from nominations.models import Nomination

    Nomination.objects.filter(pk=awarded.pk).update(status="published")
    certificate = Certificate.objects.create(
        nomination=awarded, recipient=awarded.nominees.get().employee
    )
    app.control.purge()
    worker = start_worker()
    try:
        issue_certificate.apply_async(kwargs={"certificate_id": certificate.pk}, queue=QUEUE)
        deadline = time.monotonic() + 60
        while Certificate.objects.get(pk=certificate.pk).status != "working":
            assert time.monotonic() < deadline, "the worker never claimed the certificate"
            time.sleep(0.005)
        os.kill(worker.pid, signal.SIGKILL)  # mid-render: claimed, not yet issued
        worker.wait(timeout=10)
    finally:
        if worker.poll() is None:
            worker.kill()
    assert Certificate.objects.get(pk=certificate.pk).status == "working"

    worker = start_worker()  # a worker comes back
    try:
        deadline = time.monotonic() + 90
        while Certificate.objects.get(pk=certificate.pk).status != "issued":
            assert time.monotonic() < deadline, "the certificate was never issued"
            time.sleep(0.2)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    certificate.refresh_from_db()
    assert Certificate.objects.filter(nomination=awarded).count() == 1
    assert certificate.attempts == 2
    assert certificate.file.name.endswith(f"{certificate.verification_code}.pdf")
