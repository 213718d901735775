"""Limits on public verification, shared by the API and the web page."""

from rest_framework.throttling import AnonRateThrottle


class VerifyThrottle(AnonRateThrottle):
    """Checks per client address (``VERIFY_RATE``), so codes cannot be guessed
    at speed."""

    scope = "verify"
