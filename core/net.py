"""The client's address, as every limit keys on it.

Behind a reverse proxy every request comes from the proxy, and the client's
own address is in ``X-Forwarded-For`` — a header anyone can also send
directly. So the header is read only when the request arrives from a proxy
named in ``TRUSTED_PROXIES`` (addresses or networks; none by default), and
then from the right: each trusted proxy appends the address it received the
request from, so the first address from the right that is not a trusted
proxy is the client. Anything else the client put at the left is ignored.
Throttles (``core.throttles``) and the login lockout (django-axes) use this.
"""

from __future__ import annotations

import functools
import ipaddress

from django.conf import settings
from django.http import HttpRequest


@functools.cache
def _networks(networks: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(n, strict=False) for n in networks)


def in_networks(address: str, networks: list[str]) -> bool:
    """Whether ``address`` lies in one of ``networks`` (addresses or
    networks, as settings give them); a malformed address does not."""
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in net for net in _networks(tuple(networks)))


def _is_trusted(address: str) -> bool:
    return in_networks(address, settings.TRUSTED_PROXIES)


def client_ip(request: HttpRequest, *args) -> str:
    """The client's address: ``REMOTE_ADDR``, or — when that is a trusted
    proxy — the nearest address in ``X-Forwarded-For`` that is not one.
    (Extra arguments are accepted for django-axes' ``AXES_CLIENT_IP_CALLABLE``.)"""
    remote = request.META.get("REMOTE_ADDR", "")
    if not settings.TRUSTED_PROXIES or not _is_trusted(remote):
        return remote
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for hop in reversed([h for h in hops if h]):
        if not _is_trusted(hop):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return remote  # a malformed header: the proxy is all we know
    return remote
