"""The adjusted score (``nominations.calibration``): exact on cases worked
by hand, equal to an independent least-squares solve on random panels, and
better than the raw mean on a simulated biased panel."""

from types import SimpleNamespace

import numpy as np
import pytest
from scipy.stats import kendalltau

from nominations import calibration


def panel(rng, nominations, reviewers, per):
    """Each nomination gets ``per`` distinct reviewers, loads balanced."""
    load = np.zeros(reviewers)
    rows = []
    for n in range(nominations):
        chosen = np.lexsort((rng.random(reviewers), load))[:per]
        load[chosen] += 1
        rows += [(n, r) for r in chosen]
    nom, rev = np.array(rows).T
    return nom, rev


def test_two_reviewers_by_hand():
    """A gives 10, 12 and 8 points more than B on the same three nominations.

    L = [[1.5, −1.5], [−1.5, 1.5]] (eigenvalues 0 and 3), c = (15, −15):
    cᵀL⁺c = 150 of the within-nomination sum of squares 154, so σ² = 4/2 = 2
    (6 reviews − 3 nominations − rank 1), τ² = (150 − 2)/trace 3 = 148/3,
    λ = σ²/τ² = 6/148. Leniency of A = 15/(3 + λ) = 148/30: the raw half
    difference, 5, shrunk by 3/(3 + λ)."""
    nom = np.array([0, 0, 1, 1, 2, 2])
    rev = np.array([0, 1, 0, 1, 0, 1])
    score = np.array([70.0, 60, 52, 40, 88, 80])
    fit = calibration.fit(nom, rev, score, nominations=3, reviewers=2)
    assert fit.noise_sd == pytest.approx(2**0.5)
    assert fit.leniency_sd == pytest.approx((148 / 3) ** 0.5)
    assert fit.leniency == pytest.approx([148 / 30, -148 / 30])
    # Var(b̂_A) = σ² · ½ · 1/(3 + λ) (the panel's common shift left out)
    assert fit.leniency_se == pytest.approx([(2 * 0.5 * 148 / 450) ** 0.5] * 2)
    # Both reviewers saw every nomination: their leniencies cancel, and the
    # adjusted score is the mean, known to σ²/2.
    assert fit.adjusted == pytest.approx([65, 46, 84])
    assert fit.adjusted_se == pytest.approx([1.0] * 3)
    assert fit.components == 1


def test_without_noise_the_true_effects_come_back_exactly():
    rng = np.random.default_rng(1)
    nom, rev = panel(rng, 40, 12, 3)
    quality = rng.uniform(30, 90, 40)
    leniency = rng.uniform(-10, 10, 12)
    leniency -= leniency.mean()  # measured against the panel
    fit = calibration.fit(nom, rev, quality[nom] + leniency[rev], nominations=40, reviewers=12)
    assert fit.components == 1
    assert fit.leniency == pytest.approx(leniency)
    assert fit.adjusted == pytest.approx(quality)
    assert not fit.flagged.any()


@pytest.mark.parametrize("seed", range(5))
def test_equals_an_independent_least_squares_solve(seed):
    """σ² from numpy's least squares with every effect fixed, and the
    shrunk estimates from a ridge least-squares solve of the full design
    (nomination indicators and reviewer indicators, the reviewers penalised
    by λ = σ²/τ²)."""
    rng = np.random.default_rng(seed)
    nominations, reviewers = 30, 9
    nom, rev = panel(rng, nominations, reviewers, 3)
    score = rng.uniform(30, 90, nominations)[nom] + rng.normal(0, 8, reviewers)[rev]
    score += rng.normal(0, 5, len(nom))
    # (no nomination flagged, so that one fit uses every review)
    fit = calibration.fit(
        nom, rev, score, nominations=nominations, reviewers=reviewers, disagreement_rate=1e-12
    )
    assert not fit.flagged.any()

    design = np.zeros((len(nom), nominations + reviewers))
    design[np.arange(len(nom)), nom] = 1
    design[np.arange(len(nom)), nominations + rev] = 1
    _coef, _res, rank, _sv = np.linalg.lstsq(design, score, rcond=None)
    fixed = design @ np.linalg.lstsq(design, score, rcond=None)[0]
    sigma2 = ((score - fixed) ** 2).sum() / (len(nom) - rank)
    assert fit.noise_sd**2 == pytest.approx(sigma2)

    lam = fit.noise_sd**2 / fit.leniency_sd**2
    penalty = np.hstack([np.zeros((reviewers, nominations)), lam**0.5 * np.eye(reviewers)])
    ridge = np.linalg.lstsq(
        np.vstack([design, penalty]), np.concatenate([score, np.zeros(reviewers)]), rcond=None
    )[0]
    assert fit.adjusted == pytest.approx(ridge[:nominations])
    assert fit.leniency == pytest.approx(ridge[nominations:])


