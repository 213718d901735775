import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from pypdf import PdfReader

from certificates import rendering, services, signing
from certificates.events import create_certificates
from certificates.models import Certificate, normalize_code
from certificates.selectors import certificates_for_rendering
from core import lifecycle
from core.errors import NotFoundError
from core.models import OutboxEvent
from nominations.events import ResultsPublished
from people.models import Employee
from tests.concurrency import together
from tests.nominations.helpers import decided, move_to, publish_results

HOSTILE = [
    '<img src="file:///etc/passwd">',
    "<link rel=stylesheet href=http://127.0.0.1:6379/>",
    "</style><style>@page{size:9999in}",
]


def pdf_text(data: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def scanned_qr_codes(data: bytes, tmp_path) -> list[str]:
    """What a phone reads from the printed page: poppler renders it at
    100 dpi, zxing-cpp decodes the QR codes on it."""
    import subprocess

    import zxingcpp
    from PIL import Image

    (tmp_path / "c.pdf").write_bytes(data)
    subprocess.run(
        ["pdftoppm", "-r", "100", "-png", "-singlefile", "c.pdf", "c"], cwd=tmp_path, check=True
    )
    return [code.text for code in zxingcpp.read_barcodes(Image.open(tmp_path / "c.png"))]


def test_publication_creates_one_pending_certificate_per_awarded_nominee(
    awarded, supervisor, junior, cycle, publish, django_capture_on_commit_callbacks
):
    # Decided without an award: no certificate for junior.
    decided(cycle, supervisor, [junior], level=None, title="Arsip digital")
    with django_capture_on_commit_callbacks() as callbacks:
        publish()
    [certificate] = Certificate.objects.all()
    assert (certificate.status, certificate.recipient.name) == ("pending", "Subordinate")
    assert len(callbacks) >= 1  # dispatch waits for the commit
    # The event handled again (a job that runs twice) creates nothing twice.
    event = OutboxEvent.objects.get()
    create_certificates(ResultsPublished.from_payload(event.payload))
    assert Certificate.objects.count() == 1


def test_serial_and_code(awarded, publish):
    publish()
    certificate = Certificate.objects.get()
    assert certificate.serial == f"APR/{certificate.created_at.year}/{certificate.pk:06d}"
    assert len(certificate.verification_code) == 20  # 100 bits of base-32
    assert certificate.grouped_code.count("-") == 4
    assert normalize_code(certificate.grouped_code.lower()) == certificate.verification_code


def test_issued_pdf_holds_the_text_and_a_valid_signature(awarded, publish):
    publish()
    certificate = Certificate.objects.get()
    assert services.certificate_issue(certificate_id=certificate.pk) is True
    certificate.refresh_from_db()
    data = certificate.file.read()
    text = pdf_text(data)
    for expected in (
        "Subordinate",
        certificate.serial,
        certificate.grouped_code,
        "PIAGAM PENGHARGAAN",
        "Penghargaan Utama",
        awarded.title,
    ):
        assert expected in text
    assert signing.validate_pdf(data) is True
    tampered = bytearray(data)
    tampered[len(data) // 3] ^= 0x01  # one bit inside the signed byte range
    assert signing.validate_pdf(bytes(tampered)) is False
    assert services.certificate_issue(certificate_id=certificate.pk) is False  # already done


@pytest.mark.parametrize("hostile", HOSTILE)
def test_user_text_is_printed_literally_and_never_fetched(awarded, publish, hostile, monkeypatch):
    Employee.objects.filter(pk=awarded.nominees.get().employee_id).update(name=hostile)
    type(awarded).objects.filter(pk=awarded.pk).update(title=hostile)
    publish()
    asked = []
    fetcher = rendering.asset_fetcher()
    real = fetcher.fetch

    def recording(url, *args, **kwargs):
        asked.append(url)
        return real(url, *args, **kwargs)

    monkeypatch.setattr(fetcher, "fetch", recording)
    certificate = certificates_for_rendering().get()
    pdf = rendering.render_certificate(certificate)
    assert hostile in " ".join(pdf_text(pdf).split())
    assert set(asked) <= {"asset:logo.svg"}  # the logo at most (images are cached)
    assert PdfReader(io.BytesIO(pdf)).pages[0].mediabox.width == pytest.approx(841.89, abs=1)


@pytest.fixture
def team_certificates(supervisor, subordinate, junior, cycle, publish) -> list[int]:
    """A team of two awarded silver and published: two pending certificates."""

    decided(cycle, supervisor, [subordinate, junior], level="silver", category="service-team")
    move_to(cycle, "deciding")
    publish()
    return list(Certificate.objects.order_by("pk").values_list("pk", flat=True))


def test_a_job_claims_fails_and_releases_only_its_own_certificates(awarded, team_certificates):
    first, second, third = team_certificates  # the gold one and the team's two
    assert services.certificates_claim(certificate_ids=[first]) == [first]
    assert set(
        Certificate.objects.filter(pk__in=[second, third]).values_list("status", flat=True)
    ) == {"pending"}  # not asked for
    assert services.certificates_claim(certificate_ids=[second, third]) == [second, third]
    error = "Pango: " + "x" * 6000
    services.certificate_fail(certificate_id=first, error=error)
    failed = Certificate.objects.get(pk=first)
    assert (failed.status, failed.error) == ("failed", error[:5000])
    assert [h.reason for h in lifecycle.history(failed)][-1] == error[:500]
    services.certificate_release(certificate_id=second)
    released = Certificate.objects.get(pk=second)
    assert released.status == "pending"
    assert [h.reason for h in lifecycle.history(released)][-1] == "transient error; retried"
    # the others' jobs still hold them
    assert Certificate.objects.get(pk=third).status == "working"
    assert Certificate.objects.get(pk=first).status == "failed"


def test_issue_jobs_are_queued_in_batches_of_twenty(db):
    """Each id once, in order, twenty to a job, on the certificates queue: read
    back from the broker's queue in Redis (no worker runs here to take them)."""
    import base64
    import json

    import redis

    from certificates.tasks import issue_certificates
    from config.celery import app

    broker = redis.Redis.from_url(app.conf.broker_write_url or app.conf.broker_url)

    def queued() -> list[list[int]]:
        batches = []
        for raw in broker.lrange("certificates", 0, -1):
            message = json.loads(raw)
            if message["headers"]["task"] == issue_certificates.name:
                _args, kwargs, _embed = json.loads(base64.b64decode(message["body"]))
                batches.append(kwargs["certificate_ids"])
        return batches

    broker.delete("certificates")
    try:
        services._dispatch(list(range(1, 46)))
        # Redis lists are pushed at the head: the first batch is read last.
        assert sorted(queued()) == [list(range(1, 21)), list(range(21, 41)), list(range(41, 46))]
        broker.delete("certificates")
        services._dispatch([7])
        assert queued() == [[7]]
    finally:
        broker.delete("certificates")


def test_two_jobs_at_once_issue_once(transactional_db, awarded, publish):
    publish()
    certificate = Certificate.objects.get()
    claim = lambda: services.certificate_claim(certificate_id=certificate.pk)  # noqa: E731
    results = together(claim, claim)
    assert sorted(results) == [False, True]


def test_two_batch_jobs_at_once_share_the_work_and_issue_each_certificate_once(
    transactional_db, team_certificates
):
    batch = lambda: services.certificates_issue_batch(certificate_ids=team_certificates)  # noqa: E731
    results = together(batch, batch)
    assert sum(results) == 2
    rows = Certificate.objects.values_list("status", "attempts")
    assert sorted(rows) == [("issued", 1), ("issued", 1)]  # each rendered by one job


def test_download_and_verification(
    api, awarded, publish, supervisor, subordinate, secretariat, outsider, reviewers
):
    publish()
    certificate = Certificate.objects.get()
    services.certificate_issue(certificate_id=certificate.pk)
    url = f"/api/v1/certificates/{certificate.pk}/pdf"
    for person in (subordinate, supervisor, secretariat):
        response = api.as_(person).get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
    for person in (outsider, reviewers[0]):
        assert api.as_(person).get(url).status_code == 404
    assert api.as_(outsider).get("/api/v1/certificates").json()["count"] == 0
    mine = api.as_(subordinate).get("/api/v1/certificates").json()["results"]
    assert [c["serial"] for c in mine] == [certificate.serial]
    cycle = awarded.cycle_id
    assert api.as_(secretariat).get("/api/v1/certificates", {"cycle": cycle}).json()["count"] == 1
    assert (
        api.as_(secretariat).get("/api/v1/certificates", {"cycle": cycle + 1}).json()["count"] == 0
    )

    api.as_(None)
    body = api.get(f"/api/v1/verify/{certificate.grouped_code.lower()}").json()
    certificate.refresh_from_db()
    assert body == {
        "status": "valid",
        "recipient_name": "Subordinate",
        "award": "Penghargaan Utama",
        "cycle": awarded.cycle.name,
        "issued_on": timezone.localdate(certificate.issued_at).isoformat(),
        "serial": certificate.serial,
        "sha256": certificate.sha256,
        "revoked_on": None,
    }
    assert api.get("/api/v1/verify/AAAA-BBBB").status_code == 404
    page = api.get(f"/verify/{certificate.grouped_code}")
    assert "This certificate is valid." in page.content.decode() or "sah" in page.content.decode()

    upload = io.BytesIO(certificate.file.read())
    upload.name = "c.pdf"
    body = api.post("/api/v1/verify", {"file": upload}, format="multipart").json()
    assert (body["matches"], body["signature_valid"], body["status"]) == (True, True, "valid")
    tampered = io.BytesIO(b"%PDF-1.4 not ours")
    tampered.name = "x.pdf"
    body = api.post("/api/v1/verify", {"file": tampered}, format="multipart").json()
    assert (body["matches"], body["signature_valid"]) == (False, False)


def test_revoked_certificates_verify_as_revoked_and_reissue_gets_a_new_serial(
    api, awarded, publish, secretariat, subordinate, django_capture_on_commit_callbacks
):
    publish()
    old = Certificate.objects.get()
    services.certificate_issue(certificate_id=old.pk)
    assert (
        api.as_(subordinate)
        .post(f"/api/v1/certificates/{old.pk}/revoke", {"reason": "x"})
        .status_code
        == 404
    )
    response = api.as_(secretariat).post(
        f"/api/v1/certificates/{old.pk}/reissue", {"reason": "Corrected name"}
    )
    assert response.status_code == 201
    new = Certificate.objects.get(pk=response.json()["id"])
    assert new.serial != old.serial
    api.as_(None)
    body = api.get(f"/api/v1/verify/{old.verification_code}").json()
    assert (body["status"], body["revoked_on"] is not None) == ("revoked", True)
    response = api.as_(secretariat).post(f"/api/v1/certificates/{new.pk}/revoke", {"reason": ""})
    assert list(response.json()["fields"]) == ["reason"]


def test_the_history_says_who_revoked_a_certificate_and_why(
    api, awarded, publish, secretariat, subordinate, outsider
):
    publish()
    certificate = Certificate.objects.get()
    services.certificate_issue(certificate_id=certificate.pk)
    api.as_(secretariat).post(
        f"/api/v1/certificates/{certificate.pk}/revoke", {"reason": "Wrong unit"}
    )
    rows = api.as_(secretariat).get(f"/api/v1/certificates/{certificate.pk}/history").json()
    assert [
        (r["from_state"], r["to_state"], r["actor"] and r["actor"]["username"], r["reason"])
        for r in rows["results"]
    ] == [
        ("pending", "working", None, ""),
        ("working", "issued", None, ""),
        ("issued", "revoked", "secretariat", "Wrong unit"),
    ]
    # The recipient sees the certificate, not its audit trail; others not even that.
    for person in (subordinate, outsider):
        url = f"/api/v1/certificates/{certificate.pk}/history"
        assert api.as_(person).get(url).status_code == 404


def test_a_certificate_that_keeps_failing_is_marked_failed_with_its_error(
    awarded, publish, settings, eager_jobs
):
    from certificates import signing as signing_module
    from certificates.tasks import issue_certificate

    publish()
    certificate = Certificate.objects.get()
    settings.CERTIFICATE_SIGNING_KEY = settings.BASE_DIR / "var" / "no-such-key.p12"
    signing_module._signer.cache_clear()
    try:
        issue_certificate.apply(
            kwargs={"certificate_id": certificate.pk}, retries=issue_certificate.max_retries
        )
    finally:
        signing_module._signer.cache_clear()
    certificate.refresh_from_db()
    assert certificate.status == "failed"
    assert "no-such-key.p12" in certificate.error


def test_a_team_is_issued_in_one_batch_each_pdf_with_only_its_own_name(team_certificates):
    ids = team_certificates
    assert services.certificates_issue_batch(certificate_ids=ids) == 2
    assert services.certificates_issue_batch(certificate_ids=ids) == 0  # nothing twice
    for certificate in Certificate.objects.select_related("recipient"):
        data = certificate.file.read()
        text = pdf_text(data)
        other = "Junior" if certificate.recipient.name == "Subordinate" else "Subordinate"
        assert (certificate.recipient.name in text, other in text) == (True, False)
        reader = PdfReader(io.BytesIO(data))
        assert len(reader.pages) == 1
        assert reader.metadata.title == certificate.serial  # not the batch's first serial
        assert signing.validate_pdf(data)


def test_each_certificates_qr_code_opens_its_own_verification_page(team_certificates, tmp_path):
    """A batch is laid out as one document and its QR codes drawn in after
    the layout: each file carries its own, where the template placed it."""
    assert services.certificates_issue_batch(certificate_ids=team_certificates) == 2
    for certificate in Certificate.objects.all():
        url = rendering.verify_url(certificate)
        assert url.endswith(f"/verify/{certificate.grouped_code}")
        assert scanned_qr_codes(certificate.file.read(), tmp_path) == [url]


def test_a_certificate_without_a_place_for_its_qr_code_is_not_issued_without_it(
    awarded, publish, settings, tmp_path
):
    publish()
    certificate = certificates_for_rendering().get()
    page = tmp_path / "certificates" / "_page.html"
    page.parent.mkdir()
    page.write_text("<p>{{ c.name }}</p>")
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [tmp_path, *engine["DIRS"]]}]
    with pytest.raises(ValueError, match=r"no \.qr box"):
        rendering.render_certificate(certificate)


