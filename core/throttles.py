"""DRF throttles keyed on the real client address (``core.net.client_ip``),
never on a header the client can forge."""

from __future__ import annotations

from rest_framework.throttling import AnonRateThrottle

from .net import client_ip


class ClientAddressThrottle(AnonRateThrottle):
    """An anonymous-rate throttle per client address."""

    def get_ident(self, request):
        return client_ip(request)
