"""Which app handles which event: the one registry of ``core.events``
(``settings.EVENT_HANDLERS`` names ``HANDLERS``).

When a cycle's results are published (``nominations.services.cycle_publish``
emits ``ResultsPublished`` in its transaction), after the commit and each in
its own job:

- ``certificates.events.create_certificates``: a pending certificate per
  awarded nominee, and the jobs that issue them;
- ``rewards.events.start_rewards``: the rewards job (incentive records, award
  career events, recognition posts, webhook deliveries, award e-mails).

When a cycle is set up as a copy of another (``nominations.services.cycle_create``
emits ``CycleCopied``):

- ``rewards.events.copy_incentive_policy``: the incentives per award level and
  the bonus budget of the cycle it copies.
"""

from certificates.events import create_certificates
from nominations.events import CycleCopied, ResultsPublished
from rewards.events import copy_incentive_policy, start_rewards

HANDLERS = {
    ResultsPublished: [create_certificates, start_rewards],
    CycleCopied: [copy_incentive_policy],
}