def test_a_signed_certificate_is_valid_for_poppler(awarded, publish, tmp_path):
    import subprocess

    publish()
    certificate = Certificate.objects.get()
    services.certificate_issue(certificate_id=certificate.pk)
    certificate.refresh_from_db()
    (tmp_path / "c.pdf").write_bytes(certificate.file.read())
    report = subprocess.run(
        ["pdfsig", "c.pdf"], cwd=tmp_path, capture_output=True, text=True, check=False
    ).stdout
    assert "Signature Validation: Signature is Valid." in report
    assert "Total document signed" in report
    assert "Signature Type: ETSI.CAdES.detached" in report


@pytest.mark.parametrize("digest", ["sha256", "sha512"])
def test_signing_puts_in_pyhankos_own_structures(digest):
    """The signer keeps pyHanko's signed attributes and signer info encoded
    and only puts in the document's digest and the signature: the bytes are
    the ones pyHanko makes, for every digest, the second time too."""
    import asyncio
    import hashlib
    from concurrent.futures import ThreadPoolExecutor

    from pyhanko.sign.signers import SimpleSigner
    from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes

    def run(coroutine):  # in a thread of its own: a browser test may leave a loop running here
        with ThreadPoolExecutor(1) as thread:
            return thread.submit(asyncio.run, coroutine).result()

    signer = signing._signer()
    for text in (b"first document", b"second document"):
        data_digest = hashlib.new(digest, text).digest()
        ours = run(signer.signed_attrs(data_digest, digest, use_pades=True))
        theirs = run(SimpleSigner.signed_attrs(signer, data_digest, digest, use_pades=True))
        assert ours.dump() == theirs.dump()
        signature = hashlib.sha256(text).digest() * 8
        assert (
            signer.signer_info(digest, ours, signature).dump()
            == SimpleSigner.signer_info(signer, digest, theirs, signature).dump()
        )
    # A plain CMS signature carries its signing time: pyHanko's own path.
    timed = PdfCMSSignedAttributes(signing_time=dt.datetime(2026, 12, 1, tzinfo=dt.UTC))
    ours = run(signer.signed_attrs(data_digest, digest, attr_settings=timed))
    theirs = run(SimpleSigner.signed_attrs(signer, data_digest, digest, attr_settings=timed))
    assert ours.dump() == theirs.dump()
    assert "signing_time" in [attribute["type"].native for attribute in ours]


