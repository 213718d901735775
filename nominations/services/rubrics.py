"""Rubrics: versioned criteria; a rubric in use never changes."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from nominations import defaults
from nominations.models import Criterion, Cycle, Rubric

P = Cycle.Phase


def rubric_in_use(rubric: Rubric) -> bool:
    """In use by a cycle that is not closed: then it must not change."""
    return rubric.cycles.exclude(phase=P.CLOSED).exclude(phase=P.DRAFT).exists()


def rubric_create(*, name: str, criteria: list[dict], version: int = 1) -> Rubric:
    """Create a rubric; weights must be whole numbers summing to 100."""
    errors = {}
    total = sum(int(c.get("weight", 0)) for c in criteria)
    if not criteria:
        errors["criteria"] = [_("A rubric needs at least one criterion.")]
    elif total != 100:
        errors["criteria"] = [
            _("The weights add up to %(total)d; they must add up to 100.") % {"total": total}
        ]
    codes = [c["code"] for c in criteria]
    if len(set(codes)) != len(codes):
        errors["criteria"] = [_("Criterion codes must be unique.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        rubric = Rubric.objects.create(name=name, version=version)
        for position, spec in enumerate(criteria):
            criterion = Criterion(rubric=rubric, position=position, **spec)
            criterion.full_clean()
            criterion.save()
    return rubric


def rubric_new_version(*, rubric: Rubric, criteria: list[dict]) -> Rubric:
    """A changed copy of ``rubric`` under the next version number."""
    latest = Rubric.objects.filter(name=rubric.name).order_by("-version").first() or rubric
    return rubric_create(name=rubric.name, criteria=criteria, version=latest.version + 1)


def rubric_default() -> Rubric:
    """The seeded default rubric of DESIGN.md §4 (created on first use)."""
    existing = Rubric.objects.filter(name=defaults.DEFAULT_RUBRIC_NAME).order_by("version").first()
    if existing is not None:
        return existing
    return rubric_create(
        name=defaults.DEFAULT_RUBRIC_NAME,
        criteria=[
            {
                "code": code,
                "name_id": names[0],
                "name_en": names[1],
                "group": group,
                "weight": weight,
                "asks_statement": asks,
                "levels": levels,
            }
            for code, names, group, weight, asks, levels in defaults.DEFAULT_CRITERIA
        ],
    )
