"""Login limits beyond django-axes' lockout of one username at one address:
password spraying (one address trying many usernames) and a distributed
attack on one username (many addresses).

Failed logins are counted in the cache for ``LOGIN_WINDOW_MINUTES`` per
client address (``core.net.client_ip``) and per username; when either count
reaches its limit (``LOGIN_FAILURES_PER_ADDRESS``,
``LOGIN_FAILURES_PER_USERNAME``) further logins from that address or for that
username are refused until the window ends — even with the right password.
The per-address limit is higher: many honest users share an office's
address."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache

from core.net import client_ip


def _keys(request, username: str | None) -> list[str]:
    keys = [f"login-failures:address:{client_ip(request)}"] if request is not None else []
    if username:
        keys.append(f"login-failures:username:{username.strip().casefold()[:150]}")
    return keys


def login_blocked(request, username: str | None) -> bool:
    """Whether logins from this client or for this username are refused now."""
    counts = cache.get_many(_keys(request, username))
    limits = {
        "address": settings.LOGIN_FAILURES_PER_ADDRESS,
        "username": settings.LOGIN_FAILURES_PER_USERNAME,
    }
    return any(count >= limits[key.split(":")[1]] for key, count in counts.items())


def record_failure(sender, credentials, request=None, **kwargs) -> None:
    """``user_login_failed`` receiver: count the failure for both keys."""
    for key in _keys(request, credentials.get("username")):
        cache.add(key, 0, timeout=settings.LOGIN_WINDOW_MINUTES * 60)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=settings.LOGIN_WINDOW_MINUTES * 60)