def test_a_worker_process_loads_what_certificates_need_before_its_first_job():
    import gc

    from certificates import worker

    rendering._resources.cache_clear()
    signing._signer.cache_clear()
    frozen = gc.get_freeze_count()
    try:
        worker.prepare_process()
        assert rendering._resources.cache_info().currsize == 1
        assert signing._signer.cache_info().currsize == 1
        assert gc.get_freeze_count() > frozen  # out of the collector's way
    finally:
        gc.unfreeze()


def test_verification_is_rate_limited(api, monkeypatch, db):
    from django.core.cache import cache

    from certificates.throttles import VerifyThrottle

    monkeypatch.setattr(VerifyThrottle, "rate", "2/min", raising=False)
    cache.clear()
    try:
        codes = [api.get("/api/v1/verify/AAAA-BBBB-CCCC").status_code for _ in range(3)]
    finally:
        cache.clear()
    assert codes == [404, 404, 429]


def test_a_certificate_revoked_while_it_renders_keeps_no_file(
    awarded, publish, secretariat, monkeypatch
):
    publish()
    certificate = Certificate.objects.get()
    real_sign = signing.sign_pdf

    def revoked_meanwhile(pdf):
        # The secretariat revokes it while the job renders and signs.
        services.certificate_revoke(
            certificate_id=certificate.pk, actor=secretariat.user, reason="Wrong name"
        )
        return real_sign(pdf)

    monkeypatch.setattr(signing, "sign_pdf", revoked_meanwhile)
    assert services.certificate_issue(certificate_id=certificate.pk) is False
    certificate.refresh_from_db()
    assert (certificate.status, certificate.file.name, certificate.issued_at) == (
        "revoked",
        "",
        None,
    )
    stored = f"certificates/{certificate.created_at:%Y}/{certificate.verification_code}.pdf"
    assert not certificate.file.storage.exists(stored)  # the rendered file was removed


