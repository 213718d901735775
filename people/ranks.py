"""Ranks: PNS *golongan/ruang* (I/a … IV/e) and PPPK grades (I … XVII).

People write a PNS rank as ``III/a``, ``IIIa``, ``III.a``, ``III-a`` or
``III / A``; all are stored as ``III/a``. PPPK grades are stored as Roman
numerals and may be given as Arabic numbers (``9`` → ``IX``).
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

PNS_RANKS: tuple[str, ...] = tuple(
    f"{group}/{letter}"
    for group, letters in (("I", "abcd"), ("II", "abcd"), ("III", "abcd"), ("IV", "abcde"))
    for letter in letters
)
_ROMAN = "I II III IV V VI VII VIII IX X XI XII XIII XIV XV XVI XVII".split()  # noqa: SIM905
PPPK_GRADES: tuple[str, ...] = tuple(_ROMAN)

_PNS_PATTERN = re.compile(r"^(IV|III|II|I)\s*[/.\-]?\s*([A-E])$")


def normalize_rank(value: str, *, employment_status: str) -> str:
    """Return the stored spelling of a rank, or raise ``ValidationError``.

    ``employment_status`` is ``pns``, ``cpns`` (PNS ranks) or ``pppk`` (grades).
    An empty value stays empty (rank unknown).
    """
    raw = str(value or "").strip()
    if not raw:
        return ""
    text = raw.upper()
    if employment_status == "pppk":
        if text.isdigit() and 1 <= int(text) <= len(_ROMAN):
            return _ROMAN[int(text) - 1]
        if text in PPPK_GRADES:
            return text
        raise ValidationError(
            _("“%(value)s” is not a PPPK grade (I … XVII).") % {"value": raw}, code="rank"
        )
    match = _PNS_PATTERN.match(text)
    if match:
        rank = f"{match.group(1)}/{match.group(2).lower()}"
        if rank in PNS_RANKS:
            return rank
    raise ValidationError(
        _("“%(value)s” is not a PNS rank (golongan I/a … IV/e).") % {"value": raw}, code="rank"
    )
