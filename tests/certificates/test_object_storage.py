"""Certificates in S3-compatible object storage (a real S3-API server): a
worker process with a local media folder of its own (as on another machine)
issues the certificate into the bucket; the web process downloads it from
there, signed."""

import io
import time

from pypdf import PdfReader

from certificates import signing
from certificates.models import Certificate
from config.celery import app
from nominations import services as nominations
from tests.fixtures import running_worker


def test_a_certificate_a_worker_issues_into_the_bucket_downloads_from_the_web_process(
    transactional_db, object_storage, api, awarded, secretariat, subordinate
):
    bucket, env = object_storage
    app.control.purge()
    with running_worker(env=env):
        nominations.cycle_publish(cycle_id=awarded.cycle_id, actor=secretariat.user)
        deadline = time.monotonic() + 60
        while not Certificate.objects.filter(status="issued").exists():
            assert time.monotonic() < deadline, "not issued"
            time.sleep(0.2)
    certificate = Certificate.objects.get()
    (stored,) = bucket.objects.all()
    assert stored.key == certificate.file.name
    assert stored.key.startswith("certificates/")
    response = api.as_(subordinate).get(f"/api/v1/certificates/{certificate.pk}/pdf")
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    assert certificate.serial in PdfReader(io.BytesIO(data)).pages[0].extract_text()
    assert signing.validate_pdf(data)
