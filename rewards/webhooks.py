"""Outgoing webhooks, signed per the Standard Webhooks scheme.

Each endpoint is sent to by one job at a time (a lease on the endpoint row),
in order, over one keep-alive connection. A failing or hanging endpoint only
ever holds up its own job: the others run in parallel and never wait for it.

After a failed attempt the endpoint backs off exponentially (with jitter);
its waiting deliveries keep their body and ``webhook-id`` and are retried when
the back-off ends, until they are older than ``WEBHOOK_RETRY_WINDOW`` (about a
day), when they are marked failed. A 410 Gone disables the endpoint.
Redirects are not followed (a 3xx is a failed attempt). A worker that dies
mid-send leaves the delivery pending: it is sent again with the same
``webhook-id``, which receivers use to drop duplicates (at-least-once).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import random
import socket
import time
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core import lifecycle
from core.jobs import dispatch

from .models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from .workflow import DELIVERY

D = WebhookDelivery.Status
EVENT_POST_PUBLISHED = "recognition.published"
USER_AGENT = "Apresiasi-Webhooks/1.0"
# One job sends for at most this long, then queues its successor.
DRAIN_SECONDS = 60
LEASE = dt.timedelta(seconds=DRAIN_SECONDS + 60)
BATCH = 100


# --- addresses ----------------------------------------------------------------------


# IPv6 ranges that carry an IPv4 address in their last 32 bits: NAT64
# (RFC 6052, well-known prefix) and the deprecated IPv4-compatible form.
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_COMPATIBLE = ipaddress.ip_network("::/96")
# Local-use NAT64 (RFC 8215): translated inside a network, never global.
_NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address stands for: mapped, compatible,
    NAT64, 6to4 and Teredo (server and client)."""
    found = []
    if ip.ipv4_mapped:
        found.append(ip.ipv4_mapped)
    if ip in _NAT64 or (ip in _COMPATIBLE and int(ip) > 0xFFFF):
        found.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    if ip.sixtofour:
        found.append(ip.sixtofour)
    if ip.teredo:
        found.extend(ip.teredo)
    return found


def _forbidden(address: str) -> bool:
    """Whether ``address`` is not a public unicast address — itself, or any
    IPv4 address it embeds."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return True
    candidates: list[ipaddress.IPv4Address | ipaddress.IPv6Address] = [ip]
    if isinstance(ip, ipaddress.IPv6Address):
        if ip in _NAT64_LOCAL:
            return True
        candidates += _embedded_ipv4(ip)
    return any(not c.is_global or c.is_multicast for c in candidates)


def _resolve(host: str, port: int) -> list[str] | None:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        return None
    return [str(info[4][0]) for info in infos]


@dataclass(frozen=True)
class Target:
    """Where to send: the URL with its host replaced by the checked address
    (no second DNS lookup between the check and the connection), the
    ``Host`` header and the TLS server name of the original host."""

    url: str
    host_header: str
    server_name: str


def url_problem(url: str) -> str | None:
    """Why ``url`` may not receive webhooks, or ``None``. Only http(s); the
    host must not resolve to a loopback, link-local, private or otherwise
    non-public address (IPv4 embedded in IPv6 included) unless
    ``WEBHOOKS_ALLOW_PRIVATE_ADDRESSES`` is on."""
    problem, _target = resolve_target(url)
    return problem


def resolve_target(url: str) -> tuple[str | None, Target | None]:
    """Resolve and check ``url`` once: ``(problem, None)`` or ``(None, target)``."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return _("Enter a valid URL."), None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return _("Only http:// and https:// URLs can receive webhooks."), None
    if parts.username or parts.password:
        return _("Put no user name or password in the URL; the signature authenticates us."), None
    addresses = _resolve(parts.hostname, port or (443 if parts.scheme == "https" else 80))
    if not addresses:
        return _("The host “%(host)s” cannot be resolved.") % {"host": parts.hostname}, None
    if not settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES and any(map(_forbidden, addresses)):
        return (
            _("The host “%(host)s” resolves to a loopback, link-local or private address.")
            % {"host": parts.hostname},
            None,
        )
    ip = ipaddress.ip_address(addresses[0].split("%", 1)[0])
    literal = f"[{ip}]" if ip.version == 6 else str(ip)
    netloc = f"{literal}:{port}" if port else literal
    return None, Target(
        url=urlunsplit(parts._replace(netloc=netloc)),
        host_header=parts.netloc,
        server_name=parts.hostname,
    )