def test_a_reviewer_with_few_reviews_is_corrected_less():
    """Two reviewers are each 10 points more lenient than the rest of a
    15-strong panel; one reviewed 2 nominations, the other 20."""
    rng = np.random.default_rng(4)
    nom, rev = panel(rng, 120, 14, 3)
    nom, rev = list(nom), list(rev)
    for n in range(2):
        nom.append(n), rev.append(14)
    leniency = np.zeros(15)
    leniency[[0, 14]] = 10
    nom, rev = np.array(nom), np.array(rev)
    score = rng.uniform(30, 90, 120)[nom] + leniency[rev] + rng.normal(0, 4, len(nom))
    fit = calibration.fit(nom, rev, score, nominations=120, reviewers=15)
    many, few = fit.leniency[0], fit.leniency[14]
    assert many > 8  # 26 reviews: close to the truth
    assert 0 < few < many
    assert fit.leniency_se[14] > 2 * fit.leniency_se[0]


def test_panels_that_share_no_nomination_are_reported():
    nom = np.array([0, 0, 1, 1, 2, 2, 3, 3])
    rev = np.array([0, 1, 0, 1, 2, 3, 2, 3])
    score = np.array([60.0, 50, 70, 62, 40, 45, 80, 83])
    fit = calibration.fit(nom, rev, score, nominations=4, reviewers=4)
    assert fit.components == 2
    assert fit.component[0] == fit.component[1] != fit.component[2] == fit.component[3]
    # leniency is relative within each group
    assert fit.leniency[0] + fit.leniency[1] == pytest.approx(0)
    assert fit.leniency[2] + fit.leniency[3] == pytest.approx(0)


def test_single_reviews_leave_nothing_to_estimate():
    fit = calibration.fit(
        np.array([0, 1]), np.array([0, 1]), np.array([60.0, 70]), nominations=2, reviewers=2
    )
    assert fit.adjusted == pytest.approx([60, 70])
    assert np.isnan(fit.adjusted_se).all()
    assert not fit.flagged.any()


def simulated(seed, *, split=0.0, rate=0.05):
    """200 nominations of known quality, 30 reviewers of leniency ±12 points,
    3 each, noise 5 points; ``split`` of the nominations with one reviewer
    30 points below the others; fitted flagging ``rate`` by chance."""
    rng = np.random.default_rng(seed)
    nom, rev = panel(rng, 200, 30, 3)
    quality = rng.uniform(30, 90, 200)
    score = quality[nom] + rng.uniform(-12, 12, 30)[rev] + rng.normal(0, 5, len(nom))
    planted = rng.random(200) < split
    first = np.r_[True, nom[1:] != nom[:-1]]
    score[first & planted[nom]] -= 30
    fit = calibration.fit(nom, rev, score, nominations=200, reviewers=30, disagreement_rate=rate)
    raw = np.bincount(nom, weights=score) / np.bincount(nom)
    spread = np.array([np.ptp(score[nom == n]) for n in range(200)])
    return SimpleNamespace(quality=quality, raw=raw, spread=spread, fit=fit, planted=planted)


def test_the_adjusted_ranking_is_closer_to_the_truth_than_the_mean():
    panel_ = simulated(7)
    fit, quality = panel_.fit, panel_.quality
    tau_raw = kendalltau(quality, panel_.raw).statistic
    tau_adjusted = kendalltau(quality, fit.adjusted).statistic
    assert tau_adjusted > tau_raw + 0.05
    assert tau_adjusted > 0.85
    # and each nomination's interval holds its true quality about 95% of the
    # time (up to the panel's common shift, which the data cannot see)
    shift = (fit.adjusted - quality).mean()
    inside = np.abs(fit.adjusted - shift - quality) <= 1.96 * fit.adjusted_se
    assert 0.88 < inside.mean() <= 1


def test_the_flag_finds_split_decisions_and_spares_lenient_panels():
    panel_ = simulated(11, split=0.1)
    planted, flagged = panel_.planted, panel_.fit.flagged
    assert planted.sum() >= 15
    assert flagged[planted].mean() >= 0.9
    assert flagged[~planted].mean() <= 0.1
    # the raw-range rule it replaces (over 15 points) flagged about half of
    # the ordinary nominations of this panel
    assert (panel_.spread[~planted] > 15).mean() > 0.4


def test_the_flag_rate_follows_the_setting():
    strict, loose = simulated(3).fit, simulated(3, rate=0.3).fit
    assert strict.flagged.mean() <= 0.1
    assert loose.flagged.sum() > strict.flagged.sum()


def test_a_reviewer_who_shared_nothing_has_no_measured_leniency():
    """Reviewer 2 only reviewed a nomination nobody else did: nothing tells
    their leniency, so no uncertainty is claimed for it."""
    nom = np.array([0, 0, 1, 1, 2, 2, 3])
    rev = np.array([0, 1, 0, 1, 0, 1, 2])
    score = np.array([60.0, 50, 70, 62, 40, 33, 90])
    fit = calibration.fit(nom, rev, score, nominations=4, reviewers=3)
    assert fit.leniency[2] == 0
    assert np.isnan(fit.leniency_se[2])
    assert np.isfinite(fit.leniency_se[:2]).all()
