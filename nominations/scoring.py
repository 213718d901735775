"""The scoring method of DESIGN.md §4, as vectorised functions (numpy).

Review score  = Σ wᵢ·(vᵢ − min)/(max − min) / Σ wᵢ × 100, and the same per group.
Nomination score = mean of its submitted review scores (median beside it),
spread = standard deviation (population) and max − min.
Adjusted score, its uncertainty, each reviewer's leniency and the
disagreement flag: the model of ``nominations.calibration``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np

from . import calibration


@dataclass(frozen=True)
class CriterionSpec:
    code: str
    group: str
    weight: int
    scale_min: int
    scale_max: int


@dataclass(frozen=True)
class ReviewScores:
    total: float
    psm: float
    innovation: float


def _weighted(values: np.ndarray, specs: list[CriterionSpec], mask: np.ndarray) -> float:
    weights = np.array([s.weight for s in specs], dtype=float)[mask]
    if weights.sum() == 0:
        return 0.0
    lo = np.array([s.scale_min for s in specs], dtype=float)[mask]
    hi = np.array([s.scale_max for s in specs], dtype=float)[mask]
    return float((weights * (values[mask] - lo) / (hi - lo)).sum() / weights.sum() * 100)


def review_scores(values: dict[str, int], specs: list[CriterionSpec]) -> ReviewScores:
    v = np.array([values[s.code] for s in specs], dtype=float)
    groups = np.array([s.group for s in specs])
    everything = np.ones(len(specs), dtype=bool)
    return ReviewScores(
        total=_weighted(v, specs, everything),
        psm=_weighted(v, specs, groups == "psm"),
        innovation=_weighted(v, specs, groups == "innovation"),
    )


def criterion_specs(criteria) -> list[CriterionSpec]:
    """The scoring facts of rubric criteria (model rows or anything alike)."""
    return [CriterionSpec(c.code, c.group, c.weight, c.scale_min, c.scale_max) for c in criteria]


def review_preview(values: dict[str, int], criteria) -> ReviewScores | None:
    """The scores a review would get, once every criterion has a valid score
    (a reviewer sees their own total while scoring); ``None`` before that."""
    specs = criterion_specs(criteria)
    if any(
        not isinstance(values.get(s.code), int) or not s.scale_min <= values[s.code] <= s.scale_max
        for s in specs
    ):
        return None
    return review_scores(values, specs)


def krippendorff_alpha(units: np.ndarray, values: np.ndarray) -> float | None:
    """Krippendorff's alpha for interval data, from long-form ratings
    (``values[i]`` is a rating of unit ``units[i]``); ``None`` where undefined.

    The ``krippendorff`` package builds a value × value coincidence matrix per
    unit, which takes O(units × distinct values²) memory: hundreds of GiB for a
    cycle of 20,000 nominations with continuous scores. For the interval metric
    the sums over pairs reduce to per-unit sums of v and v², so this computes
    the same statistic in O(ratings); the tests check it against the package.

        D_o = 1/n · Σ_u (2·m_u·Σv² − 2·(Σv)²) / (m_u − 1)
        D_e = (2·n·Σv² − 2·(Σv)²) / (n·(n − 1))      over all pairable values
        alpha = 1 − D_o / D_e
    """
    units = np.asarray(units)
    values = np.asarray(values, dtype=float)
    if values.size == 0:
        return None
    _, index = np.unique(units, return_inverse=True)
    m = np.bincount(index).astype(float)
    s1 = np.bincount(index, weights=values)
    s2 = np.bincount(index, weights=values**2)
    pairable = m >= 2
    if pairable.sum() < 2:
        return None
    m, s1, s2 = m[pairable], s1[pairable], s2[pairable]
    n = m.sum()
    observed = ((2 * m * s2 - 2 * s1**2) / (m - 1)).sum() / n
    expected = (2 * n * s2.sum() - 2 * s1.sum() ** 2) / (n * (n - 1))
    if expected <= 0:
        return None
    return float(1 - observed / expected)


class LevelRule(NamedTuple):
    """An award level as the proposal sees it: its code, minimum score and
    per-category quota."""

    code: str
    min_score: float
    quota: int


@dataclass(frozen=True)
class Statistics:
    """The ranking's numbers: ``nominations`` (a DataFrame indexed by
    nomination id, sorted and ranked per category), ``reviewers`` (a
    DataFrame indexed by committee member id: reviews, leniency, its standard
    error and component) and the model fitted (``calibration``)."""

    nominations: Any
    reviewers: Any
    calibration: calibration.Calibration


def nomination_statistics(reviews, nominations, *, disagreement_rate: float, adjust: bool):
    """Per nomination: mean, median, PSM and innovation means, population
    standard deviation, range, the adjusted score and its standard error,
    the number of reviews, the disagreement statistic and flag, the sort
    ``key`` (adjusted score, or the raw mean when ``adjust`` is off) and
    ``rank``. Ties: higher PSM sub-score, then earlier submission."""
    import pandas as pd

    nomination_codes, nomination_ids = pd.factorize(reviews["nomination"], sort=True)
    reviewer_codes, reviewer_ids = pd.factorize(reviews["reviewer"], sort=True)
    fitted = calibration.fit(
        nomination_codes,
        reviewer_codes,
        reviews["score"].to_numpy(),
        nominations=len(nomination_ids),
        reviewers=len(reviewer_ids),
        disagreement_rate=disagreement_rate,
    )
    grouped = reviews.groupby("nomination")
    stats = pd.DataFrame(
        {
            "score": grouped["score"].mean(),
            "median": grouped["score"].median(),
            "psm": grouped["psm"].mean(),
            "innovation": grouped["innovation"].mean(),
            "stdev": grouped["score"].std(ddof=0),
            "range": grouped["score"].max() - grouped["score"].min(),
            "reviews": grouped["score"].count(),
        }
    )
    model = pd.DataFrame(
        {
            "adjusted": fitted.adjusted,
            "adjusted_se": fitted.adjusted_se,
            "disagreement": fitted.disagreement,
            "flagged": fitted.flagged,
        },
        index=pd.Index(nomination_ids, name="nomination"),
    )
    stats = stats.join(model).join(nominations)
    stats["key"] = stats["adjusted" if adjust else "score"]
    stats = stats.sort_values(
        ["category", "key", "psm", "submitted_at"],
        ascending=[True, False, False, True],
        na_position="last",
    )
    stats["rank"] = stats.groupby("category").cumcount() + 1
    reviewers = pd.DataFrame(
        {
            "reviews": np.bincount(reviewer_codes, minlength=len(reviewer_ids)),
            "leniency": fitted.leniency,
            "leniency_se": fitted.leniency_se,
            "component": fitted.component,
        },
        index=pd.Index(reviewer_ids, name="reviewer"),
    )
    return Statistics(nominations=stats, reviewers=reviewers, calibration=fitted)


def propose_levels(ranked: list[tuple[str, float]], levels: list[LevelRule]) -> list[str | None]:
    """For ``(category, key)`` rows in rank order, the proposed award level:
    the highest whose minimum the key meets and whose per-category quota is
    not yet full (``levels`` best first)."""
    used: dict[tuple[str, str], int] = {}
    proposals: list[str | None] = []
    for category, key in ranked:
        proposed = None
        for level in levels:
            if key >= level.min_score and used.get((category, level.code), 0) < level.quota:
                proposed = level.code
                used[(category, level.code)] = used.get((category, level.code), 0) + 1
                break
        proposals.append(proposed)
    return proposals
