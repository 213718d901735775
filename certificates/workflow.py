"""The certificate lifecycle, on ``core.lifecycle``::

    pending → working (claimed by a job) → issued | failed
    working → working (a stale claim taken over) | pending (released for a retry)
    failed → pending (retried: by the sweeper a bounded number of times, or
                      by the secretariat's bulk re-issue)
    pending | working | issued | failed → revoked (the secretariat, with a reason)

Nothing else assigns ``Certificate.status``; every move leaves a
``core.models.StateChange`` row (who revoked a certificate, and when).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from core.jobs import ClaimableJob
from core.lifecycle import Lifecycle

from .models import Certificate

S = Certificate.Status

CERTIFICATE = Lifecycle(
    model=Certificate,
    table={
        S.PENDING: {S.WORKING, S.REVOKED},
        S.WORKING: {S.WORKING, S.PENDING, S.ISSUED, S.FAILED, S.REVOKED},
        S.ISSUED: {S.REVOKED},
        S.FAILED: {S.PENDING, S.REVOKED},
        S.REVOKED: set(),
    },
    # The secretariat revokes, and retries failed ones (the bulk re-issue).
    permissions={
        S.REVOKED: "certificates.revoke_certificate",
        (S.FAILED, S.PENDING): "certificates.revoke_certificate",
    },
    refused_moves={S.REVOKED: gettext_lazy("This certificate is already revoked.")},
)

# Issuing is a claimable job: claimed, released for a retry, swept when lost.
ISSUING = ClaimableJob(CERTIFICATE, pending=S.PENDING, working=S.WORKING)
