"""Two machines' worth of processes against one PostgreSQL, Redis and object
store (a real S3-API server): two web processes (gunicorn) and two Celery
workers, each with a local media folder of its own that must stay empty.
Evidence uploaded through one web process is served by the other; a
publication of 200 awarded nominees is issued exactly once across both
workers, and every certificate downloads from either web process."""

import contextlib
import io
import os
import subprocess
import sys
import time

import httpx
import pytest
from django.conf import settings
from pypdf import PdfReader
from rest_framework.authtoken.models import Token

from certificates import signing
from certificates.models import Certificate
from config.celery import app
from tests.factories import EmployeeFactory
from tests.fixtures import (
    answering,
    database_url_for_processes,
    die_with_parent,
    free_port,
    running_worker,
)
from tests.nominations.helpers import PDF_BYTES, decided, move_to, nomination

AWARDED = 200


@contextlib.contextmanager
def web_process(env: dict, *, workers: int = 2):
    """gunicorn serving the app on a spare port, on the test database (or
    the ``DATABASE_URL`` of ``env``)."""
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        cwd=settings.BASE_DIR,
        start_new_session=True,
        preexec_fn=die_with_parent,  # noqa: PLW1509
        env={
            **os.environ,
            "DATABASE_URL": database_url_for_processes(),
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            **env,
        },
    )
    with answering(process, f"http://127.0.0.1:{port}", what="the web process") as url:
        yield url


def _nodes(stack, env, tmp_path, logs):
    """Web process and worker of machine "a" and of machine "b"."""
    webs = []
    for node in ("a", "b"):
        node_env = {**env, "MEDIA_ROOT": str(tmp_path / f"media-{node}")}
        webs.append(stack.enter_context(web_process(node_env)))
        log = stack.enter_context(open(logs[node], "w"))  # noqa: SIM115 (closed by the stack)
        stack.enter_context(
            running_worker(env=node_env, prefix=f"node-{node}", output=log, loglevel="INFO")
        )
    return webs


@pytest.mark.django_db(transaction=True)
def test_two_web_and_two_worker_processes_share_files_and_issue_each_certificate_once(
    object_storage, tmp_path, cycle, supervisor, secretariat, org
):
    bucket, env = object_storage
    people = EmployeeFactory.create_batch(AWARDED, org_unit=org["dit"], supervisor=supervisor)
    for person in people:
        decided(cycle, supervisor, [person], title=f"Inovasi {person.pk}")
    draft = nomination(cycle, supervisor, [people[0]], title="Dengan bukti")
    as_supervisor = {"Authorization": f"Token {Token.objects.create(user=supervisor.user)}"}
    as_secretariat = {"Authorization": f"Token {Token.objects.create(user=secretariat.user)}"}
    logs = {node: tmp_path / f"worker-{node}.log" for node in ("a", "b")}
    app.control.purge()

    with contextlib.ExitStack() as stack:
        web_a, web_b = _nodes(stack, env, tmp_path, logs)

        # Evidence uploaded through machine a, served by machine b.
        added = httpx.post(
            f"{web_a}/api/v1/nominations/{draft.pk}/evidence",
            files={"file": ("laporan.pdf", PDF_BYTES, "application/pdf")},
            headers=as_supervisor,
            timeout=30,
        )
        assert added.status_code == 201, added.text
        served = httpx.get(
            f"{web_b}/api/v1/nominations/{draft.pk}/evidence/{added.json()['id']}",
            headers=as_supervisor,
            timeout=30,
        )
        assert (served.status_code, served.content) == (200, PDF_BYTES)

        # The publication, through machine b; both workers issue.
        move_to(cycle, "deciding")
        published = httpx.post(
            f"{web_b}/api/v1/cycles/{cycle.pk}/publish", headers=as_secretariat, timeout=60
        )
        assert published.status_code == 200, published.text
        deadline = time.monotonic() + 300
        while Certificate.objects.filter(status="issued").count() < AWARDED:
            assert time.monotonic() < deadline, "not every certificate was issued"
            time.sleep(0.5)

        certificates = list(Certificate.objects.order_by("pk"))
        assert len(certificates) == AWARDED
        assert {c.attempts for c in certificates} == {1}  # each rendered once
        keys = sorted(o.key for o in bucket.objects.filter(Prefix="certificates/"))
        assert keys == sorted(c.file.name for c in certificates)  # no stray copy

        # Every certificate downloads, the same file, from either machine.
        with httpx.Client(headers=as_secretariat, timeout=30) as client:
            for certificate in certificates:
                path = f"/api/v1/certificates/{certificate.pk}/pdf"
                from_a, from_b = client.get(web_a + path), client.get(web_b + path)
                assert (from_a.status_code, from_b.status_code) == (200, 200)
                assert from_a.content == from_b.content
                assert from_a.content.startswith(b"%PDF")
        # The nominator's download: signed, the nominee's name on it.
        theirs = Certificate.objects.get(recipient=people[-1])
        own = httpx.get(f"{web_a}/api/v1/certificates/{theirs.pk}/pdf", headers=as_supervisor)
        assert own.status_code == 200
        assert signing.validate_pdf(own.content)
        assert people[-1].name in PdfReader(io.BytesIO(own.content)).pages[0].extract_text()

    # Both workers took part (each log names the batches it finished).
    done = {
        node: log.read_text().count("Task certificates.issue_batch[") for node, log in logs.items()
    }
    assert all(count >= 1 for count in done.values()), done
    for node in ("a", "b"):
        assert not (tmp_path / f"media-{node}").exists(), f"machine {node} wrote to its disk"
