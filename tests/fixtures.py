"""Shared pytest fixtures: a small organisation with named people.

Loaded by ``tests/conftest.py`` as a pytest plugin. Everyone has a login;
``outsider`` has one too but no role and nothing of their own, and must get
404 (or an empty list) from everything that is not theirs.

    KEM ─┬─ DIT (supervisor ── subordinate ── junior)
         └─ SET (secretariat, hr, outsider)
"""

import contextlib

import pytest
from rest_framework.test import APIClient


@pytest.fixture
def org(db):
    from tests.factories import OrgUnitFactory

    root = OrgUnitFactory(code="KEM", name="Kementerian")
    return {
        "root": root,
        "dit": OrgUnitFactory(code="DIT", name="Direktorat", parent=root),
        "set": OrgUnitFactory(code="SET", name="Sekretariat", parent=root),
    }


def _person(username, unit, supervisor=None, groups=()):
    from tests.factories import EmployeeFactory, UserFactory

    user = UserFactory(username=username, groups=list(groups))
    return EmployeeFactory(name=username.title(), org_unit=unit, supervisor=supervisor, user=user)


@pytest.fixture
def supervisor(org):
    return _person("supervisor", org["dit"])


@pytest.fixture
def subordinate(org, supervisor):
    return _person("subordinate", org["dit"], supervisor=supervisor)


@pytest.fixture
def junior(org, subordinate):
    """Reports to ``subordinate``: in ``supervisor``'s line indirectly."""
    return _person("junior", org["dit"], supervisor=subordinate)


@pytest.fixture
def secretariat(org):
    return _person("secretariat", org["set"], groups=["secretariat"])


@pytest.fixture
def hr(org):
    return _person("hr", org["set"], groups=["hr"])


@pytest.fixture
def outsider(org):
    return _person("outsider", org["set"])


@pytest.fixture
def api():
    """An English-speaking API client; ``api.as_(employee)`` logs in as that employee's user."""
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")

    def as_(employee):
        # A fresh user object, as each real request loads one: nothing cached
        # on it by an earlier request (roles, involvement) carries over.
        user = None
        if employee is not None:
            model = type(employee.user)
            fields = model._meta.concrete_fields
            user = model(**{f.attname: getattr(employee.user, f.attname) for f in fields})
        client.force_authenticate(user=user)
        return client

    client.as_ = as_
    return client


def start_celery_worker(
    *,
    name: str,
    queue: str | None = None,
    env: dict | None = None,
    pool: str = "solo",
    output=None,
    loglevel: str = "WARNING",
):
    """Start a real Celery worker process (solo pool, or ``prefork`` with one
    child as in production) on the test database and Redis, in its own
    process group; returns the ``Popen``. Callers stop it."""
    import os
    import subprocess
    import sys

    from django.conf import settings

    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "config",
        "worker",
        f"--pool={pool}",
        "--concurrency=1",
        "--without-mingle",
        "--without-gossip",
        f"--loglevel={loglevel}",
        f"--hostname={name}-{os.getpid()}@%h",
    ]
    if queue:
        command += ["-Q", queue]
    return subprocess.Popen(
        command,
        cwd=settings.BASE_DIR,
        start_new_session=True,
        preexec_fn=die_with_parent,  # noqa: PLW1509
        stdout=output,
        stderr=subprocess.STDOUT if output else None,
        env={
            **os.environ,
            "DATABASE_URL": database_url_for_processes(),
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            # Workers log through settings.LOGGING (django-guid's Celery
            # integration), whose level LOG_LEVEL sets.
            "LOG_LEVEL": loglevel,
            **(env or {}),
        },
    )


def database_url_for_processes() -> str:
    """The test database, as another process reaches it."""
    from django.db import connection

    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@contextlib.contextmanager
def running_worker(
    *, env: dict | None = None, queue: str | None = None, prefix: str = "test", **options
):
    """A real Celery worker process, started and answering a ping, stopped
    (warm shutdown) when the block ends."""
    import subprocess
    import time
    import uuid

    from config.celery import app

    name = f"{prefix}-{uuid.uuid4().hex[:8]}"
    worker = start_celery_worker(name=name, env=env, queue=queue, **options)
    try:
        deadline = time.monotonic() + 60
        while not any(
            host.startswith(f"{name}-") for reply in app.control.ping(timeout=0.5) for host in reply
        ):
            if worker.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the Celery worker did not start")
        yield worker
    finally:
        worker.terminate()  # warm shutdown: the job in hand finishes
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


@pytest.fixture
def celery_worker(django_db_setup):
    """A real Celery worker process on Redis, using the test database, for one
    test. A worker per test: a session-wide one would also take the jobs that
    other tests dispatch (racing the services they call directly) and keep
    their retries scheduled into later tests.

    Tests that use it need ``transactional_db`` so the worker sees their rows.
    """
    from config.celery import app

    app.control.purge()  # nothing left over from tests without a worker
    try:
        with running_worker() as worker:
            yield worker
    finally:
        app.control.purge()


