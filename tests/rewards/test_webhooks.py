"""Outgoing webhooks against a real local HTTP server."""

import itertools
import time

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from rewards import services, webhooks
from rewards.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from rewards.selectors import recognition_posts_public

from .conftest import wait_for


def endpoint(receiver, path, **kwargs):
    return WebhookEndpoint.objects.create(url=receiver.url + path, **kwargs)


def deliver(*endpoints):
    services.webhook_deliveries_create(posts=recognition_posts_public())
    return [webhooks.endpoint_drain(endpoint_id=e.pk) for e in endpoints]


def test_each_post_arrives_signed_per_standard_webhooks(published, receiver):
    hook = endpoint(receiver, "/ok")
    assert deliver(hook) == [{"sent": 2, "outcome": "done"}]
    requests = receiver.to("/ok")
    assert len(requests) == 2
    for request in requests:
        # The standard library verifies the signature and that the timestamp is recent.
        payload = Webhook(hook.secret).verify(request["body"], request["headers"])
        assert payload["type"] == "recognition.published"
        assert abs(int(request["headers"]["webhook-timestamp"]) - time.time()) < 30
        assert request["headers"]["webhook-signature"].startswith("v1,")
    assert {r["headers"]["webhook-id"] for r in requests} == set(
        WebhookDelivery.objects.values_list("message_id", flat=True)
    )
    assert set(WebhookDelivery.objects.values_list("status", "attempts")) == {("delivered", 1)}
    assert WebhookAttempt.objects.filter(status_code=200).count() == 2


def test_a_wrong_secret_does_not_verify(published, receiver):
    hook = endpoint(receiver, "/ok")
    deliver(hook)
    request = receiver.to("/ok")[0]
    other = WebhookEndpoint(url="http://x").secret
    with pytest.raises(Exception, match="No matching signature"):
        Webhook(other).verify(request["body"], request["headers"])


def test_410_gone_disables_the_endpoint(published, receiver):
    hook = endpoint(receiver, "/gone")
    assert deliver(hook)[0]["outcome"] == "disabled"
    hook.refresh_from_db()
    assert (hook.active, hook.disabled_reason) == (False, "The receiver answered 410 Gone.")
    assert len(receiver.to("/gone")) == 1  # the second post is not tried
    assert webhooks.endpoint_drain(endpoint_id=hook.pk) == {"skipped": True}


def test_a_redirect_is_not_followed(published, receiver):
    hook = endpoint(receiver, "/redirect")
    assert deliver(hook)[0]["outcome"] == "failing"
    assert (len(receiver.to("/redirect")), receiver.to("/ok")) == (1, [])
    delivery = WebhookDelivery.objects.filter(attempts=1).get()
    assert (delivery.status, delivery.last_error) == ("pending", "HTTP 302")


def test_a_hanging_endpoint_costs_one_timeout_and_then_backs_off(published, receiver):
    hang, ok = endpoint(receiver, "/hang"), endpoint(receiver, "/ok")
    outcomes = deliver(hang, ok)
    assert outcomes[0]["outcome"] == "failing"
    assert len(receiver.to("/hang")) == 1  # one timeout, not one per post
    assert outcomes[1] == {"sent": 2, "outcome": "done"}
    hang.refresh_from_db()
    assert hang.failures == 1
    assert hang.retry_at > timezone.now()
    attempt = WebhookAttempt.objects.get(delivery__endpoint=hang)
    assert attempt.error == "No answer within 2.0 seconds."


def test_deliveries_older_than_the_retry_window_are_given_up(published, receiver, settings):
    hook = endpoint(receiver, "/fail")
    services.webhook_deliveries_create(posts=recognition_posts_public())
    WebhookDelivery.objects.update(created_at=timezone.now() - timezone.timedelta(days=2))
    webhooks.endpoint_drain(endpoint_id=hook.pk)
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {"failed"}


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/hook",
        "http://localhost/hook",
        "http://10.1.2.3/hook",
        "http://192.168.0.10/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",
        # IPv6 forms that embed a private IPv4 address: NAT64 (well-known and
        # local-use), 6to4, IPv4-compatible, Teredo (client 10.0.0.1).
        "http://[64:ff9b::7f00:1]/hook",
        "http://[64:ff9b::a9fe:a9fe]/latest/meta-data",
        "http://[64:ff9b:1::a00:1]/hook",
        "http://[2002:7f00:1::1]/hook",
        "http://[2002:a9fe:a9fe::]/hook",
        "http://[::127.0.0.1]/hook",
        "http://[::10.1.2.3]/hook",
        "http://[2001:0:4136:e378:8000:63bf:f5ff:fffe]/hook",
        "ftp://example.org/hook",
        "http://user:pw@example.org/hook",
    ],
)
def test_private_addresses_and_other_schemes_are_refused(url, secretariat, settings, api):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = False
    with pytest.raises(ValidationError) as error:
        services.webhook_endpoint_save(actor=secretariat.user, url=url)
    assert list(error.value.message_dict) == ["url"]
    response = api.as_(secretariat).post("/api/v1/webhook-endpoints", {"url": url})
    assert (response.status_code, list(response.json()["fields"])) == (400, ["url"])
    assert not WebhookEndpoint.objects.exists()


