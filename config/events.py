"""Which app handles which event: the one registry of ``core.events``
(``settings.EVENT_HANDLERS`` names ``HANDLERS``).

When a cycle's results are published (``nominations.services.cycle_publish``
emits ``ResultsPublished`` in its transaction), after the commit and each in
its own job:

- ``certificates.events.create_certificates``: a pending certificate per
  awarded nominee, and the jobs that issue them;
- ``rewards.events.start_rewards``: the rewards job (incentive records, award
  career events, recognition posts, webhook deliveries, award e-mails).
"""

from certificates.events import create_certificates
from nominations.events import ResultsPublished
from rewards.events import start_rewards

HANDLERS = {
    ResultsPublished: [create_certificates, start_rewards],
}
