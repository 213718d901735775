"""Limits on public verification, shared by the API and the web page."""

from core.throttles import ClientAddressThrottle


class VerifyThrottle(ClientAddressThrottle):
    """Checks per client address (``VERIFY_RATE``), so codes cannot be guessed
    at speed; the web page ``/verify/<code>`` counts against the same limit."""

    scope = "verify"