# --- object storage ---------------------------------------------------------------


def _prctl():
    import ctypes

    return ctypes.CDLL(None, use_errno=True).prctl


_PRCTL = _prctl()  # looked up here: nothing is imported between fork and exec


def die_with_parent() -> None:
    """``preexec_fn`` for the long-lived processes tests start (servers,
    workers): Linux sends them SIGTERM when the test process ends, however it
    ends. A test run killed part way once left two Celery workers behind,
    and they took the next run's jobs off the shared test broker."""
    pr_set_pdeathsig, sigterm = 1, 15
    _PRCTL(pr_set_pdeathsig, sigterm)


def free_port() -> int:
    """A TCP port nothing listens on now, on 127.0.0.1."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def answering(process, url: str, *, what: str, seconds: float = 60):
    """Wait until ``url`` answers over HTTP (any status) and yield it; stop
    ``process`` when the block ends."""
    import time

    import httpx

    try:
        deadline = time.monotonic() + seconds
        while True:
            try:
                httpx.get(url, timeout=2)
                break
            except httpx.TransportError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"{what} did not start") from None
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture(scope="session")
def s3_server():
    """A real S3-API server (moto's standalone server) in its own process on a
    spare port, for the session; its endpoint URL."""
    import subprocess
    import sys

    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        preexec_fn=die_with_parent,  # noqa: PLW1509
    )
    with answering(server, f"http://127.0.0.1:{port}", what="the S3-API server") as url:
        yield url


@pytest.fixture
def object_storage(s3_server, settings, tmp_path):
    """Files go to a fresh bucket of the S3-API server, as configured by
    ``S3_*`` (see docs/configuration.md); ``MEDIA_ROOT`` is an empty folder
    that must stay empty. Yields ``(bucket, env)``: a boto3 Bucket to look
    into, and the environment that gives a worker process the same storage
    (with a local media folder of its own, as on another machine)."""
    import uuid

    import boto3

    from config.object_storage import s3_storage

    name = f"apresiasi-{uuid.uuid4().hex[:12]}"
    env = {
        "S3_BUCKET": name,
        "S3_ENDPOINT_URL": s3_server,
        "S3_REGION": "us-east-1",
        "S3_ACCESS_KEY_ID": "test",
        "S3_SECRET_ACCESS_KEY": "test",
    }
    bucket = boto3.resource(
        "s3",
        endpoint_url=s3_server,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    ).Bucket(name)
    bucket.create()
    settings.STORAGES = {**settings.STORAGES, "default": s3_storage(env)}
    settings.MEDIA_ROOT = tmp_path / "web-media"
    worker_media = tmp_path / "worker-media"
    yield bucket, {**env, "MEDIA_ROOT": str(worker_media)}
    assert not settings.MEDIA_ROOT.exists(), "a file was written to the local media folder"
    assert not worker_media.exists(), "the worker wrote to its local media folder"


@pytest.fixture(autouse=True)
def english():
    """Tests read messages in English; Indonesian (the default) has its own tests."""
    from django.utils import translation

    with translation.override("en"):
        yield


# --- the nomination workflow ------------------------------------------------------


@pytest.fixture
def committee_unit(org):
    from tests.factories import OrgUnitFactory

    return OrgUnitFactory(code="INS", name="Inspektorat", parent=org["root"])


@pytest.fixture
def reviewers(committee_unit):
    return [_person(f"reviewer{i}", committee_unit) for i in (1, 2, 3)]


@pytest.fixture
def chair(committee_unit):
    return _person("chair", committee_unit)


@pytest.fixture
def cycle(reviewers, chair):
    """A cycle taking nominations, with the default set-up and a committee of
    three reviewers (load cap 10) and a chair."""
    from nominations import services

    cycle = services.cycle_create(name="Anugerah Inovasi Uji")
    for reviewer in reviewers:
        services.committee_member_add(
            cycle=cycle,
            employee=reviewer,
            load_cap=10,
            expertise=cycle.categories.filter(code="technology"),
        )
    services.committee_member_add(cycle=cycle, employee=chair, is_chair=True)
    return services.cycle_set_phase(cycle_id=cycle.pk, phase="nominating")


@pytest.fixture
def eager_jobs():
    """Run Celery jobs in-process, as the embedded default does."""
    from config.celery import app

    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


@pytest.fixture(scope="session", autouse=True)
def content_types_of_this_database(django_db_setup):
    """Forget content type ids cached by an earlier test session in the same
    process (mutmut runs several): the history rows point at content types,
    and a reused or recreated test database numbers them anew."""
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()


@pytest.fixture(scope="session", autouse=True)
def signing_key(django_db_setup):
    """The development signing key at the test settings' path, made once for
    every test that may issue a certificate (not only those under
    ``tests/certificates``: the lifecycle tests issue some too)."""
    from django.conf import settings
    from django.core.management import call_command

    if not settings.CERTIFICATE_SIGNING_KEY.exists():
        call_command("init_signing_key")
    return settings.CERTIFICATE_SIGNING_KEY
