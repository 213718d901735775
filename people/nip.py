"""NIP (*Nomor Induk Pegawai*): the 18-digit Indonesian civil-servant number.

Layout: birth date ``yyyymmdd``, first appointment ``yyyymm``, gender digit
(1 male, 2 female), sequence ``nnn`` — e.g. ``19860926 201505 1 001``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MIN_APPOINTMENT_AGE = 18
_SEPARATORS = re.compile(r"[\s.\-]")


@dataclass(frozen=True)
class ParsedNIP:
    nip: str
    birth_date: dt.date
    appointed: tuple[int, int]  # (year, month) of first appointment
    gender: str  # "M" or "F"
    sequence: int


def normalize_nip(value: str) -> str:
    """Drop the spaces, dots and dashes people type between the NIP's parts."""
    return _SEPARATORS.sub("", str(value or "").strip())


def parse_nip(value: str, *, today: dt.date | None = None) -> ParsedNIP:
    """Parse and validate a NIP, raising ``ValidationError`` naming what is wrong."""
    nip = normalize_nip(value)
    today = today or dt.date.today()
    if not nip:
        raise ValidationError(_("NIP is required."), code="required")
    if not nip.isdigit() or not nip.isascii():
        raise ValidationError(_("NIP must contain digits only."), code="nip_digits")
    if len(nip) != 18:
        raise ValidationError(
            _("NIP must have 18 digits, not %(count)d.") % {"count": len(nip)},
            code="nip_length",
        )
    try:
        birth = dt.date(int(nip[0:4]), int(nip[4:6]), int(nip[6:8]))
    except ValueError:
        raise ValidationError(
            _("NIP digits 1–8 are not a real birth date (yyyymmdd)."), code="nip_birth_date"
        ) from None
    if birth > today:
        raise ValidationError(_("NIP birth date is in the future."), code="nip_birth_date")
    year, month = int(nip[8:12]), int(nip[12:14])
    if not 1 <= month <= 12:
        raise ValidationError(
            _("NIP digits 9–14 are not a real year and month of first appointment (yyyymm)."),
            code="nip_appointment",
        )
    if (year, month) < (birth.year + MIN_APPOINTMENT_AGE, birth.month):
        raise ValidationError(
            _("NIP first appointment is before the employee turned %(age)d.")
            % {"age": MIN_APPOINTMENT_AGE},
            code="nip_appointment",
        )
    if (year, month) > (today.year, today.month):
        raise ValidationError(_("NIP first appointment is in the future."), code="nip_appointment")
    gender_digit = nip[14]
    if gender_digit not in "12":
        raise ValidationError(_("NIP digit 15 (gender) must be 1 or 2."), code="nip_gender")
    sequence = int(nip[15:18])
    if sequence == 0:
        raise ValidationError(_("NIP sequence (digits 16–18) cannot be 000."), code="nip_sequence")
    return ParsedNIP(
        nip=nip,
        birth_date=birth,
        appointed=(year, month),
        gender="M" if gender_digit == "1" else "F",
        sequence=sequence,
    )


def validate_nip(value: str) -> None:
    """Model-field validator."""
    parse_nip(value)