def test_a_private_address_is_refused_at_delivery_time_too(published, receiver, settings):
    hook = endpoint(receiver, "/ok")
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = False
    deliver(hook)
    assert receiver.requests == []
    assert "private address" in WebhookAttempt.objects.first().error


def test_the_secretariat_manages_endpoints_and_reads_the_delivery_log(
    published, receiver, api, secretariat, outsider, hr, django_assert_max_num_queries
):
    response = api.as_(secretariat).post(
        "/api/v1/webhook-endpoints", {"url": receiver.url + "/ok", "description": "Portal"}
    )
    assert response.status_code == 201
    created = response.json()
    assert created["secret"].startswith("whsec_")
    import base64

    assert len(base64.b64decode(created["secret"][6:])) >= 24
    deliver(WebhookEndpoint.objects.get(pk=created["id"]))
    with django_assert_max_num_queries(5):
        log = api.as_(secretariat).get(f"/api/v1/webhook-endpoints/{created['id']}/deliveries")
    assert [(d["status"], len(d["attempts_log"])) for d in log.json()["results"]] == [
        ("delivered", 1),
        ("delivered", 1),
    ]
    for person in (outsider, hr):
        assert api.as_(person).get(f"/api/v1/webhook-endpoints/{created['id']}").status_code == 404
        assert (
            api.as_(person).post("/api/v1/webhook-endpoints", {"url": "http://a.b"}).status_code
            == 404
        )
    off = api.as_(secretariat).patch(
        f"/api/v1/webhook-endpoints/{created['id']}", {"active": False}, format="json"
    )
    assert off.json()["active"] is False
    # Switched back on, an endpoint starts afresh: no failures, no back-off.
    WebhookEndpoint.objects.filter(pk=created["id"]).update(
        failures=4, retry_at=timezone.now(), disabled_reason="The receiver answered 410 Gone."
    )
    on = api.as_(secretariat).patch(
        f"/api/v1/webhook-endpoints/{created['id']}", {"active": True}, format="json"
    )
    assert on.json()["active"] is True
    endpoint = WebhookEndpoint.objects.get(pk=created["id"])
    assert (endpoint.failures, endpoint.retry_at, endpoint.disabled_reason) == (0, None, "")
    assert endpoint.created_by == secretariat.user
    # Editing an endpoint that is on keeps its count of failures: only
    # switching it back on starts afresh.
    WebhookEndpoint.objects.filter(pk=created["id"]).update(failures=3)
    edited = api.as_(secretariat).patch(
        f"/api/v1/webhook-endpoints/{created['id']}", {"description": "CRM"}, format="json"
    )
    assert edited.json()["description"] == "CRM"
    assert WebhookEndpoint.objects.get(pk=created["id"]).failures == 3


@pytest.mark.django_db(transaction=True)
def test_a_failing_receiver_gets_retries_with_growing_delays_and_the_same_id(
    celery_worker, receiver, published_on_commit
):
    """On a real worker: 500s are retried after about 0.4 s, 1.2 s, 3.6 s
    (test settings: base 0.4 s × 3^n, ±20 % jitter), always the same message."""
    endpoint(receiver, "/fail")
    published_on_commit()
    wait_for(lambda: len(receiver.to("/fail")) >= 4, seconds=40)
    tries = receiver.to("/fail")
    ids = {r["headers"]["webhook-id"] for r in tries}
    first = tries[0]["headers"]["webhook-id"]
    same = [r for r in tries if r["headers"]["webhook-id"] == first]
    assert len(ids) == 1, ids
    assert len(same) >= 4
    # Each wait is at least the back-off's lower bound (base 0.4 s × 3^n, less
    # 20 % jitter), so the waits grow; a busy worker may only make them longer.
    gaps = [b["at"] - a["at"] for a, b in itertools.pairwise(same)][:3]
    assert [gap >= 0.8 * 0.4 * 3**n for n, gap in enumerate(gaps)] == [True, True, True], gaps
    # Stop the retries before the next test empties the tables under the worker.
    WebhookEndpoint.objects.update(active=False)
    wait_for(lambda: not WebhookEndpoint.objects.filter(draining_until__isnull=False).exists())


@pytest.mark.django_db(transaction=True)
def test_publication_on_a_worker_delivers_each_post_to_each_endpoint(
    celery_worker, receiver, published_on_commit
):
    endpoint(receiver, "/ok")
    endpoint(receiver, "/ok2")
    published_on_commit()
    wait_for(lambda: len(receiver.to("/ok")) == 1 and len(receiver.to("/ok2")) == 1)
    wait_for(lambda: WebhookDelivery.objects.filter(status="delivered").count() == 2)


