import numpy as np
import pytest

from nominations import scoring
from nominations.defaults import DEFAULT_CRITERIA

SPECS = [
    scoring.CriterionSpec(code, group, weight, 1, 5)
    for code, _name, group, weight, _asks, _levels in DEFAULT_CRITERIA
]


def test_default_rubric_weights_are_psm_40_innovation_60():
    assert sum(s.weight for s in SPECS if s.group == "psm") == 40
    assert sum(s.weight for s in SPECS if s.group == "innovation") == 60


def test_review_score_by_hand():
    values = {
        "public_interest": 4,
        "compassion": 3,
        "policy_making": 5,
        "self_sacrifice": 2,
        "novelty": 3,
        "effectiveness": 4,
        "benefit": 5,
        "replicability": 1,
        "sustainability": 3,
    }
    # PSM: 12·.75 + 10·.5 + 10·1 + 8·.25 = 26 of 40 → 65
    # innovation: 15·.5 + 15·.75 + 10·1 + 10·0 + 10·.5 = 33.75 of 60 → 56.25
    # total: 59.75 of 100
    assert scoring.review_scores(values, SPECS) == scoring.ReviewScores(59.75, 65.0, 56.25)


def test_extremes_of_the_scale_are_0_and_100():
    assert scoring.review_scores({s.code: 1 for s in SPECS}, SPECS).total == 0
    assert scoring.review_scores({s.code: 5 for s in SPECS}, SPECS).total == 100


def test_a_scale_other_than_one_to_five():
    specs = [
        scoring.CriterionSpec("a", "psm", 30, 0, 10),
        scoring.CriterionSpec("b", "innovation", 70, 1, 3),
    ]
    # a: 30·0.7 = 21; b: 70·0.5 = 35 → 56
    result = scoring.review_scores({"a": 7, "b": 2}, specs)
    assert (result.total, result.psm, result.innovation) == pytest.approx((56, 70, 50))


def long_form(matrix):
    """reviewers × nominations (NaN: not reviewed) → (units, values)."""
    reviewers, units = np.nonzero(~np.isnan(matrix))
    return units, matrix[reviewers, units]


def test_agreement_is_one_when_reviewers_agree_and_lower_when_not():
    agree = np.array([[50.0, 70.0, 90.0], [50.0, 70.0, 90.0]])
    disagree = np.array([[50.0, 70.0, 90.0], [90.0, 50.0, 70.0]])
    assert scoring.krippendorff_alpha(*long_form(agree)) == pytest.approx(1.0)
    assert scoring.krippendorff_alpha(*long_form(disagree)) < 0


@pytest.mark.parametrize("seed", range(5))
def test_agreement_equals_the_krippendorff_package(seed):
    import krippendorff

    rng = np.random.default_rng(seed)
    matrix = np.full((6, 25), np.nan)
    quality = rng.integers(20, 90, 25)
    for unit in range(25):
        for reviewer in rng.choice(6, rng.integers(1, 4), replace=False):
            matrix[reviewer, unit] = quality[unit] + rng.integers(-15, 15)
    expected = krippendorff.alpha(reliability_data=matrix, level_of_measurement="interval")
    assert scoring.krippendorff_alpha(*long_form(matrix)) == pytest.approx(expected)


def test_agreement_is_undefined_for_a_single_nomination():
    assert scoring.krippendorff_alpha(np.array([1, 1]), np.array([50.0, 60.0])) is None