def test_a_batch_that_cannot_be_laid_out_is_issued_one_by_one(team_certificates, monkeypatch):
    from core.lifecycle import history

    real = rendering.render_certificates

    def broken(certificates):
        if len(certificates) > 1:  # the batch fails; one page at a time works
            raise ValueError("layout")
        return real(certificates)

    monkeypatch.setattr(rendering, "render_certificates", broken)
    assert services.certificates_issue_batch(certificate_ids=team_certificates) == 2
    for certificate in Certificate.objects.filter(pk__in=team_certificates):
        assert (certificate.status, certificate.attempts) == ("issued", 2)
        assert certificate.file.name
        assert [(h.from_state, h.to_state, h.reason) for h in history(certificate)] == [
            ("pending", "working", ""),
            ("working", "pending", "batch layout failed"),
            ("pending", "working", ""),
            ("working", "issued", ""),
        ]


def test_a_batch_touches_only_its_own_certificates_even_when_it_falls_back(
    awarded, team_certificates, monkeypatch
):
    gold, *team = team_certificates
    assert services.certificate_claim(certificate_id=gold)  # another job holds it
    real = rendering.render_certificates

    def broken(certificates):
        if len(certificates) > 1:  # the batch fails; one page at a time works
            raise ValueError("layout")
        return real(certificates)

    monkeypatch.setattr(rendering, "render_certificates", broken)
    assert services.certificates_issue_batch(certificate_ids=team) == 2
    # the batch released and re-issued its own claims, not the other job's
    assert Certificate.objects.get(pk=gold).status == "working"
    assert set(Certificate.objects.filter(pk__in=team).values_list("status", flat=True)) == {
        "issued"
    }


