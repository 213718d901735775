"""The events the nominations app reports to the others (``core.events``)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any, Self, cast

from core.events import Event

from .selectors import awarded_nominees


@dataclasses.dataclass(frozen=True)
class Award:
    """One awarded nominee of one nomination."""

    nomination_id: int
    employee_id: int
    award_level_id: int
    is_lead: bool


@dataclasses.dataclass(frozen=True)
class ResultsPublished(Event):
    """A cycle's results are published: every awarded nominee, lead first per
    nomination. Handlers: ``config/events.py``."""

    kind = "nominations.results_published"

    cycle_id: int
    published_at: dt.datetime
    awards: tuple[Award, ...]

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> Self:
        return cls(
            cycle_id=payload["cycle_id"],
            published_at=dt.datetime.fromisoformat(payload["published_at"]),
            awards=tuple(Award(**award) for award in payload["awards"]),
        )


@dataclasses.dataclass(frozen=True)
class CycleCopied(Event):
    """A cycle was set up as a copy of ``source_id`` (``services.cycle_create``):
    the apps that keep per-cycle policies copy theirs. Handlers: ``config/events.py``."""

    kind = "nominations.cycle_copied"

    cycle_id: int
    source_id: int


def results_published(*, cycle_id: int, published_at: dt.datetime) -> ResultsPublished:
    """The event, built from the one selector of awarded nominees."""
    return ResultsPublished(
        cycle_id=cycle_id,
        published_at=published_at,
        awards=tuple(
            Award(
                nomination_id=n.nomination_id,
                employee_id=n.employee_id,
                # Awarded nominees only: the selector filters on the level.
                award_level_id=cast(int, n.nomination.award_level_id),
                is_lead=n.is_lead,
            )
            for n in awarded_nominees(cycle_id=cycle_id)
        ),
    )
