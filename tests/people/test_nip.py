import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from people.nip import parse_nip

TODAY = dt.date(2026, 11, 27)


def test_valid_nip_is_parsed_into_its_parts():
    parsed = parse_nip("19860926 201505 1 001", today=TODAY)
    assert parsed.nip == "198609262015051001"
    assert parsed.birth_date == dt.date(1986, 9, 26)
    assert parsed.appointed == (2015, 5)
    assert parsed.gender == "M"
    assert parsed.sequence == 1


def test_female_gender_digit():
    assert parse_nip("199001012015032045", today=TODAY).gender == "F"


def test_appointment_in_the_month_the_employee_turns_18_is_valid():
    assert parse_nip("200001152018011001", today=TODAY).appointed == (2018, 1)


@pytest.mark.parametrize(
    ("nip", "code"),
    [
        ("", "required"),
        ("19860926201505100", "nip_length"),  # 17 digits
        ("1986092620150510011", "nip_length"),  # 19 digits
        ("19860926201505100a", "nip_digits"),
        ("１９８６０９２６２０１５０５１００１", "nip_digits"),  # full-width digits
        ("198602302015051001", "nip_birth_date"),  # 30 February
        ("198613012015051001", "nip_birth_date"),  # month 13
        ("198609002015051001", "nip_birth_date"),  # day 0
        ("203001012050011001", "nip_birth_date"),  # born in the future
        ("198609262015131001", "nip_appointment"),  # appointment month 13
        ("198609262015001001", "nip_appointment"),  # appointment month 0
        ("198609262004081001", "nip_appointment"),  # appointed at 17
        ("200001152017121001", "nip_appointment"),  # one month before turning 18
        ("198609262030011001", "nip_appointment"),  # appointed in the future
        ("198609262015053001", "nip_gender"),
        ("198609262015050001", "nip_gender"),
        ("198609262015051000", "nip_sequence"),
    ],
)
def test_invalid_nip_is_refused_with_the_reason(nip, code):
    with pytest.raises(ValidationError) as info:
        parse_nip(nip, today=TODAY)
    assert info.value.code == code


def test_messages_are_indonesian_by_default():
    from django.utils import translation

    with translation.override("id"), pytest.raises(ValidationError) as info:
        parse_nip("1986", today=TODAY)
    assert info.value.messages == ["NIP harus 18 digit, bukan 4."]
