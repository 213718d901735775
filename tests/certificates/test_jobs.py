"""Certificate jobs on a real Celery worker process on Redis."""

import datetime as dt
import io
import time

from django.utils import timezone
from pypdf import PdfReader

from certificates import signing
from certificates.models import Certificate
from config.celery import app
from core import events
from core.models import EventDelivery
from nominations import services as nominations


def wait_for(predicate, seconds=60):
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


def test_publication_to_downloaded_signed_pdf_on_a_worker(
    transactional_db, celery_worker, api, awarded, secretariat, subordinate
):
    # The whole path on the worker: the results-published event's handler
    # creates the certificate, whose issue job renders and signs it.
    nominations.cycle_publish(cycle_id=awarded.cycle_id, actor=secretariat.user)
    wait_for(Certificate.objects.exists)
    certificate = Certificate.objects.get()
    wait_for(lambda: Certificate.objects.get(pk=certificate.pk).status == "issued")
    certificate.refresh_from_db()
    response = api.as_(subordinate).get(f"/api/v1/certificates/{certificate.pk}/pdf")
    data = b"".join(response.streaming_content)
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    for expected in ("Subordinate", certificate.serial, certificate.grouped_code):
        assert expected in text
    assert signing.validate_pdf(data)
    assert certificate.attempts == 1


def test_broker_down_at_publication_delays_but_loses_nothing(
    transactional_db, celery_worker, awarded, secretariat
):
    real = app.conf.broker_write_url

    def use_broker(url):
        # Point the publishing side at another broker: drop Celery's cached
        # connection and producer pools so the next dispatch connects anew.
        app.conf.broker_write_url = url
        app._pool = None
        app.amqp._producer_pool = None

    use_broker("redis://127.0.0.1:1/0")  # nothing listens there
    try:
        started = time.monotonic()
        nominations.cycle_publish(cycle_id=awarded.cycle_id, actor=secretariat.user)
        elapsed = time.monotonic() - started
    finally:
        use_broker(real)
    assert elapsed < 5
    assert awarded.cycle.nominations.get().status == "published"
    time.sleep(1)
    # The event is recorded with the publication; nothing reached the worker.
    assert list(EventDelivery.objects.values_list("status", flat=True)) == ["pending", "pending"]
    assert not Certificate.objects.exists()
    EventDelivery.objects.update(updated_at=timezone.now() - dt.timedelta(minutes=5))
    assert events.sweep() == 2
    wait_for(lambda: Certificate.objects.filter(status="issued").count() == 1)
    wait_for(lambda: not EventDelivery.objects.exclude(status="done").exists())


def test_the_job_run_twice_issues_one_file(transactional_db, celery_worker, awarded, publish):
    from certificates.tasks import issue_certificate

    publish()
    certificate = Certificate.objects.get()
    wait_for(lambda: Certificate.objects.get(pk=certificate.pk).status == "issued")
    first = Certificate.objects.get().file.name
    assert issue_certificate.delay(certificate_id=certificate.pk).get(timeout=30) is False
    assert (Certificate.objects.count(), Certificate.objects.get().file.name) == (1, first)


def test_bulk_reissue_reports_progress_and_replaces_every_certificate(
    transactional_db, celery_worker, api, awarded, publish, secretariat, subordinate
):
    publish()
    old = Certificate.objects.get()
    wait_for(lambda: Certificate.objects.get(pk=old.pk).status == "issued")
    url = f"/api/v1/cycles/{awarded.cycle_id}/reissue-certificates"
    assert api.as_(subordinate).post(url, {"reason": "x"}).status_code == 404
    assert list(api.as_(secretariat).post(url, {"reason": " "}).json()["fields"]) == ["reason"]
    response = api.as_(secretariat).post(url, {"reason": "New template"})
    assert response.status_code == 202
    task = response.json()["id"]
    wait_for(lambda: api.get(f"/api/v1/tasks/{task}").json()["state"] == "SUCCESS")
    assert api.get(f"/api/v1/tasks/{task}").json()["result"] == {"reissued": 1}
    old.refresh_from_db()
    new = old.replaced_by
    assert (old.status, new.status, new.serial != old.serial) == ("revoked", "issued", True)


def test_a_publication_s_request_id_follows_its_jobs_into_the_worker_s_json_logs_and_metrics(
    transactional_db, api, awarded, secretariat, tmp_path
):
    import json
    import uuid

    from tests.core.test_observability import metric_lines
    from tests.fixtures import running_worker

    def succeeded() -> float:
        key = 'apresiasi_celery_tasks_total{outcome="succeeded",task="certificates.issue_batch"}'
        return metric_lines().get(key, 0)

    before = succeeded()
    mine = uuid.uuid4().hex
    app.control.purge()
    log = tmp_path / "worker.log"
    with (
        open(log, "w") as out,
        running_worker(env={"LOG_FORMAT": "json"}, output=out, loglevel="INFO"),
    ):
        response = api.as_(secretariat).post(
            f"/api/v1/cycles/{awarded.cycle_id}/publish", HTTP_X_REQUEST_ID=mine
        )
        assert (response.status_code, response["X-Request-ID"]) == (200, mine)
        wait_for(lambda: Certificate.objects.filter(status="issued").exists())
        wait_for(lambda: succeeded() == before + 1)
    records = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    issued = [
        r
        for r in records
        if "certificates.issue_batch" in r["message"] and "succeeded" in r["message"]
    ]
    # The event's job, then the certificates' job it queued, carry the id.
    assert [(r["level"], r["logger"], r["request_id"]) for r in issued] == [
        ("INFO", "celery.app.trace", mine)
    ]
    assert metric_lines()['apresiasi_certificates{status="issued"}'] == 1


def test_only_a_worker_that_renders_certificates_loads_the_renderer(transactional_db, tmp_path):
    """A webhook or mail worker (``-Q webhooks``) does not load WeasyPrint and
    the signing key into its processes; a certificates worker does, before
    its first job."""
    from contextlib import ExitStack

    from tests.fixtures import running_worker

    logs = {queue: tmp_path / f"{queue}.log" for queue in ("webhooks", "certificates")}
    try:
        with ExitStack() as stack:
            # The webhook worker starts first: by the time the certificates
            # worker's process is ready, the webhook one's would have been.
            for queue, log in logs.items():
                out = stack.enter_context(open(log, "w"))
                stack.enter_context(
                    running_worker(queue=queue, pool="prefork", output=out, loglevel="INFO")
                )
            wait_for(lambda: "certificate renderer ready" in logs["certificates"].read_text())
    finally:
        app.control.purge()  # the sweepers they queued for the `celery` queue
    assert "certificate renderer ready" not in logs["webhooks"].read_text()
