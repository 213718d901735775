"""Operating the service: Prometheus metrics for the allowed networks only,
and every request's id in its response and its JSON logs."""

import io
import logging
import uuid

import pytest
from django.test import Client


def metric_lines(client=None, **extra) -> dict[str, float]:
    response = (client or Client()).get("/metrics", **extra)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    return {
        line.rsplit(" ", 1)[0]: float(line.rsplit(" ", 1)[1])
        for line in response.content.decode().splitlines()
        if line and not line.startswith("#")
    }


@pytest.mark.django_db
def test_metrics_answer_the_allowed_networks_only(settings):
    Client().get("/health")
    lines = metric_lines()
    assert (
        lines[
            'django_http_requests_latency_seconds_by_view_method_count{method="GET",view="health"}'
        ]
        >= 1
    )
    for queue in ("celery", "certificates", "webhooks", "mail"):
        assert f'apresiasi_celery_queue_messages{{queue="{queue}"}}' in lines
    assert lines['apresiasi_certificates{status="issued"}'] == 0
    outside = {"REMOTE_ADDR": "10.1.2.3"}
    assert Client().get("/metrics", **outside).status_code == 404
    settings.METRICS_ALLOWED_NETWORKS = ["10.0.0.0/8"]
    assert metric_lines(**outside)
    assert Client().get("/metrics").status_code == 404  # 127.0.0.1 is no longer allowed
    # Behind a trusted proxy, the client's own address counts, not the proxy's.
    settings.TRUSTED_PROXIES = ["10.9.9.9"]
    forwarded = {"REMOTE_ADDR": "10.9.9.9", "HTTP_X_FORWARDED_FOR": "203.0.113.7"}
    assert Client().get("/metrics", **forwarded).status_code == 404


@pytest.mark.django_db
def test_a_request_s_id_is_answered_and_on_its_log_records():
    (console,) = [h for h in logging.getLogger().handlers if h.filters]  # settings.LOGGING's
    stream = io.StringIO()
    before = console.setStream(stream)
    try:
        mine = uuid.uuid4().hex
        response = Client().get("/api/v1/nominations", HTTP_X_REQUEST_ID=mine)
        assert (response.status_code, response["X-Request-ID"]) == (401, mine)
        nonsense = Client().get("/api/v1/nominations", HTTP_X_REQUEST_ID="<script>")
        replaced = nonsense["X-Request-ID"]
        assert uuid.UUID(replaced).hex == replaced  # not taken: a new id
    finally:
        console.setStream(before)
    logged = stream.getvalue()
    assert f"WARNING [{mine}] django.request: Unauthorized: /api/v1/nominations" in logged
    assert f"[{replaced}]" in logged
    assert "<script>" not in logged


def test_a_request_keeps_its_id_across_a_job_run_inside_it(
    transactional_db, api, cycle, supervisor, subordinate, eager_jobs
):
    """The embedded default runs jobs inside the request (after its commit):
    the request's id is still the one answered (and logged) after the job."""
    from nominations.models import Nominee
    from tests.nominations.helpers import nomination

    draft = nomination(cycle, supervisor, [subordinate])
    mine = uuid.uuid4().hex
    response = api.as_(supervisor).post(
        f"/api/v1/nominations/{draft.pk}/submit", HTTP_X_REQUEST_ID=mine
    )
    assert response.status_code == 200
    # the nominees' e-mail job ran in the request
    assert Nominee.objects.get(nomination=draft).notified_at is not None
    assert response["X-Request-ID"] == mine
