"""Whether a cycle's set-up is complete enough to open for nominations
(DESIGN §7.2 ``readiness``). The cycle page's checklist shows these problems,
and the phase change out of ``draft`` refuses with the same ones."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Mapping
from dataclasses import asdict, dataclass

from django.utils.translation import gettext as _

from .models import Cycle

DATE_FIELDS = ["nominating_on", "reviewing_on", "deciding_on", "publishing_on", "closing_on"]


@dataclass(frozen=True)
class Problem:
    code: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


def dates_out_of_order(values: Mapping[str, dt.date | None]) -> list[tuple[str, str]]:
    """Pairs of planned dates (earlier field, later field) in the wrong order."""
    given = [(f, values[f]) for f in DATE_FIELDS if values.get(f)]
    return [(a, b) for (a, da), (b, db) in itertools.pairwise(given) if db < da]  # type: ignore[operator]


def date_label(field: str) -> str:
    return str(getattr(Cycle._meta.get_field(field), "verbose_name", field))


def cycle_problems(cycle: Cycle) -> list[Problem]:
    """What is missing before ``cycle`` can open, in the order to fix it."""
    problems = []
    if not cycle.categories.exists():
        problems.append(Problem("no_categories", _("The cycle has no categories.")))
    total = sum(cycle.rubric.criteria.values_list("weight", flat=True))
    if total != 100:
        problems.append(
            Problem(
                "weights",
                _("The rubric's weights add up to %(total)d, not 100.") % {"total": total},
            )
        )
    if not cycle.award_levels.exists():
        problems.append(Problem("no_award_levels", _("The cycle has no award levels.")))
    if not cycle.committee.filter(is_chair=True).exists():
        problems.append(Problem("no_chair", _("The committee has no chair.")))
    for first, later in dates_out_of_order({f: getattr(cycle, f) for f in DATE_FIELDS}):
        problems.append(
            Problem(
                "dates",
                _("“%(later)s” is before “%(first)s”.")
                % {"later": date_label(later), "first": date_label(first)},
            )
        )
    return problems


def cycle_warnings(cycle: Cycle) -> list[Problem]:
    """What does not stop the cycle opening but must be fixed before review:
    the committee can still grow while nominations come in."""
    warnings = []
    reviewers = cycle.committee.filter(is_chair=False, is_deputy_chair=False).count()
    if reviewers < cycle.reviewers_per_nomination:
        warnings.append(
            Problem(
                "too_few_reviewers",
                _(
                    "The committee has %(n)d reviewer(s); each nomination needs %(k)d "
                    "(the chair and deputy chair do not review)."
                )
                % {"n": reviewers, "k": cycle.reviewers_per_nomination},
            )
        )
    return warnings