def test_a_batch_claims_only_what_it_is_given(team_certificates):
    first, second = team_certificates
    assert services.certificates_issue_batch(certificate_ids=[first]) == 1
    assert Certificate.objects.get(pk=second).status == "pending"


def test_only_the_secretariat_reissues_and_the_replacement_is_issued_after_commit(
    api, awarded, publish, secretariat, subordinate, eager_jobs, django_capture_on_commit_callbacks
):
    publish()
    old = Certificate.objects.get()
    services.certificate_issue(certificate_id=old.pk)
    url = f"/api/v1/certificates/{old.pk}/reissue"
    assert api.as_(subordinate).post(url, {"reason": "Mine"}).status_code == 404
    assert Certificate.objects.get(pk=old.pk).status == "issued"
    with django_capture_on_commit_callbacks(execute=True):
        response = api.as_(secretariat).post(url, {"reason": "Corrected name"})
    new = Certificate.objects.get(pk=response.json()["id"])
    assert (new.replaces_id, new.status) == (old.pk, "issued")  # its job ran after the commit
    again = api.as_(secretariat).post(url, {"reason": "Again"})
    assert (again.status_code, again.json()["message"]) == (
        409,
        "This certificate is already revoked.",
    )


def test_reissuing_a_cycle_revokes_every_issued_certificate_and_makes_replacements(
    awarded, publish, secretariat, subordinate
):
    publish()
    old = Certificate.objects.get()
    services.certificate_issue(certificate_id=old.pk)
    with pytest.raises(NotFoundError):
        services.certificates_reissue_for_cycle(
            cycle_id=awarded.cycle_id, actor=subordinate.user, reason="x"
        )
    with pytest.raises(ValidationError):
        services.certificates_reissue_for_cycle(
            cycle_id=awarded.cycle_id, actor=secretariat.user, reason=" "
        )
    assert Certificate.objects.get(pk=old.pk).status == "issued"
    [new_id] = services.certificates_reissue_for_cycle(
        cycle_id=awarded.cycle_id, actor=secretariat.user, reason="New template"
    )
    old.refresh_from_db()
    new = Certificate.objects.get(pk=new_id)
    assert (old.status, old.revoked_reason, old.revoked_at is not None) == (
        "revoked",
        "New template",
        True,
    )
    assert (new.status, new.replaces_id, new.recipient_id) == ("pending", old.pk, subordinate.pk)


