"""Formatting for the active language."""

from decimal import Decimal

from django.utils.formats import number_format


def idr(amount: Decimal | int) -> str:
    """Rupiah with grouping for the active language: ``Rp 5.000.000`` (id),
    ``Rp 5,000,000`` (en)."""
    return "Rp " + number_format(Decimal(amount), decimal_pos=0, force_grouping=True)