# --- messages -----------------------------------------------------------------------


def body(*, event_type: str, data: dict) -> str:
    """The JSON body of a delivery, fixed when the delivery is created."""
    return json.dumps(
        {"type": event_type, "timestamp": timezone.now().isoformat(), "data": data},
        ensure_ascii=False,
        separators=(",", ":"),
        default=str,
    )


def headers(*, secret: str, message_id: str, payload: str, at: dt.datetime) -> dict[str, str]:
    """The Standard Webhooks headers: ``webhook-signature`` is ``v1,`` + the
    base64 HMAC-SHA256 of ``id.timestamp.body`` under the endpoint's secret."""
    from standardwebhooks.webhooks import Webhook

    at = at.astimezone(dt.UTC)
    return {
        "content-type": "application/json",
        "user-agent": USER_AGENT,
        "webhook-id": message_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": Webhook(secret).sign(msg_id=message_id, timestamp=at, data=payload),
    }


def backoff(failures: int) -> float:
    """Seconds before the next try after ``failures`` consecutive failures:
    base × 3^(n-1), capped, ±20 % jitter so many endpoints do not retry in step.
    With the defaults (5 s, cap 6 h): 5 s, 15 s, 45 s, … ≈ 10 tries in a day."""
    delay = min(
        settings.WEBHOOK_RETRY_BASE_SECONDS * 3 ** max(failures - 1, 0),
        settings.WEBHOOK_RETRY_MAX_SECONDS,
    )
    return delay * random.uniform(0.8, 1.2)


# --- sending ------------------------------------------------------------------------


def endpoints_dispatch() -> int:
    """Queue a sending job for every endpoint with deliveries due."""
    from .selectors import webhook_due_endpoint_ids
    from .tasks import deliver_webhooks

    ids = webhook_due_endpoint_ids()
    for endpoint_id in ids:
        dispatch(deliver_webhooks, endpoint_id=endpoint_id)
    return len(ids)


def _lease(endpoint_id: int) -> bool:
    now = timezone.now()
    return bool(
        WebhookEndpoint.objects.ready(now).filter(pk=endpoint_id).update(draining_until=now + LEASE)
    )


def _post(
    client, endpoint: WebhookEndpoint, delivery: WebhookDelivery, problem, target
) -> WebhookAttempt:
    """One try, to the address checked for this drain; never raises for the
    receiver's faults."""
    import httpx

    attempt = WebhookAttempt(delivery=delivery)
    started = time.monotonic()
    if problem:
        attempt.error = problem[:500]
        return attempt
    try:
        with client.stream(
            "POST",
            target.url,
            content=delivery.body.encode(),
            headers={
                **headers(
                    secret=endpoint.secret,
                    message_id=delivery.message_id,
                    payload=delivery.body,
                    at=timezone.now(),
                ),
                "host": target.host_header,
            },
            # TLS: the original name for SNI and for checking the certificate.
            extensions={"sni_hostname": target.server_name},
        ) as response:
            attempt.status_code = response.status_code
            excerpt = b""
            for chunk in response.iter_bytes():
                excerpt += chunk
                if len(excerpt) >= 500:
                    break
            attempt.response_excerpt = excerpt[:500].decode(errors="replace")
    except httpx.TimeoutException:
        attempt.error = _("No answer within %(s)s seconds.") % {"s": settings.WEBHOOK_TIMEOUT}
    except httpx.HTTPError as exc:
        attempt.error = f"{type(exc).__name__}: {exc}"[:500]
    attempt.duration_ms = int((time.monotonic() - started) * 1000)
    return attempt


def _delivered(attempt: WebhookAttempt) -> bool:
    return attempt.status_code is not None and 200 <= attempt.status_code < 300