def test_the_sweeper_queues_a_certificate_whose_job_was_lost(awarded, publish, eager_jobs):
    from certificates.workflow import ISSUING

    publish()
    certificate = Certificate.objects.get()
    assert services.certificates_sweep() == 0  # just created: its job may still come
    Certificate.objects.filter(pk=certificate.pk).update(
        updated_at=timezone.now() - ISSUING.grace - dt.timedelta(seconds=1)
    )
    assert services.certificates_sweep() == 1
    assert Certificate.objects.get(pk=certificate.pk).status == "issued"  # run here, eagerly


def test_a_revoked_certificate_is_not_served_to_its_recipient_as_if_valid(
    api, awarded, publish, secretariat, subordinate, supervisor
):
    """Chosen: refuse (410 with the reason), not a stamped copy. The
    secretariat can still download it, for the record."""
    publish()
    certificate = Certificate.objects.get()
    services.certificate_issue(certificate_id=certificate.pk)
    url = f"/api/v1/certificates/{certificate.pk}/pdf"
    assert api.as_(subordinate).get(url).status_code == 200
    api.as_(secretariat).post(
        f"/api/v1/certificates/{certificate.pk}/revoke", {"reason": "Wrong unit"}
    )
    for person in (subordinate, supervisor):
        response = api.as_(person).get(url)
        assert response.status_code == 410
        assert response.json()["code"] == "gone"
        assert response.json()["message"].endswith(": Wrong unit")
    assert api.as_(secretariat).get(url).status_code == 200
    # The recipient's page says it was revoked, and offers no download.
    from django.test import Client

    web = Client(HTTP_ACCEPT_LANGUAGE="en")
    web.force_login(subordinate.user)
    page = web.get("/my/certificates").content.decode()
    assert "Revoked: Wrong unit" in page
    assert url not in page


def test_verification_needs_only_the_public_certificate(awarded, publish, settings, tmp_path):
    """The web service checks signatures with the certificate alone; the
    private key (and its passphrase) stay with the worker that signs."""
    from cryptography.hazmat.primitives.serialization import Encoding, pkcs12

    from certificates import signing

    publish()
    certificate = Certificate.objects.get()
    services.certificate_issue(certificate_id=certificate.pk)
    certificate.refresh_from_db()
    with certificate.file.open("rb") as handle:
        pdf = handle.read()
    _key, cert, _chain = pkcs12.load_key_and_certificates(
        settings.CERTIFICATE_SIGNING_KEY.read_bytes(),
        settings.CERTIFICATE_SIGNING_PASSPHRASE.encode(),
    )
    pem = tmp_path / "signing.pem"
    pem.write_bytes(cert.public_bytes(Encoding.PEM))
    settings.CERTIFICATE_SIGNING_CERT = str(pem)
    settings.CERTIFICATE_SIGNING_KEY = tmp_path / "absent.p12"
    settings.CERTIFICATE_SIGNING_PASSPHRASE = ""
    assert signing.validate_pdf(pdf) is True
    assert signing.validate_pdf(pdf[:-200] + b" " * 200) is False


