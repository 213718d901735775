"""What the rewards app does when other apps report events (registered in
``config/events.py``)."""

from __future__ import annotations

from nominations.events import CycleCopied, ResultsPublished

from . import services


def start_rewards(event: ResultsPublished) -> None:
    """The rewards job of the published cycle: its row, and the job queued
    after the commit. Idempotent (one row per cycle)."""
    services.publication_create(cycle_id=event.cycle_id)


def copy_incentive_policy(event: CycleCopied) -> None:
    """A cycle copied from another gets its incentives and bonus budget."""
    services.incentive_policy_copy(source_id=event.source_id, cycle_id=event.cycle_id)
