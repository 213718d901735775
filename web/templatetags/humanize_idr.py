"""Amounts formatted for the active language (``Rp 7.500.000`` / ``Rp 7,500,000``)."""

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils.formats import get_format, number_format
from django.utils.translation import gettext as _

from core.formats import idr

register = template.Library()


@register.filter
def rupiah(value):
    return idr(value)


TENTH = Decimal("0.1")


@register.filter
def score(value):
    """A score with one decimal in the active language's notation (70,3 /
    70.3), rounded half up, "" for none: what ``floatformat:1`` gives for a
    score (0–100, no thousands), at a twentieth of its cost — the ranking
    page shows eight of them a row, hundreds of rows."""
    if value is None or value == "":
        return ""
    text = str(Decimal(str(value)).quantize(TENTH, rounding=ROUND_HALF_UP))
    return text.replace(".", get_format("DECIMAL_SEPARATOR"))


@register.simple_tag
def amount(record):
    """An incentive's amount in its unit."""
    if record.unit == "IDR":
        return idr(record.amount)
    number = number_format(record.amount, decimal_pos=2 if record.amount % 1 else 0, use_l10n=True)
    if record.unit == "hours":
        return _("%(n)s hours") % {"n": number}
    if record.unit == "points":
        return _("%(n)s points") % {"n": number}
    return number if record.kind not in ("talent_pool", "recognition") else "—"


@register.filter
def get(mapping, key):
    """``{{ names|get:code }}``: a dict lookup with a variable key."""
    return (mapping or {}).get(key, key)


@register.filter
def level_name(level):
    """An award level's name in the active language."""
    return "" if level is None else level.name


@register.filter
def iso_date(value):
    """An ISO 8601 text (as the JSON payloads carry it) as a datetime in the
    current time zone, for the ``date`` filter; empty when it is not one."""
    import datetime as dt

    from django.utils import timezone

    try:
        moment = dt.datetime.fromisoformat(str(value))
    except ValueError:
        return ""
    return timezone.localtime(moment) if timezone.is_aware(moment) else moment
