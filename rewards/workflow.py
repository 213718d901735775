"""The lifecycles of the rewards app, on ``core.lifecycle``.

Incentive record::   pending → approved | rejected   (HR, with a reason)
Publication job::    pending → working → done;  working → working (stale) | pending (released)
Webhook delivery::   pending → delivered | failed

Nothing else assigns their ``status``; every move leaves a
``core.models.StateChange`` row (who approved a bonus, and when).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from core.jobs import ClaimableJob
from core.lifecycle import Lifecycle

from .models import IncentiveRecord, Publication, WebhookDelivery

R = IncentiveRecord.Status
P = Publication.Status
D = WebhookDelivery.Status

_ALREADY = gettext_lazy("This incentive is already %(status)s.")

INCENTIVE = Lifecycle(
    model=IncentiveRecord,
    table={R.PENDING: {R.APPROVED, R.REJECTED}, R.APPROVED: set(), R.REJECTED: set()},
    permissions={R.APPROVED: "rewards.decide_incentive", R.REJECTED: "rewards.decide_incentive"},
    refused_moves={R.APPROVED: _ALREADY, R.REJECTED: _ALREADY},
    select_related=("employee", "award_level"),
)

PUBLICATION = Lifecycle(
    model=Publication,
    table={
        P.PENDING: {P.WORKING},
        P.WORKING: {P.WORKING, P.PENDING, P.DONE},
        P.DONE: set(),
    },
)
# The rewards of a published cycle are made by a claimable job.
PUBLISHING = ClaimableJob(PUBLICATION, pending=P.PENDING, working=P.WORKING)

DELIVERY = Lifecycle(
    model=WebhookDelivery,
    table={D.PENDING: {D.DELIVERED, D.FAILED}, D.DELIVERED: set(), D.FAILED: set()},
)
