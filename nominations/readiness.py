"""Whether a cycle's set-up is complete enough to open for nominations
(DESIGN §7.2 ``readiness``). The cycle page's checklist shows these problems,
and the phase change out of ``draft`` refuses with the same ones.

And what a phase change will do and leave open (``phase_preview``), shown
before the secretariat confirms it."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, ngettext_lazy

from .models import Assignment, Cycle, Nomination

P = Cycle.Phase
S = Nomination.Status

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


def rounds_unfinished(cycle: Cycle) -> list[Problem]:
    """Deciding starts in the last round: an earlier round whose shortlist
    is not advanced refuses it."""
    waiting = list(cycle.rounds.filter(status="open").order_by("position")[:2])
    if len(waiting) < 2:
        return []
    return [
        Problem(
            "round_open",
            _("The shortlist of round %(round)s has not been advanced yet.")
            % {"round": waiting[0]},
        )
    ]


@dataclass
class PhasePreview:
    """What moving ``cycle`` into ``to`` does (``happens``), what it leaves
    unfinished (``open``: allowed, but worth a look) and what refuses it
    (``blockers``: the same reasons the phase change gives)."""

    to: str
    happens: list[str] = field(default_factory=list)
    open: list[Problem] = field(default_factory=list)
    blockers: list[Problem] = field(default_factory=list)


def _counts(cycle: Cycle) -> dict[str, int]:
    """Nominations by status, and eligible ones nobody reviews (one query);
    reviews assigned and not submitted (one query)."""
    counts = cycle.nominations.aggregate(
        # distinct: the join with the assignments repeats a nomination per reviewer
        **{status: Count("pk", filter=Q(status=status), distinct=True) for status in S.values},
        unassigned=Count("pk", filter=Q(status=S.ELIGIBLE, assignments__isnull=True)),
    )
    counts["reviews_open"] = (
        Assignment.objects.filter(nomination__cycle=cycle, conflict="")
        .exclude(status=Assignment.Status.SUBMITTED)
        .count()
    )
    return counts


def _many(code: str, n: int, message: Any) -> list[Problem]:
    """``[Problem]`` with ``message`` (an ``ngettext_lazy`` on ``"n"``) for
    ``n``, or ``[]`` when ``n`` is 0."""
    return [Problem(code, str(message % {"n": n}))] if n else []


def phase_preview(cycle: Cycle, to: str) -> PhasePreview:
    """What moving the cycle into phase ``to`` will do and leave open."""
    preview = PhasePreview(to=to)
    if to == P.NOMINATING:
        preview.blockers = cycle_problems(cycle)
        preview.happens = [
            _("Supervisors can nominate their staff and submit nominations."),
            _(
                "The rules, the categories and the rubric are fixed from now on; names, "
                "dates, award levels and the committee can still change."
            ),
        ]
        preview.open = cycle_warnings(cycle)
    elif to == P.REVIEWING:
        n = _counts(cycle)
        preview.happens = [
            _("Nominating closes: no new nominations, and drafts can no longer be submitted."),
            _("Reviewers can be assigned to the eligible nominations and score them."),
        ]
        preview.open = [
            *_many(
                "drafts",
                n[S.DRAFT],
                ngettext_lazy(
                    "%(n)d draft will stay unsubmitted: it can no longer enter the cycle.",
                    "%(n)d drafts will stay unsubmitted: they can no longer enter the cycle.",
                    "n",
                ),
            ),
            *_many(
                "unscreened",
                n[S.SUBMITTED],
                ngettext_lazy(
                    "%(n)d submitted nomination is not screened yet (it can be screened during "
                    "review).",
                    "%(n)d submitted nominations are not screened yet (they can be screened "
                    "during review).",
                    "n",
                ),
            ),
            *(w for w in cycle_warnings(cycle) if w.code == "too_few_reviewers"),
        ]
    elif to == P.DECIDING:
        n = _counts(cycle)
        preview.blockers = rounds_unfinished(cycle)
        preview.happens = [
            _("The chair decides an award level for each reviewed nomination."),
            _("Reviews not yet submitted can still be submitted."),
        ]
        preview.open = [
            *_many(
                "unscreened",
                n[S.SUBMITTED],
                ngettext_lazy(
                    "%(n)d submitted nomination is not screened: it can no longer be screened "
                    "or reviewed.",
                    "%(n)d submitted nominations are not screened: they can no longer be "
                    "screened or reviewed.",
                    "n",
                ),
            ),
            *_many(
                "unassigned",
                n["unassigned"],
                ngettext_lazy(
                    "%(n)d eligible nomination has no reviewer yet.",
                    "%(n)d eligible nominations have no reviewer yet.",
                    "n",
                ),
            ),
            *_many(
                "reviews_open",
                n["reviews_open"],
                ngettext_lazy(
                    "%(n)d review is not submitted yet.",
                    "%(n)d reviews are not submitted yet.",
                    "n",
                ),
            ),
        ]
    elif to == P.PUBLISHED:
        n = _counts(cycle)
        preview.happens = [
            ngettext(
                "%(n)d decided nomination is published.",
                "%(n)d decided nominations are published.",
                n[S.DECIDED],
            )
            % {"n": n[S.DECIDED]},
            _(
                "Each awarded nominee gets a signed certificate, a post on the public wall "
                "(unless they opted out) and incentive records for HR to approve."
            ),
            _("Every nominee is told the outcome by e-mail. This cannot be undone."),
        ]
        preview.blockers = _many(
            "undecided",
            n[S.IN_REVIEW] + n[S.REVIEWED],
            ngettext_lazy(
                "%(n)d nomination still waits for a decision.",
                "%(n)d nominations still wait for a decision.",
                "n",
            ),
        )
    elif to == P.CLOSED:
        preview.happens = [
            _(
                "The cycle is archived: its results, certificates and posts stay as they "
                "are, and nothing in it can change any more."
            )
        ]
    return preview