def test_the_webhook_receiver_command_verifies_what_we_send(published):
    """``manage.py webhook_receiver`` (the README's way to try an endpoint),
    run as its own process, accepts our signature and prints the post."""
    import socket
    import subprocess
    import sys

    from django.conf import settings

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    hook = WebhookEndpoint.objects.create(url=f"http://127.0.0.1:{port}/")
    command = [sys.executable, "manage.py", "webhook_receiver", "--port", str(port)]
    process = subprocess.Popen(
        [*command, "--secret", hook.secret],
        cwd=settings.BASE_DIR,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert "Listening" in process.stdout.readline()
        assert deliver(hook) == [{"sent": 2, "outcome": "done"}]
        assert process.stdout.readline().startswith("OK msg_")
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert set(WebhookAttempt.objects.values_list("status_code", flat=True)) == {204}


def test_the_backoff_grows_threefold_with_jitter_and_a_cap(settings):
    settings.WEBHOOK_RETRY_BASE_SECONDS = 5
    settings.WEBHOOK_RETRY_MAX_SECONDS = 6 * 3600
    for failures, nominal in ((1, 5), (2, 15), (3, 45), (4, 135), (12, 6 * 3600)):
        delays = [webhooks.backoff(failures) for _ in range(200)]
        assert 0.8 * nominal <= min(delays) <= max(delays) <= 1.2 * nominal
        assert max(delays) - min(delays) > 0.1 * nominal  # jittered, not in step


def test_a_too_long_url_is_a_field_error_not_a_crash(secretariat, client, api):
    url = "https://example.org/" + "a" * 600
    response = api.as_(secretariat).post("/api/v1/webhook-endpoints", {"url": url})
    assert (response.status_code, list(response.json()["fields"])) == (400, ["url"])
    client.force_login(secretariat.user)
    page = client.post("/webhooks", {"url": url}, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert 'id="url-error"' in page.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_public_forms_of_ipv6_still_pass():
    """The unwrapping refuses what embeds a private address, not IPv6 itself."""
    from rewards.webhooks import _forbidden

    assert not _forbidden("2606:4700:4700::1111")  # a public IPv6 resolver
    assert not _forbidden("64:ff9b::808:808")  # NAT64 of 8.8.8.8
    assert not _forbidden("2002:808:808::1")  # 6to4 of 8.8.8.8
    assert _forbidden("64:ff9b::7f00:1")


def test_the_connection_goes_to_the_address_that_was_checked(
    published, receiver, settings, monkeypatch
):
    """DNS rebinding: the name resolves to a public address when checked and
    to the private receiver afterwards. Sending resolves once, checks, and
    connects to the checked address; the private one is never contacted."""
    import socket

    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = False
    port = int(receiver.url.rsplit(":", 1)[1])
    hook = WebhookEndpoint.objects.create(url=f"http://hooks.example.test:{port}/ok")
    answers = iter(["8.8.8.8", "127.0.0.1", "127.0.0.1", "127.0.0.1"])
    lookups, connections = [], []
    real_getaddrinfo = socket.getaddrinfo

    def getaddrinfo(host, *args, **kwargs):
        if host != "hooks.example.test":
            return real_getaddrinfo(host, *args, **kwargs)
        lookups.append(host)
        address = next(answers)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    def create_connection(address, *args, **kwargs):
        connections.append(address[0])
        raise ConnectionRefusedError("no network in the test")

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(socket, "create_connection", create_connection)
    services.webhook_deliveries_create(posts=recognition_posts_public())
    webhooks.endpoint_drain(endpoint_id=hook.pk)
    assert lookups == ["hooks.example.test"]  # one lookup for the whole drain
    assert set(connections) == {"8.8.8.8"}
    assert receiver.to("/ok") == []
    attempt = WebhookAttempt.objects.get()
    assert "ConnectError" in attempt.error


@pytest.mark.django_db(transaction=True)
def test_certificates_are_issued_while_the_webhook_and_mail_queues_wait(
    receiver, published_on_commit, subordinate
):
    """Certificates (CPU), webhooks and e-mail (I/O) have queues of their own:
    with no worker free for webhooks and mail (a receiver that hangs, a mail
    outage), the certificate is issued all the same; the post and the e-mail
    wait in their queues and go out once a worker takes them."""
    from certificates.models import Certificate
    from config.celery import app
    from people.models import Employee
    from rewards.models import AwardNotice
    from tests.fixtures import running_worker

    Employee.objects.filter(pk=subordinate.pk).update(email="subordinate@example.test")
    endpoint(receiver, "/ok")
    app.control.purge()

    def waiting(queue):  # messages in the queue (a Redis list: absent when empty)
        with app.connection_for_read() as conn:
            return conn.default_channel.client.llen(queue)

    with running_worker(queue="celery,certificates"):
        published_on_commit()
        wait_for(lambda: Certificate.objects.filter(status="issued").count() == 1, seconds=60)
        wait_for(lambda: waiting("webhooks") >= 1 and waiting("mail") >= 1)
    assert receiver.requests == []
    assert not AwardNotice.objects.filter(sent_at__isnull=False).exists()
    with running_worker(queue="webhooks,mail"):
        wait_for(lambda: WebhookDelivery.objects.filter(status="delivered").count() == 1)
        wait_for(lambda: not AwardNotice.objects.filter(sent_at__isnull=True).exists())
    assert len(receiver.to("/ok")) == 1
    assert AwardNotice.objects.exists()
