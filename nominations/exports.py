"""The cycle's ranking and all its reviews as spreadsheet rows (DESIGN §7.2:
``ranking.csv``/``.xlsx``, one row per nomination; ``reviews.csv``/``.xlsx``,
one row per review and criterion), for the secretariat and the chair."""

from __future__ import annotations

from collections.abc import Iterator

from django.utils import timezone

from .models import Cycle, Review
from .selectors import cycle_ranking

RANKING_COLUMNS = [
    "category",
    "rank",
    "nomination",
    "title",
    "status",
    "adjusted_score",
    "adjusted_se",
    "score",
    "median",
    "psm_score",
    "innovation_score",
    "stdev",
    "range",
    "flagged",
    "reviews",
    "proposed_award_level",
    "decided_award_level",
]

REVIEW_COLUMNS = [
    "nomination",
    "title",
    "category",
    "reviewer_nip",
    "reviewer",
    "status",
    "submitted_at",
    "review_score",
    "criterion",
    "criterion_name",
    "weight",
    "score",
    "comment",
]


def _blank(value):
    return "" if value is None else value


def ranking_rows(*, cycle: Cycle) -> Iterator[list]:
    ranking = cycle_ranking(cycle=cycle)
    for r in sorted(ranking.rows, key=lambda r: (r.category, r.rank)):
        decided = r.status in ("decided", "published")
        yield [
            r.category,
            r.rank,
            r.nomination_id,
            r.title,
            r.status,
            _blank(r.adjusted_score),
            _blank(r.adjusted_se),
            _blank(r.score),
            _blank(r.median),
            _blank(r.psm_score),
            _blank(r.innovation_score),
            _blank(r.stdev),
            _blank(r.range),
            "yes" if r.flagged else "no",
            r.reviews,
            _blank(r.proposed_award_level),
            (r.decided_award_level or "none") if decided else "",
        ]


def review_rows(*, cycle: Cycle) -> Iterator[list]:
    """Every review of the cycle (drafts too, marked), criterion by criterion
    in the rubric's order."""
    criteria = list(cycle.rubric.criteria.all())
    reviews = (
        Review.objects.filter(assignment__nomination__cycle=cycle)
        .select_related(
            "assignment__nomination__category", "assignment__member__employee", "assignment"
        )
        .order_by("assignment__nomination_id", "assignment__member__employee__name", "pk")
    )
    for review in reviews.iterator(chunk_size=500):
        nomination = review.assignment.nomination
        reviewer = review.assignment.member.employee
        submitted = (
            timezone.localtime(review.submitted_at).strftime("%Y-%m-%d %H:%M")
            if review.submitted_at
            else ""
        )
        for c in criteria:
            yield [
                nomination.pk,
                nomination.title,
                nomination.category.code,
                reviewer.nip,
                reviewer.name,
                review.assignment.status,
                submitted,
                _blank(review.score),
                c.code,
                c.name,
                c.weight,
                _blank(review.scores.get(c.code)),
                review.comments.get(c.code, ""),
            ]
