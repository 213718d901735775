"""Rounds of a cycle, the read side (DESIGN §3.11, §7.3): which round is
current, who sits on its panel, how many reviewers each nomination needs,
and the shortlist its advancement rule proposes. The writes are
``services.rounds``.

A cycle's rounds are reviewed in order. The *current* round is the first
whose shortlist has not been advanced; the last round is never advanced (its
nominations are decided), so there always is one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, QuerySet

from core import i18n

from .models import CommitteeMember, Cycle, Nomination, Round, RoundResult

S = Nomination.Status


def current_round(cycle: Cycle) -> Round:
    """The first round whose shortlist is not advanced (one query)."""
    found = (
        cycle.rounds.select_related("rubric")
        .filter(status=Round.Status.OPEN)
        .order_by("position")
        .first()
    )
    if found is None:  # only an inconsistent set-up: every round advanced
        found = cycle.rounds.select_related("rubric").order_by("-position").first()
    assert found is not None, f"cycle {cycle.pk} has no round"
    return found


def is_last(round: Round) -> bool:
    return not round.cycle.rounds.filter(position__gt=round.position).exists()


def reviewers_needed(round: Round, cycle: Cycle) -> int:
    """Reviewers per nomination in the round: its own number, or the cycle's."""
    return round.reviewers_per_nomination or cycle.reviewers_per_nomination


def panel(round: Round) -> list[CommitteeMember]:
    """The members who review in the round, with their expertise: the
    round's panel, or every member of the committee who reviews (never the
    chair or deputy chair)."""
    members = round.panel.all() if round.panel.exists() else round.cycle.committee.all()
    return list(
        members.filter(is_chair=False, is_deputy_chair=False)
        .order_by("pk")
        .prefetch_related("expertise")
    )


def round_nominations(round: Round) -> Q:
    """The nominations that may need reviewers in the round: those in review
    in it; in the first round also the eligible ones, which enter it when
    reviewers are assigned."""
    entered = Q(round=round, status=S.IN_REVIEW)
    if round.cycle.rounds.filter(position__lt=round.position).exists():
        return entered
    return entered | Q(status=S.ELIGIBLE)


# --- the shortlist -----------------------------------------------------------------------------


@dataclass
class ShortlistRow:
    nomination_id: int
    title: str
    category: str
    rank: int
    score: float | None
    status: str
    proposed: bool
    disqualified: bool = False


@dataclass
class Shortlist:
    round: Round
    rows: list[ShortlistRow] = field(default_factory=list)
    # Nominations of the round still waiting for reviews: the shortlist can
    # be advanced when none is.
    waiting: int = 0
    last: bool = False

    @property
    def proposed(self) -> list[int]:
        return [r.nomination_id for r in self.rows if r.proposed]


def _proposed(round: Round, rank: int, score: float | None) -> bool:
    if score is None:  # or disqualified
        return False
    if round.advance_rule == Round.Rule.TOP_N:
        return rank <= (round.advance_n or 0)
    if round.advance_rule == Round.Rule.MIN_SCORE:
        return Decimal(str(score)) >= (round.advance_min_score or Decimal(0))
    return False  # the chair's selection: nothing proposed


def shortlist(round: Round) -> Shortlist:
    """The round's nominations ranked per category by their score in the
    round (adjusted or raw, as the cycle ranks), each marked where the
    round's rule proposes it; after advancement, what was decided."""
    from .selectors import cycle_ranking, ranking_key

    ranking = cycle_ranking(cycle=round.cycle, round=round)
    result = Shortlist(round=round, last=is_last(round))
    outcomes = dict(RoundResult.objects.filter(round=round).values_list("nomination_id", "outcome"))
    for row in ranking.rows:
        score = ranking_key(ranking, row)
        if outcomes:
            proposed = outcomes.get(row.nomination_id) == RoundResult.Outcome.ADVANCED
        else:
            proposed = _proposed(round, row.rank, None if row.disqualified else score)
        result.rows.append(
            ShortlistRow(
                nomination_id=row.nomination_id,
                title=row.title,
                category=row.category,
                rank=row.rank,
                score=score,
                status=row.status,
                proposed=proposed,
                disqualified=row.disqualified,
            )
        )
    result.waiting = round.nominations.exclude(status=S.REVIEWED).count() if not outcomes else 0
    return result


# --- the public shortlist ----------------------------------------------------------------------


@dataclass
class PublicShortlist:
    """An advanced shortlist made public: the innovations that go on, per
    category, with the unit of each (never the people's names)."""

    round: Round
    published_at: object
    groups: list[tuple[str, list[tuple[str, str]]]] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(len(rows) for _name, rows in self.groups)


def public_shortlists() -> QuerySet[Round]:
    """The public shortlists' rounds, newest first; ``with_rows`` fills a page
    of them."""
    return (
        Round.objects.filter(shortlist_post=Round.Post.PUBLIC)
        .select_related("cycle")
        .order_by("-shortlist_published_at", "-pk")
    )


def public_shortlist(round_id: int) -> PublicShortlist | None:
    """A public shortlist with its rows (two queries), or ``None``."""
    found = with_rows(list(public_shortlists().filter(pk=round_id)))
    return found[0] if found else None


def with_rows(public_rounds: list[Round]) -> list[PublicShortlist]:
    """The shortlists of these public rounds with their rows, read in one
    query whatever their number."""
    rows = (
        RoundResult.objects.filter(
            round__in=public_rounds,
            outcome=RoundResult.Outcome.ADVANCED,
            nomination__nominees__is_lead=True,
        )
        .order_by("nomination__category__code", "rank", "nomination__title")
        .values_list(
            "round_id",
            "nomination__category__name_id",
            "nomination__category__name_en",
            "nomination__title",
            "nomination__nominees__employee__org_unit__name",
        )
    )
    groups: dict[int, dict[str, list[tuple[str, str]]]] = {r.pk: {} for r in public_rounds}
    for round_id, name_id, name_en, title, unit in rows:
        category = i18n.pick({"id": name_id, "en": name_en})
        groups[round_id].setdefault(category, []).append((title, unit))
    return [
        PublicShortlist(
            round=r, published_at=r.shortlist_published_at, groups=list(groups[r.pk].items())
        )
        for r in public_rounds
    ]