def test_a_broken_database_connection_mid_batch_is_retried_not_failed(
    transactional_db,
    supervisor,
    subordinate,
    junior,
    cycle,
    secretariat,
    eager_jobs,
    monkeypatch,
):
    """The worker's connection is terminated mid-batch (OperationalError):
    the batch is retried on a new connection and every certificate is issued
    once; none is marked failed."""
    from django.db import OperationalError

    from certificates import services as certificate_services
    from certificates.tasks import issue_certificates

    decided(cycle, supervisor, [subordinate, junior], level="silver", category="service-team")
    move_to(cycle, "deciding")
    publish_results(cycle, secretariat)
    ids = list(Certificate.objects.order_by("pk").values_list("pk", flat=True))
    real = certificate_services.certificates_issue_batch
    calls = []

    def broken_once(**kwargs):
        calls.append(kwargs)
        if len(calls) == 1:
            raise OperationalError("terminating connection due to administrator command")
        return real(**kwargs)

    monkeypatch.setattr(certificate_services, "certificates_issue_batch", broken_once)
    # Run eagerly, Celery performs the retry at once (no countdown).
    issue_certificates.apply(kwargs={"certificate_ids": ids}, throw=False)
    assert len(calls) == 2
    assert sorted(Certificate.objects.values_list("status", flat=True)) == ["issued", "issued"]
    assert Certificate.objects.filter(file="").count() == 0


def test_a_store_cut_off_by_the_database_leaves_no_file(
    transactional_db, awarded, publish, settings
):
    """The files are written, then the connection dies before the rows say
    so (a real pg_terminate_backend of this process's own connection): the
    files are removed, and the certificate stays for the retry."""
    import psycopg
    from django.db import OperationalError

    publish()
    certificate = Certificate.objects.get()
    services.certificate_claim(certificate_id=certificate.pk)
    certificate = certificates_for_rendering().get(pk=certificate.pk)
    pdf = signing.sign_pdf(rendering.render_certificate(certificate))
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        [pid] = cursor.fetchone()
    db = connection.settings_dict
    with psycopg.connect(host=db["HOST"], port=db["PORT"], user=db["USER"], dbname="postgres") as c:
        c.execute("SELECT pg_terminate_backend(%s)", [pid])
    with pytest.raises(OperationalError):
        services._store([(certificate, pdf)])
    media = settings.MEDIA_ROOT
    assert not list(media.glob(f"certificates/*/{certificate.verification_code}*.pdf"))
    assert Certificate.objects.get(pk=certificate.pk).status == "working"  # for the retry


def test_a_failed_certificate_is_retried_by_the_sweeper_a_bounded_number_of_times(
    awarded, publish, eager_jobs
):
    publish()
    certificate = Certificate.objects.get()
    long_ago = timezone.now() - services.RETRY_FAILED_AFTER - dt.timedelta(seconds=1)
    Certificate.objects.filter(pk=certificate.pk).update(
        status="failed", attempts=services.MAX_ATTEMPTS, updated_at=long_ago
    )
    assert services.certificates_sweep() == 0  # out of attempts: left for the secretariat
    Certificate.objects.filter(pk=certificate.pk).update(
        attempts=services.MAX_ATTEMPTS - 1, updated_at=timezone.now()
    )
    assert services.certificates_sweep() == 0  # failed just now: not yet
    Certificate.objects.filter(pk=certificate.pk).update(updated_at=long_ago)
    assert services.certificates_sweep() == 1
    certificate.refresh_from_db()
    assert (certificate.status, certificate.attempts) == ("issued", services.MAX_ATTEMPTS)
    assert ("failed", "pending", None, "failed; retried automatically") in [
        (c.from_state, c.to_state, c.actor_id, c.reason) for c in lifecycle.history(certificate)
    ]


def test_reissuing_a_cycle_retries_its_failed_certificates_under_the_same_serial(
    awarded, publish, secretariat
):
    publish()
    certificate = Certificate.objects.get()
    Certificate.objects.filter(pk=certificate.pk).update(status="failed", attempts=8)
    ids = services.certificates_reissue_for_cycle(
        cycle_id=awarded.cycle_id, actor=secretariat.user, reason="Signing key renewed"
    )
    assert ids == [certificate.pk]
    assert Certificate.objects.get(pk=certificate.pk).status == "pending"
    assert Certificate.objects.count() == 1  # nothing revoked, no replacement
    services.certificate_issue(certificate_id=certificate.pk)
    certificate.refresh_from_db()
    assert certificate.status == "issued"
    moves = [
        (c.from_state, c.to_state, c.actor_id, c.reason) for c in lifecycle.history(certificate)
    ]
    assert ("failed", "pending", secretariat.user.pk, "Signing key renewed") in moves


