"""Builders for nomination tests."""

import datetime as dt

from django.utils import timezone

from nominations import services
from nominations.models import Cycle, Nomination

STATEMENTS = {
    "public_interest": "Puts citizens first.",
    "compassion": "Built with disabled users.",
    "policy_making": "Changed the licensing regulation.",
    "self_sacrifice": "Weekends spent on the pilot.",
}
ALL_FIVE = dict.fromkeys(
    (
        "public_interest",
        "compassion",
        "policy_making",
        "self_sacrifice",
        "novelty",
        "effectiveness",
        "benefit",
        "replicability",
        "sustainability",
    ),
    5,
)

PDF_BYTES = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def payload(cycle: Cycle, nominees, category="technology", **extra) -> dict:
    return {
        "cycle": cycle.pk,
        "category": cycle.categories.get(code=category).pk,
        "nominees": [n.pk for n in nominees],
        "title": "Layanan izin satu hari",
        "problem": "Licences took 14 days.",
        "solution": "An online form with automatic checks.",
        "impact": "Licences take one day.",
        "started_on": (timezone.localdate() - dt.timedelta(days=800)).isoformat(),
        "psm_statements": STATEMENTS,
        **extra,
    }


def nomination(
    cycle, supervisor, nominees, *, title="Layanan izin satu hari", category="technology"
) -> Nomination:
    return services.nomination_create(
        nominator=supervisor,
        cycle=cycle,
        category=cycle.categories.get(code=category),
        nominees=list(nominees),
        title=title,
        problem="p",
        solution="s",
        impact="i",
        started_on=timezone.localdate() - dt.timedelta(days=800),
        psm_statements=STATEMENTS,
    )


def advance(cycle: Cycle, phase: str) -> Cycle:
    return services.cycle_set_phase(cycle_id=cycle.pk, phase=phase)


def move_to(cycle: Cycle, phase: str) -> Cycle:
    """Walk the cycle forward to ``phase`` through the phase service, one
    phase at a time (as the secretariat would), from wherever it is."""
    from nominations.workflow import PHASES

    current = Cycle.objects.get(pk=cycle.pk).phase
    for step in PHASES[PHASES.index(current) + 1 : PHASES.index(phase) + 1]:
        cycle = advance(cycle, step)
    return cycle


def publish_results(cycle: Cycle, secretariat) -> Cycle:
    """Publish the cycle, then hand the results-published event to its
    handlers here, as the event's jobs would after the commit (certificates
    and the rewards job's row are created; their own jobs are not run)."""
    from core import events

    cycle = services.cycle_publish(cycle_id=cycle.pk, actor=secretariat.user)
    events.deliver_pending()
    return cycle


def decided(
    cycle: Cycle,
    supervisor,
    nominees,
    *,
    level: str | None = "gold",
    title: str = "Layanan izin satu hari",
    category: str | None = None,
) -> Nomination:
    """A nomination the chair has decided (``level`` or no award), for tests
    of what follows a decision: the one builder of that state. It is set
    directly, not walked through screening, assignment and review (tests of
    those steps walk them); the cycle is left in its phase."""
    from nominations.models import AwardLevel

    category = category or ("technology-team" if len(nominees) > 1 else "technology")
    item = nomination(cycle, supervisor, nominees, title=title, category=category)
    Nomination.objects.filter(pk=item.pk).update(
        status="decided",
        award_level=AwardLevel.objects.get(cycle=cycle, code=level) if level else None,
        decision_rationale="r",
        decided_at=timezone.now(),
    )
    item.refresh_from_db()
    return item


def submitted_review(item: Nomination, member, score: float, *, psm=60, innovation=40):
    """A submitted review of ``item`` by committee ``member`` with these
    scores, set directly: for tests of what reads reviews (the ranking, its
    query count); tests of the review service walk it."""
    from nominations.models import Assignment, Review

    assignment = Assignment.objects.create(
        nomination=item, member=member, status="submitted", round=item.cycle.rounds.first()
    )
    return Review.objects.create(
        assignment=assignment,
        scores={},
        submitted_at=item.created_at,
        score=score,
        psm_score=psm,
        innovation_score=innovation,
    )
