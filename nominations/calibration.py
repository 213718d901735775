"""Reviewer effects estimated, not guessed: the adjusted score (DESIGN.md §4).

The model, for the review score y of nomination n by reviewer r::

    y = q[n] + b[r] + e,    b[r] ~ N(0, τ²),    e ~ N(0, σ²)

q is each nomination's quality (a fixed effect: what the ranking wants), b a
reviewer's leniency (a random effect: shrunk towards 0 in proportion to how
little the data say about it) and e the noise of one review. It is the
linear mixed model of Henderson's mixed-model equations; its estimates are
the best linear unbiased predictions (BLUP) for the variance components
σ² and τ², which are estimated by Henderson's method III (fitting
constants; Searle, Casella & McCulloch, *Variance Components*, 1992, §5.5):

- Absorbing the nominations leaves, for the leniencies, the normal equations
  ``(L + λ·I) b = c`` with ``λ = σ²/τ²``. L is the Laplacian of the
  co-review graph (reviewers joined by the nominations they share, weighted
  1/m for a nomination with m reviews) and c each reviewer's summed
  deviation from the means of the nominations they reviewed. A reviewer
  with few reviews has a small diagonal in L, so λ dominates and their
  leniency is corrected little; one with many is corrected almost fully.
- σ² is the residual mean square of the fit with every effect fixed; τ² is
  what the reviewers explain beyond that noise, divided by trace(L). τ² = 0
  (no evidence of leniency) leaves every score as it was.
- Leniency is relative to the panel: the leniencies of each component sum
  to zero (the data say nothing about a shift common to all reviewers).
- Uncertainty: Var(b̂ − b) = σ²(L + λI)⁻¹ and Var(q̂[n]) = σ²·(1/m + aᵀ(L +
  λI)⁻¹a), a being n's reviewers weighted 1/m, both on the space of
  leniencies relative to the panel.
- Reviewers who share no nomination, directly or through others, form
  separate components of the graph: between components nothing tells
  leniency from quality, and the shrinkage alone sets their relative level.
  The number of components is reported.
- Disagreement: the residuals ``y − q̂ − b̂`` of a nomination, divided by σ²,
  follow χ² with m − 1 degrees of freedom when its reviewers differ only by
  noise. A nomination is flagged when that statistic exceeds the χ²
  quantile for ``disagreement_rate`` (the share of ordinary nominations
  flagged by chance). σ² for this test is estimated robustly (a mean
  trimmed of the largest tenth), so that the disagreements being looked for do not
  inflate the noise they are measured against; and the nominations a first
  fit flags are left out of the second fit, so that a split decision does
  not bend the leniency of the reviewers involved (and with it the residuals
  of their other nominations).

One dense symmetric eigen-decomposition of L (reviewers × reviewers) gives
every solve, the components and the uncertainties.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# χ² tails from scipy.special: scipy.stats costs every process 75 MB more.
from scipy.special import chdtr, chdtri

# Eigenvalues of L below this (relative to the largest) are zero: one per
# component of the co-review graph.
_ZERO = 1e-9


@dataclass(frozen=True)
class Calibration:
    """The fitted model, arrays indexed by the integer codes given to ``fit``.

    ``adjusted`` is None when nothing could be estimated (no nomination with
    two reviews); then every score is its raw mean."""

    adjusted: np.ndarray  # per nomination: raw mean minus its reviewers' leniency
    adjusted_se: np.ndarray  # per nomination
    leniency: np.ndarray  # per reviewer, in score points
    leniency_se: np.ndarray  # per reviewer
    disagreement: np.ndarray  # per nomination: χ² statistic of its residuals (nan if m < 2)
    flagged: np.ndarray  # per nomination, bool
    noise_sd: float  # σ
    leniency_sd: float  # τ (λ = σ²/τ² is the shrinkage)
    components: int  # of the co-review graph (reviewers who reviewed anything)
    component: np.ndarray  # per reviewer: which component


def _laplacian(nom: np.ndarray, rev: np.ndarray, m: np.ndarray, reviewers: int) -> np.ndarray:
    """L = Zᵀ(I − P)Z: diag(Σ_n 1) − Σ_n (1/m_n)·a_n a_nᵀ over the reviews."""
    laplacian = np.zeros((reviewers, reviewers))
    np.add.at(laplacian, (rev, rev), 1.0)
    pair_r, pair_s, weight, _n = _pairs(nom, rev, m)
    np.add.at(laplacian, (pair_r, pair_s), -weight)
    return laplacian


def _pairs(nom: np.ndarray, rev: np.ndarray, m: np.ndarray):
    """Every ordered pair (r, s) of reviewers of the same nomination, r = s
    included: (r, s, 1/m of the nomination, the nomination)."""
    order = np.argsort(nom, kind="stable")
    nom_sorted, rev_sorted = nom[order], rev[order]
    starts = np.searchsorted(nom_sorted, nom_sorted, side="left")
    counts = m[nom_sorted]
    # For each review i, pair it with the counts[i] reviews of its nomination.
    first = np.repeat(np.arange(len(nom_sorted)), counts)
    offset = np.arange(len(first)) - np.repeat(np.cumsum(counts) - counts, counts)
    second = np.repeat(starts, counts) + offset
    return (
        rev_sorted[first],
        rev_sorted[second],
        1.0 / counts[first].astype(float),
        nom_sorted[first],
    )


@dataclass(frozen=True)
class _Estimate:
    leniency: np.ndarray
    covariance: np.ndarray  # (L + λI)⁻¹ on the leniencies relative to the panel
    sigma2: float
    tau2: float
    # reviewers who share a fitted nomination with someone: the others'
    # leniency is 0 by default, not measured
    measured: np.ndarray


def _estimate(nom, rev, y, *, nominations: int, reviewers: int) -> _Estimate | None:
    """Leniencies and variance components from these reviews; None when
    nothing can be estimated (no residual degrees of freedom)."""
    m = np.bincount(nom, minlength=nominations)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.bincount(nom, weights=y, minlength=nominations) / m
    within = y - mean[nom]
    c = np.bincount(rev, weights=within, minlength=reviewers)
    laplacian = _laplacian(nom, rev, m, reviewers)
    eigenvalues, vectors = np.linalg.eigh(laplacian)
    zero = eigenvalues <= _ZERO * max(eigenvalues.max(initial=0.0), 1.0)
    rank = int((~zero).sum())
    projected = vectors.T @ c
    inverse_fixed = np.where(zero, 0.0, 1.0 / np.where(zero, 1.0, eigenvalues))
    explained = float((projected**2 * inverse_fixed).sum())  # R(b | q) = cᵀL⁺c
    residual_dof = len(y) - int((m > 0).sum()) - rank
    if residual_dof <= 0:
        return None
    sigma2 = max(float((within**2).sum()) - explained, 0.0) / residual_dof
    trace = float(np.trace(laplacian))
    tau2 = max((explained - sigma2 * rank) / trace, 0.0) if trace > 0 else 0.0
    # Leniency is measured against the panel: within each component the
    # leniencies sum to zero (c has no part along a component's constant
    # vector, and the null directions are left out of the covariance too).
    if tau2 > 0 and sigma2 > 0:
        inverse = np.where(zero, 0.0, 1.0 / (eigenvalues + sigma2 / tau2))
    elif tau2 > 0:  # no noise at all: the fixed-effects (minimum-norm) solution
        inverse = inverse_fixed
    else:  # no evidence of leniency: no correction
        inverse = np.zeros_like(eigenvalues)
    return _Estimate(
        leniency=vectors @ (inverse * projected),
        covariance=(vectors * inverse) @ vectors.T,
        sigma2=sigma2,
        tau2=tau2,
        measured=np.diag(laplacian) > _ZERO,
    )


def _disagreement(nom, rev, y, leniency, *, nominations: int, rate: float):
    """Per nomination: the adjusted score (mean minus its reviewers'
    leniency), the χ² statistic of its residuals against the robust noise,
    and the flag."""
    m = np.bincount(nom, minlength=nominations)
    with np.errstate(invalid="ignore", divide="ignore"):
        adjusted = np.bincount(nom, weights=y - leniency[rev], minlength=nominations) / m
    residual = y - adjusted[nom] - leniency[rev]
    rss = np.bincount(nom, weights=residual**2, minlength=nominations)
    dof = m - 1
    robust = _robust_noise(rss, dof)
    # Reviews that fit the model exactly (rounding error only): no noise to
    # measure a disagreement against, and none to find.
    if robust > 1e-12 * (1.0 + float(y.var())):
        with np.errstate(invalid="ignore", divide="ignore"):
            statistic = np.where(dof > 0, rss / robust, np.nan)
    else:
        statistic = np.full(nominations, np.nan)
    limit = chdtri(np.maximum(dof, 1), rate)  # the χ² upper quantile
    flagged = (dof > 0) & (statistic > limit)  # NaN compares False
    return adjusted, statistic, flagged


def fit(
    nomination: np.ndarray,
    reviewer: np.ndarray,
    score: np.ndarray,
    *,
    nominations: int,
    reviewers: int,
    disagreement_rate: float = 0.05,
) -> Calibration:
    """Fit the model to long-form reviews: ``score[i]`` was given to nomination
    ``nomination[i]`` (0 … nominations − 1) by ``reviewer[i]`` (0 … reviewers − 1).

    Two passes: the nominations the first fit flags (a split decision pulls
    the leniency of the reviewers involved) are left out of the second, whose
    leniencies then adjust and test every nomination."""
    nom = np.asarray(nomination, dtype=np.int64)
    rev = np.asarray(reviewer, dtype=np.int64)
    y = np.asarray(score, dtype=float)
    m = np.bincount(nom, minlength=nominations)
    component = _components(nom, rev, reviewers)
    components = int(component.max(initial=-1) + 1)
    sizes = {"nominations": nominations, "reviewers": reviewers}
    estimate = _estimate(nom, rev, y, **sizes)
    if estimate is None:
        nan = np.full(nominations, np.nan)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.bincount(nom, weights=y, minlength=nominations) / m
        return Calibration(
            adjusted=mean,
            adjusted_se=nan,
            leniency=np.zeros(reviewers),
            leniency_se=np.full(reviewers, np.nan),
            disagreement=nan,
            flagged=np.zeros(nominations, dtype=bool),
            noise_sd=float("nan"),
            leniency_sd=float("nan"),
            components=components,
            component=component,
        )

    def tested(leniency: np.ndarray):
        return _disagreement(nom, rev, y, leniency, nominations=nominations, rate=disagreement_rate)

    adjusted, statistic, flagged = tested(estimate.leniency)
    kept = ~flagged[nom]
    if flagged.any() and kept.any():
        second = _estimate(nom[kept], rev[kept], y[kept], **sizes)
        if second is not None:
            estimate = second
            adjusted, statistic, flagged = tested(estimate.leniency)
    sigma2, covariance = estimate.sigma2, estimate.covariance
    with np.errstate(invalid="ignore", divide="ignore"):
        pair_r, pair_s, weight, pair_nom = _pairs(nom, rev, m)
        pair_weight = covariance[pair_r, pair_s] * weight / m[pair_nom]
        spread = np.bincount(pair_nom, weights=pair_weight, minlength=nominations)
        adjusted_se = np.sqrt(sigma2 * (1.0 / m + spread))
    return Calibration(
        adjusted=adjusted,
        adjusted_se=adjusted_se,
        leniency=estimate.leniency,
        leniency_se=np.where(estimate.measured, np.sqrt(sigma2 * np.diag(covariance)), np.nan),
        disagreement=statistic,
        flagged=flagged,
        noise_sd=float(np.sqrt(sigma2)),
        leniency_sd=float(np.sqrt(estimate.tau2)),
        components=components,
        component=component,
    )


def _robust_noise(rss: np.ndarray, dof: np.ndarray) -> float:
    """σ² from the ordinary nominations: the mean residual sum of squares of
    the 90% with the smallest, over the nominations with the most common
    number of degrees of freedom k, divided by what that trimmed mean is for
    σ²·χ²ₖ (k·F_{k+2}(q)/F_k(q) with q the χ²ₖ 90% quantile). The largest
    tenth — where split decisions are — does not inflate it."""
    usable = dof > 0
    if not usable.any():
        return 0.0
    common = int(np.bincount(dof[usable]).argmax())
    chosen = np.sort(rss[usable & (dof == common)])
    kept = chosen[: max(int(np.ceil(0.9 * len(chosen))), 1)]
    cut = chdtri(common, 0.1)  # χ²ₖ's 90% quantile
    expected = common * chdtr(common + 2, cut) / 0.9
    return float(kept.mean() / expected)


def _components(nom: np.ndarray, rev: np.ndarray, reviewers: int) -> np.ndarray:
    """Connected components of the co-review graph, per reviewer (a reviewer
    without reviews is a component of their own)."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    if len(rev) == 0:
        return np.arange(reviewers)
    nominations = int(nom.max()) + 1
    # Bipartite graph: reviewers 0 … R−1, nominations R … R+N−1.
    graph = coo_matrix(
        (np.ones(len(rev)), (rev, reviewers + nom)), shape=(reviewers + nominations,) * 2
    )
    _count, labels = connected_components(graph, directed=False)
    # The reviewers' labels renumbered 0, 1, … (in the order of the labels).
    _unique, renumbered = np.unique(labels[:reviewers], return_inverse=True)
    return renumbered