def test_the_clean_up_after_a_failed_store_keeps_every_file_a_row_names(awarded, publish, settings):
    """A commit cut off by a broken connection may still have landed: the
    clean-up asks the database and keeps the file of an issued certificate,
    removing only the stray one."""
    from django.core.files.base import ContentFile

    publish()
    certificate = Certificate.objects.get()
    services.certificate_issue(certificate_id=certificate.pk)
    certificate.refresh_from_db()
    storage = Certificate.file.field.storage
    stray = storage.save("certificates/stray/left-over.pdf", ContentFile(b"%PDF-1.7"))
    services._remove_unrecorded([certificate.file.name, stray])
    assert storage.exists(certificate.file.name)
    assert not storage.exists(stray)


def test_reissuing_a_cycle_touches_only_that_cycle_and_records_who_and_why(
    awarded, publish, secretariat, supervisor, subordinate, junior, chair
):
    from nominations import services as nomination_services

    publish()
    mine = Certificate.objects.get()
    services.certificate_issue(certificate_id=mine.pk)
    other_cycle = nomination_services.cycle_create(name="Siklus lain")
    nomination_services.committee_member_add(cycle=other_cycle, employee=chair, is_chair=True)
    other_cycle = nomination_services.cycle_set_phase(cycle_id=other_cycle.pk, phase="nominating")
    other = Certificate.objects.create(
        nomination=decided(other_cycle, supervisor, [subordinate]), recipient=subordinate
    )
    Certificate.objects.filter(pk=other.pk).update(status="issued")
    other_failed = Certificate.objects.create(
        nomination=decided(other_cycle, supervisor, [junior], title="Lain"),
        recipient=junior,
        status="failed",
    )
    with pytest.raises(ValidationError) as refused:
        services.certificates_reissue_for_cycle(
            cycle_id=awarded.cycle_id, actor=secretariat.user, reason=" "
        )
    assert refused.value.message_dict == {"reason": ["Say why the certificates are re-issued."]}
    services.certificates_reissue_for_cycle(
        cycle_id=awarded.cycle_id, actor=secretariat.user, reason="New emblem"
    )
    assert Certificate.objects.get(pk=other.pk).status == "issued"  # another cycle's
    assert Certificate.objects.get(pk=other_failed.pk).status == "failed"  # and its failed one
    [revocation] = [c for c in lifecycle.history(mine) if c.to_state == "revoked"]
    assert (revocation.actor, revocation.reason) == (secretariat.user, "New emblem")


def test_the_sweeper_retries_failed_certificates_only_never_one_a_job_holds(awarded, publish):
    publish()
    certificate = Certificate.objects.get()
    services.certificate_claim(certificate_id=certificate.pk)
    # Claimed a moment ago (its job renews the claim), last changed long ago.
    long_ago = timezone.now() - services.RETRY_FAILED_AFTER - dt.timedelta(minutes=5)
    Certificate.objects.filter(pk=certificate.pk).update(updated_at=long_ago)
    assert services.certificates_sweep() == 0
    assert Certificate.objects.get(pk=certificate.pk).status == "working"


def test_revoking_without_a_reason_says_which_field_and_why(awarded, publish, secretariat):
    publish()
    certificate = Certificate.objects.get()
    with pytest.raises(ValidationError) as refused:
        services.certificate_revoke(
            certificate_id=certificate.pk, actor=secretariat.user, reason=""
        )
    assert refused.value.message_dict == {"reason": ["Say why the certificate is revoked."]}
    assert Certificate.objects.get(pk=certificate.pk).status == "pending"


def test_the_secretariat_pages_through_certificates_by_their_links(api, secretariat, awarded):
    from tests.factories import EmployeeFactory

    for _ in range(4):
        Certificate.objects.create(
            nomination=awarded, recipient=EmployeeFactory(org_unit=awarded.nominator.org_unit)
        )
    seen, url, pages = [], "/api/v1/certificates?page_size=2", 0
    while url:
        page = api.as_(secretariat).get(url).json()
        seen += [c["id"] for c in page["results"]]
        url, pages = page["next"], pages + 1
    assert seen == sorted(Certificate.objects.values_list("id", flat=True), reverse=True)
    assert (len(seen), pages) == (4, 2)
