"""The scoring method of DESIGN.md §4, as vectorised functions (numpy).

Review score  = Σ wᵢ·(vᵢ − min)/(max − min) / Σ wᵢ × 100, and the same per group.
Nomination score = mean of its submitted review scores (median beside it),
spread = standard deviation (population) and max − min.
Normalisation: each reviewer's scores are z-scored over their own submitted
reviews, then mapped onto the cycle's mean and standard deviation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


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


def normalise(scores: np.ndarray, reviewers: np.ndarray) -> np.ndarray:
    """Map each reviewer's scores onto the cycle's mean and standard deviation.

    ``scores[i]`` was given by ``reviewers[i]``. A reviewer whose scores do
    not vary (or who gave one review) carries no information about leniency
    beyond their mean, so their z-scores are 0 → the cycle mean.
    """
    scores = np.asarray(scores, dtype=float)
    if scores.size == 0:
        return scores
    cycle_mean, cycle_std = scores.mean(), scores.std()
    out = np.empty_like(scores)
    for reviewer in np.unique(reviewers):
        mask = reviewers == reviewer
        mine = scores[mask]
        std = mine.std()
        z = (mine - mine.mean()) / std if std > 0 else np.zeros_like(mine)
        out[mask] = cycle_mean + z * cycle_std
    return out


def krippendorff_alpha(matrix: np.ndarray) -> float | None:
    """Interval Krippendorff's alpha over a reviewers × nominations matrix
    (NaN where a reviewer did not review); ``None`` if it is undefined."""
    import krippendorff

    if matrix.size == 0 or np.count_nonzero(~np.isnan(matrix).all(axis=0)) < 2:
        return None
    try:
        value = krippendorff.alpha(reliability_data=matrix, level_of_measurement="interval")
    except (ValueError, ZeroDivisionError):
        return None
    return None if np.isnan(value) else float(value)
