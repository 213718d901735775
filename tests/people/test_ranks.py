import pytest
from django.core.exceptions import ValidationError

from people.ranks import PNS_RANKS, PPPK_GRADES, normalize_rank


@pytest.mark.parametrize(
    "spelling", ["III/a", "IIIa", "III.a", "iii/A", "III / a", "III-a", " IIIA "]
)
def test_common_pns_spellings_are_stored_as_one(spelling):
    assert normalize_rank(spelling, employment_status="pns") == "III/a"


def test_every_pns_rank_round_trips():
    assert [normalize_rank(r, employment_status="pns") for r in PNS_RANKS] == list(PNS_RANKS)
    assert len(PNS_RANKS) == 17
    assert PNS_RANKS[0] == "I/a"
    assert PNS_RANKS[-1] == "IV/e"


@pytest.mark.parametrize(
    "rank", ["I/e", "II/e", "III/e", "V/a", "IV/f", "3a", "IIII/a", "golongan"]
)
def test_pns_rank_outside_the_scale_is_refused(rank):
    with pytest.raises(ValidationError):
        normalize_rank(rank, employment_status="pns")


def test_cpns_uses_pns_ranks():
    assert normalize_rank("II.c", employment_status="cpns") == "II/c"


@pytest.mark.parametrize(
    ("given", "stored"), [("IX", "IX"), ("ix", "IX"), ("9", "IX"), ("17", "XVII"), ("I", "I")]
)
def test_pppk_grades_are_roman(given, stored):
    assert normalize_rank(given, employment_status="pppk") == stored


@pytest.mark.parametrize("grade", ["XVIII", "0", "18", "III/a"])
def test_pppk_grade_outside_the_scale_is_refused(grade):
    with pytest.raises(ValidationError):
        normalize_rank(grade, employment_status="pppk")


def test_pppk_grades_count_seventeen():
    assert len(PPPK_GRADES) == 17


def test_empty_rank_stays_empty():
    assert normalize_rank("", employment_status="pns") == ""