def endpoint_drain(*, endpoint_id: int) -> dict:
    """Send an endpoint's due deliveries, oldest first, until none is due, the
    endpoint fails, or ``DRAIN_SECONDS`` pass. Returns what happened."""
    import httpx

    if not _lease(endpoint_id):
        return {"skipped": True}
    endpoint = WebhookEndpoint.objects.get(pk=endpoint_id)
    sent = 0
    outcome = "idle"
    deadline = time.monotonic() + DRAIN_SECONDS
    timeout = httpx.Timeout(settings.WEBHOOK_TIMEOUT, connect=min(settings.WEBHOOK_TIMEOUT, 5))
    # Checked again when sending (the name may resolve elsewhere since it was
    # saved), once per drain; every request then goes to the checked address.
    problem, target = resolve_target(endpoint.url)
    try:
        with httpx.Client(timeout=timeout, follow_redirects=False, trust_env=False) as client:
            while time.monotonic() < deadline and outcome == "idle":
                batch = list(
                    endpoint.deliveries.filter(
                        status=D.PENDING, next_attempt_at__lte=timezone.now()
                    ).order_by("id")[:BATCH]
                )
                if not batch:
                    outcome = "done"
                    break
                for delivery in batch:
                    attempt = _post(client, endpoint, delivery, problem, target)
                    outcome = _record(endpoint, delivery, attempt)
                    if outcome != "idle":
                        break
                    sent += 1
                    if time.monotonic() >= deadline:
                        break
                WebhookEndpoint.objects.filter(pk=endpoint_id).update(
                    draining_until=timezone.now() + LEASE
                )
    finally:
        WebhookEndpoint.objects.filter(pk=endpoint_id).update(draining_until=None)
    from .tasks import deliver_webhooks

    if outcome == "idle":  # out of time with work left: a successor carries on
        dispatch(deliver_webhooks, endpoint_id=endpoint_id)
    elif outcome == "failing":
        endpoint.refresh_from_db(fields=["retry_at"])
        wait = ((endpoint.retry_at or timezone.now()) - timezone.now()).total_seconds()
        # Short waits are queued now; longer ones are left to the periodic sweep
        # (a far-future ETA would outlive the broker's visibility timeout).
        if wait < settings.CELERY_TASK_TIME_LIMIT:
            dispatch(deliver_webhooks, endpoint_id=endpoint_id, countdown=max(wait, 0))
    return {"sent": sent, "outcome": outcome}


def _record(endpoint: WebhookEndpoint, delivery: WebhookDelivery, attempt: WebhookAttempt) -> str:
    """Save the attempt and its consequences; ``idle`` means carry on."""
    now = timezone.now()
    attempt.save()
    attempts = delivery.attempts + 1
    if _delivered(attempt):
        lifecycle.advance(
            DELIVERY,
            to=D.DELIVERED,
            pks=[delivery.pk],
            values={"attempts": attempts, "delivered_at": now, "last_error": ""},
        )
        if endpoint.failures:
            WebhookEndpoint.objects.filter(pk=endpoint.pk).update(failures=0, retry_at=None)
            endpoint.failures = 0
        return "idle"
    error = attempt.error or _("HTTP %(code)s") % {"code": attempt.status_code}
    if attempt.status_code == 410:
        lifecycle.advance(
            DELIVERY,
            to=D.FAILED,
            pks=[delivery.pk],
            values={"attempts": attempts, "last_error": error},
            reason=error,
        )
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
            active=False, disabled_reason=_("The receiver answered 410 Gone.")
        )
        return "disabled"
    failures = endpoint.failures + 1
    retry_at = now + dt.timedelta(seconds=backoff(failures))
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        attempts=attempts, last_error=error, next_attempt_at=retry_at
    )
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(failures=failures, retry_at=retry_at)
    # Deliveries that have waited longer than the retry window are given up.
    lifecycle.advance(
        DELIVERY,
        to=D.FAILED,
        where=Q(
            endpoint=endpoint,
            created_at__lt=now - dt.timedelta(seconds=settings.WEBHOOK_RETRY_WINDOW),
        ),
        reason="retry window passed",
    )
    return "failing"
