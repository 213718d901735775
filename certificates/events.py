"""What the certificates app does when other apps report events
(registered in ``config/events.py``)."""

from __future__ import annotations

from nominations.events import ResultsPublished

from . import services


def create_certificates(event: ResultsPublished) -> None:
    """A pending certificate per awarded nominee; the issue jobs are queued
    after the commit. Idempotent (a partial unique constraint)."""
    services.certificates_create(
        awards=[(award.nomination_id, award.employee_id) for award in event.awards]
    )
