"""Reads of the nominations app, each scoped to the caller."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import gc
import hashlib
import math
import threading
from collections import Counter, OrderedDict, defaultdict
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, overload

from django.core.cache import cache
from django.db.models import Count, Exists, F, Max, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.expressions import OrderBy
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core import i18n
from core.db import fetch_prepared
from core.errors import NotFoundError
from core.types import Viewer
from people.selectors import (
    SECRETARIAT,
    employee_search_q,
    orgunit_search_q,
    user_employee,
    user_group_names,
)

from . import scoring
from .evidence import EXTENSIONS
from .models import (
    Assignment,
    AwardLevel,
    Category,
    CommitteeMember,
    Cycle,
    Nomination,
    Nominee,
    ResultNotice,
    Review,
    ReviewChange,
    Round,
    RoundResult,
)

S = Nomination.Status


def cycle_list() -> QuerySet[Cycle]:
    return Cycle.objects.select_related("rubric").prefetch_related(
        "categories", "award_levels", "rubric__criteria"
    )


def nomination_list(*, user: Viewer) -> QuerySet[Nomination]:
    """Nominations the user may see, with what the API shows of them."""
    return (
        nomination_scope(user=user)
        .select_related("cycle", "category", "nominator", "award_level")
        .prefetch_related(
            Prefetch("nominees", queryset=Nominee.objects.select_related("employee__org_unit")),
            "evidence",
        )
    )


# What an employee is involved in, in one round trip: nominations naming them
# (once submitted), nominations assigned to them, cycles they chair.
_INVOLVEMENT_SQL = """
    SELECT 'named', n.nomination_id FROM nominations_nominee n
      JOIN nominations_nomination m ON m.id = n.nomination_id
     WHERE n.employee_id = %(e)s AND m.status <> 'draft'
    UNION ALL
    SELECT 'assigned', a.nomination_id FROM nominations_assignment a
      JOIN nominations_committeemember c ON c.id = a.member_id
     WHERE c.employee_id = %(e)s
    UNION ALL
    SELECT 'chair', c.cycle_id FROM nominations_committeemember c
     WHERE c.employee_id = %(e)s AND (c.is_chair OR c.is_deputy_chair)
    UNION ALL
    SELECT 'blind', a.nomination_id FROM nominations_assignment a
      JOIN nominations_committeemember c ON c.id = a.member_id
      JOIN nominations_nomination m ON m.id = a.nomination_id
      JOIN nominations_cycle y ON y.id = m.cycle_id
     WHERE c.employee_id = %(e)s AND y.blind_review
"""


@dataclass(frozen=True)
class Involvement:
    """What an employee is involved in: nominations naming them, nominations
    assigned to them (those of blind cycles apart) and cycles they chair or
    deputise for."""

    named: frozenset[int] = frozenset()
    assigned: frozenset[int] = frozenset()
    assigned_blind: frozenset[int] = frozenset()
    chair_of: frozenset[int] = frozenset()


def _involvement(user: Viewer) -> Involvement:
    """The user's :class:`Involvement`, cached on the user object for the request."""
    cached = getattr(user, "_apresiasi_involvement", None)
    if cached is None:
        employee = user_employee(user)
        kinds: dict[str, set[int]] = defaultdict(set)
        if employee is not None:
            for kind, pk in fetch_prepared(_INVOLVEMENT_SQL, {"e": employee.pk}):
                kinds[kind].add(pk)
        cached = Involvement(
            named=frozenset(kinds["named"]),
            assigned=frozenset(kinds["assigned"]),
            assigned_blind=frozenset(kinds["blind"]),
            chair_of=frozenset(kinds["chair"]),
        )
        setattr(user, "_apresiasi_involvement", cached)  # noqa: B010 - a per-request cache
    return cached


def nomination_scope(*, user: Viewer) -> QuerySet[Nomination]:
    """Nominations the user may see: the secretariat all; a chair those of
    their cycles; others what they nominated, what names them, and what they
    are assigned to review. Drafts only to their nominator (and the secretariat).

    The ids a person is involved in are fetched first (one small query): a
    filter on a list compiles far faster than correlated EXISTS subqueries,
    which dominated the list endpoint's time (bench/listing.py).
    """
    base = Nomination.objects.all()
    if SECRETARIAT in user_group_names(user):
        return base
    employee = user_employee(user)
    if employee is None:
        return base.none()
    seen = _involvement(user)
    visible = Q(nominator_id=employee.pk)
    involved = seen.named | seen.assigned
    if involved:
        visible |= Q(pk__in=sorted(involved))
    if seen.chair_of:
        visible |= Q(cycle_id__in=sorted(seen.chair_of)) & ~Q(status=S.DRAFT)
    return base.filter(visible)


def decision_scope(*, user: Viewer) -> set[int] | None:
    """Cycles whose decisions the user may see before publication; ``None``: all."""
    if SECRETARIAT in user_group_names(user):
        return None
    return set(_involvement(user).chair_of)


def identity_hidden(*, user: Viewer, nomination_id: int, cycle_id: int, nominator_id: int) -> bool:
    """Whether who is nominated (the nominees, the nominator, the names of
    the evidence files and their metadata) is hidden from ``user``: they see
    the nomination only as its assigned reviewer in a blind-review cycle.

    The one rule of blind review: the API (list, detail, evidence download)
    and the web pages (nomination, review) all ask it. The secretariat, the
    chair and the deputy chair, the nominator and the nominees see who."""
    if SECRETARIAT in user_group_names(user):
        return False
    seen = _involvement(user)
    employee = user_employee(user)
    return (
        nomination_id in seen.assigned_blind
        and nomination_id not in seen.named
        and cycle_id not in seen.chair_of
        and (employee is None or employee.pk != nominator_id)
    )


def nomination_get(*, user: Viewer, pk: int) -> Nomination:
    try:
        return nomination_list(user=user).get(pk=pk)
    except (Nomination.DoesNotExist, ValueError, TypeError):
        raise NotFoundError() from None


def assignment_list(*, user: Viewer) -> QuerySet[Assignment]:
    """The reviewer's own assignments."""
    employee = user_employee(user)
    if employee is None:
        return Assignment.objects.none()
    return (
        Assignment.objects.filter(member__employee=employee)
        .select_related("nomination__cycle", "nomination__category", "review", "round__rubric")
        .prefetch_related(
            Prefetch(
                "nomination__nominees",
                queryset=Nominee.objects.select_related("employee__org_unit"),
            ),
            "nomination__evidence",
        )
    )


def assignment_get(*, user: Viewer, pk: int) -> Assignment:
    try:
        return assignment_list(user=user).get(pk=pk)
    except (Assignment.DoesNotExist, ValueError, TypeError):
        raise NotFoundError() from None


def assignment_for_chair(*, user: Viewer, pk: int) -> Assignment:
    """Any assignment of a cycle the user chairs (for reopening)."""
    employee = user_employee(user)
    chair_of = CommitteeMember.objects.filter(employee=employee, is_chair=True).values("cycle")
    try:
        return Assignment.objects.select_related("nomination__cycle").get(
            pk=pk, nomination__cycle__in=chair_of
        )
    except (Assignment.DoesNotExist, ValueError, TypeError):
        raise NotFoundError() from None


def other_reviews(*, assignment: Assignment) -> list[Review]:
    """Other reviewers' submitted reviews, shown only after one's own is
    submitted; the caller strips reviewer identity."""
    if assignment.status != Assignment.Status.SUBMITTED:
        return []
    return list(
        Review.objects.filter(
            assignment__nomination_id=assignment.nomination_id,
            assignment__round_id=assignment.round_id,
            submitted_at__isnull=False,
        )
        .exclude(assignment=assignment)
        .order_by("submitted_at")
    )


def reviewer_nominees(*, user: Viewer, nomination: Nomination) -> list[Nominee] | None:
    """The nominees as the reviewer may see them: ``None`` when who is
    hidden from them (:func:`identity_hidden`)."""
    if identity_hidden(
        user=user,
        nomination_id=nomination.pk,
        cycle_id=nomination.cycle_id,
        nominator_id=nomination.nominator_id,
    ):
        return None
    return list(nomination.nominees.select_related("employee__org_unit"))


def reviewer_view(*, user: Viewer, assignment: Assignment) -> dict:
    """What a reviewer sees of an assigned nomination: the nomination, its
    nominees (``None`` when blind), its evidence (under neutral names when
    blind), and the other reviewers' submitted reviews once their own is
    submitted (without who wrote them)."""
    nomination = assignment.nomination
    nominees = reviewer_nominees(user=user, nomination=nomination)
    items = list(nomination.evidence.all())
    return {
        "nomination": nomination,
        "nominees": nominees,
        "blind": nominees is None,
        "evidence": [
            {
                "id": e.pk,
                "name": (
                    e.original_name
                    if nominees is not None
                    else evidence_blind_name(e.content_type, n)
                ),
                "size": e.size,
                "content_type": e.content_type,
                "url": reverse("api-evidence-download", args=[nomination.pk, e.pk]),
            }
            for n, e in enumerate(items, start=1)
        ],
        "other_reviews": other_reviews(assignment=assignment),
    }


def evidence_blind_name(content_type: str, number: int) -> str:
    """An evidence file's name as a blind reviewer sees it: its number and type."""
    label = _("evidence")
    return f"{label}-{number}.{EXTENSIONS.get(content_type, 'bin')}"


# --- screening ---------------------------------------------------------------------


def _norm_title(title: str) -> str:
    return " ".join(title.split()).casefold()  # whitespace runs as one space, ends trimmed


def _months_between(start: dt.date, end: dt.date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month - (end.day < start.day)


def screening_findings(
    *, cycle: Cycle, only: Collection[int] | None = None
) -> dict[int, list[dict]]:
    """Automatic findings per submitted nomination of the cycle (or of those
    of its nominations in ``only``, a page), in a fixed number of queries:
    innovation too young, inactive nominee, duplicate title, unit over its
    quota. The duplicates and the quotas are counted over the whole cycle."""
    live = cycle.nominations.exclude(status__in=[S.DRAFT, S.WITHDRAWN])
    chosen = live if only is None else live.filter(pk__in=sorted(only))
    # Plain rows, not model instances: a cycle of 20,000 took seconds to build.
    nominations = list(chosen.values_list("id", "title", "status", "submitted_at", "started_on"))
    people: dict[int, list[tuple[bool, str, bool, int, str]]] = defaultdict(list)
    for nomination_id, *person in Nominee.objects.filter(nomination__in=chosen).values_list(
        "nomination_id",
        "is_lead",
        "employee__name",
        "employee__active",
        "employee__org_unit_id",
        "employee__org_unit__name",
    ):
        people[nomination_id].append(tuple(person))  # type: ignore[arg-type]
    every_title = (
        (title for _pk, title, *_rest in nominations)
        if only is None
        else live.values_list("title", flat=True).iterator()
    )
    titles = Counter(_norm_title(title) for title in every_title)
    unit_of: dict[int, tuple[int, str] | None] = {}
    for pk, *_rest in nominations:
        lead = next((x for x in people[pk] if x[0]), None)
        unit_of[pk] = (lead[3], lead[4]) if lead else None
    if only is None:
        per_unit = Counter(u[0] for u in unit_of.values() if u)
    elif not cycle.max_nominations_per_unit:
        per_unit = Counter()  # no quota to be over
    else:  # the units' nominations over the whole cycle, by their lead nominee
        per_unit = Counter(
            dict(
                Nominee.objects.filter(
                    is_lead=True,
                    nomination__in=live,
                    employee__org_unit_id__in={u[0] for u in unit_of.values() if u},
                )
                .order_by()
                .values_list("employee__org_unit_id")
                .annotate(n=Count("nomination_id", distinct=True))
                .values_list("employee__org_unit_id", "n")
            )
        )
    findings: dict[int, list[dict]] = defaultdict(list)
    for pk, title, status, submitted_at, started_on in nominations:
        if status != S.SUBMITTED:
            continue
        on = (submitted_at or timezone.now()).date()
        if started_on and _months_between(started_on, on) < cycle.min_innovation_months:
            findings[pk].append(
                {
                    "code": "too_young",
                    "message": _(
                        "The innovation has run %(months)d months; the cycle asks for %(min)d."
                    )
                    % {
                        "months": _months_between(started_on, on),
                        "min": cycle.min_innovation_months,
                    },
                }
            )
        inactive = [name for _lead, name, active, _u, _n in people[pk] if not active]
        if inactive:
            findings[pk].append(
                {
                    "code": "inactive_nominee",
                    "message": _("Inactive nominee: %(names)s.") % {"names": ", ".join(inactive)},
                }
            )
        if titles[_norm_title(title)] > 1:
            findings[pk].append(
                {
                    "code": "duplicate_title",
                    "message": _("Another nomination of this cycle has the same title."),
                }
            )
        unit = unit_of[pk]
        if (
            unit
            and cycle.max_nominations_per_unit
            and per_unit[unit[0]] > cycle.max_nominations_per_unit
        ):
            findings[pk].append(
                {
                    "code": "unit_over_quota",
                    "message": _("%(unit)s has %(count)d nominations; the quota is %(max)d.")
                    % {
                        "unit": unit[1],
                        "count": per_unit[unit[0]],
                        "max": cycle.max_nominations_per_unit,
                    },
                }
            )
    return dict(findings)


def screening_report(*, cycle: Cycle) -> dict:
    """The submitted nominations waiting for screening, each with its
    automatic findings, and one sentence that sums them up."""
    findings = screening_findings(cycle=cycle)
    waiting = list(
        cycle.nominations.filter(status=S.SUBMITTED)
        .order_by("submitted_at", "pk")
        .values_list("pk", "title")
    )
    flagged = sum(1 for pk, _title in waiting if findings.get(pk))
    if not waiting:
        message = _("No submitted nominations wait for screening.")
    elif not flagged:
        message = _("No findings: every submitted nomination passes the automatic checks.")
    else:
        message = _("%(flagged)d of %(total)d submitted nominations have findings.") % {
            "flagged": flagged,
            "total": len(waiting),
        }
    return {
        "message": message,
        "results": [
            {"nomination": pk, "title": title, "findings": findings.get(pk, [])}
            for pk, title in waiting
        ],
    }


def cycle_assignments(
    *, cycle: Cycle, today: dt.date | None = None, pk: int | None = None
) -> list[dict]:
    """Who reviews what in the cycle (or the one assignment ``pk``), with each
    review's state and whether it is overdue (not submitted after the
    planned end of review); one query."""
    today = today or timezone.localdate()
    late = cycle.deciding_on is not None and today > cycle.deciding_on
    rows = Assignment.objects.filter(nomination__cycle=cycle)
    if pk is not None:
        rows = rows.filter(pk=pk)
    rows = rows.select_related("member__employee", "nomination").order_by(
        "nomination_id", "member__employee__name", "pk"
    )
    return [
        {
            "id": a.pk,
            "nomination": a.nomination_id,
            "title": a.nomination.title,
            "reviewer": {"id": a.member_id, "name": a.member.employee.name},
            "status": a.status,
            "conflict": a.conflict,
            "overdue": late and a.status != Assignment.Status.SUBMITTED and not a.conflict,
        }
        for a in rows
    ]


def cycle_progress(assignments: list[dict]) -> list[dict]:
    """Per reviewer, from the rows of ``cycle_assignments``: how many
    nominations are assigned to them, and of those how many reviews are
    drafts, submitted and overdue."""
    per: dict[int, dict] = {}
    for row in assignments:
        counts = per.setdefault(
            row["reviewer"]["id"],
            {"reviewer": row["reviewer"], "assigned": 0, "draft": 0, "submitted": 0, "overdue": 0},
        )
        counts["assigned"] += 1  # all of theirs; draft and submitted are among them
        if row["status"] != Assignment.Status.ASSIGNED:
            counts[row["status"]] += 1
        counts["overdue"] += row["overdue"]
    return sorted(per.values(), key=lambda c: c["reviewer"]["name"])


@dataclass(frozen=True)
class Deadline:
    cycle: Cycle
    what: str  # "nominating", "reviewing" or "deciding": the phase that closes
    on: dt.date
    days: int  # from today; negative when past


def upcoming_deadlines(*, today: dt.date | None = None) -> list[Deadline]:
    """For every cycle taking nominations, reviewing or deciding: the planned
    day its current phase closes (the next phase's planned start), soonest
    first; one query."""
    today = today or timezone.localdate()
    closes = {
        Cycle.Phase.NOMINATING: "reviewing_on",
        Cycle.Phase.REVIEWING: "deciding_on",
        Cycle.Phase.DECIDING: "publishing_on",
    }
    found = []
    for cycle in Cycle.objects.filter(phase__in=list(closes)).order_by("pk"):
        day = getattr(cycle, closes[Cycle.Phase(cycle.phase)])
        if day is not None:
            found.append(Deadline(cycle, cycle.phase, day, (day - today).days))
    return sorted(found, key=lambda d: d.on)


# --- ranking ---------------------------------------------------------------------


@dataclass
class RankingRow:
    nomination_id: int
    title: str
    category: str
    rank: int = 0
    score: float | None = None
    median: float | None = None
    psm_score: float | None = None
    innovation_score: float | None = None
    stdev: float | None = None
    range: float | None = None
    flagged: bool = False
    adjusted_score: float | None = None
    adjusted_se: float | None = None
    disagreement: float | None = None
    reviews: int = 0
    proposed_award_level: str | None = None
    # The chair's decision (an award level's code), once decided.
    decided_award_level: str | None = None
    submitted_at: dt.datetime | None = None
    status: str = ""
    # Promoted from a lower-level cycle: {cycle, nomination, award_level}.
    origin: dict | None = None
    # The final ranking: each round's score ({round, score}, first round
    # first) and the score the nominations are ranked by (DESIGN §7.3).
    rounds: list[dict] = field(default_factory=list)
    final_score: float | None = None
    # Disqualified by a field round's rule (nominations.verification):
    # ranked last in its category, never proposed an award or a shortlist.
    disqualified: bool = False


@dataclass
class ReviewerEffect:
    """A reviewer's estimated leniency (score points above the panel; the
    model of ``nominations.calibration``) and its standard error."""

    member_id: int
    name: str
    reviews: int
    leniency: float
    leniency_se: float | None
    component: int


@dataclass
class Ranking:
    cycle: Cycle
    # The round ranked; None: the final ranking, over every round.
    round: Round | None = None
    rows: list[RankingRow] = field(default_factory=list)
    agreement: float | None = None
    adjusted: bool = True
    reviewers: list[ReviewerEffect] = field(default_factory=list)
    # The model: noise of one review and spread of leniency (score points),
    # and the parts of the co-review graph that share no reviewer.
    noise_sd: float | None = None
    leniency_sd: float | None = None
    components: int = 0


def ranking_inputs(
    *, cycle: Cycle, round: Round | None = None
) -> tuple[Any, Any, list[scoring.LevelRule]]:
    """The ranking's three queries: submitted review scores, the rankable
    nominations (in review or later) and the award levels best first; of one
    round (its reviews, and the nominations that were in it) or of all."""
    import pandas as pd

    in_round = Q()
    reviewed = Q(assignment__nomination__cycle=cycle, submitted_at__isnull=False)
    if round is not None:
        reviewed &= Q(assignment__round=round)
        in_round = Q(round=round) | Q(
            pk__in=RoundResult.objects.filter(round=round).values("nomination_id")
        )
    reviews = pd.DataFrame.from_records(
        # In a fixed order: the fitted model does not depend on the plan.
        Review.objects.filter(reviewed)
        .order_by("assignment__nomination_id", "assignment__member_id")
        .values_list(
            "assignment__nomination_id",
            "assignment__member_id",
            "score",
            "psm_score",
            "innovation_score",
        ),
        columns=["nomination", "reviewer", "score", "psm", "innovation"],
    ).astype({"score": float, "psm": float, "innovation": float})
    nominations = pd.DataFrame.from_records(
        cycle.nominations.filter(
            in_round, status__in=[S.IN_REVIEW, S.REVIEWED, S.DECIDED, S.PUBLISHED]
        ).values_list(
            "id",
            "title",
            "category__code",
            "submitted_at",
            "status",
            "award_level__code",
            "origin_id",
            "origin__cycle_id",
            "origin__award_level__code",
        ),
        columns=[
            "nomination",
            "title",
            "category",
            "submitted_at",
            "status",
            "decided",
            "origin",
            "origin_cycle",
            "origin_level",
        ],
    ).set_index("nomination")
    levels = _level_rules(cycle)
    return reviews[reviews["nomination"].isin(nominations.index)], nominations, levels


def cycle_ranking(*, cycle: Cycle, round: Round | None = None) -> Ranking:
    """The final ranking of the cycle's nominations, or one round's.

    One round is ranked per category (DESIGN.md §4) in four queries,
    whatever its size: the queries (``ranking_inputs``), the statistics
    (``scoring.nomination_statistics``: mean, median, spread, the adjusted
    score and reviewer leniency of ``calibration``, sort and rank,
    vectorised), the quota rules (``scoring.propose_levels``, in the final
    ranking only) and the reviewers' names. The final ranking of a cycle
    with several rounds ranks the nominations that reached the last round by
    their final score (``final_scores``)."""
    rounds = list(cycle.rounds.order_by("position"))
    if round is None and len(rounds) > 1:
        return _final_ranking(cycle, rounds)
    ranking = _round_ranking(cycle, round)
    _disqualify(ranking, round or rounds[0], propose=round is None)
    return ranking


class KeptRows(Sequence[RankingRow]):
    """The rows of a kept ranking (``_packed`` tuples), each made a
    ``RankingRow`` only when read: a page of 200 of a 20,000-row cycle makes
    200. ``filtered`` selects on the tuples."""

    def __init__(self, rows: list[tuple]) -> None:
        self._rows = rows

    def __len__(self) -> int:
        return len(self._rows)

    @overload
    def __getitem__(self, index: int) -> RankingRow: ...

    @overload
    def __getitem__(self, index: slice) -> list[RankingRow]: ...

    def __getitem__(self, index: int | slice) -> RankingRow | list[RankingRow]:
        if isinstance(index, slice):
            return [_row(values) for values in self._rows[index]]
        return _row(self._rows[index])

    def column(self, name: str) -> list:
        at = _ROW_FIELDS.index(name)
        return [row[at] for row in self._rows]

    def by_category(self, key: str) -> dict[str, KeptRows]:
        at, category = _ROW_FIELDS.index(key), _ROW_FIELDS.index("category")
        groups: dict[str, list[tuple]] = defaultdict(list)
        for row in self._rows:
            groups[row[category]].append(row)
        for rows in groups.values():
            rows.sort(key=lambda row: _highest_first(row[at]))
        return {code: KeptRows(rows) for code, rows in groups.items()}

    def filtered(
        self, *, category: str | None, flagged: bool | None, decided: bool | None
    ) -> KeptRows:
        at = {name: _ROW_FIELDS.index(name) for name in ("category", "flagged", "status")}
        return KeptRows(
            [
                row
                for row in self._rows
                if (category is None or row[at["category"]] == category)
                and (flagged is None or row[at["flagged"]] == flagged)
                and (decided is None or (row[at["status"]] in DECIDED_STATUSES) == decided)
            ]
        )


def ranking_for_pages(*, cycle: Cycle, round: Round | None = None) -> tuple[Ranking, Sequence]:
    """``cycle_ranking`` for a list that shows a page of it: the ranking
    (its rows left empty) and its rows as ``KeptRows``, made as they are
    read, where nothing changes them after the cache — a round's ranking or
    a one-round cycle's final ranking, with no field rule that disqualifies.
    Otherwise ``cycle_ranking``'s own rows."""
    from .verification import disqualifies

    rounds = list(cycle.rounds.order_by("position"))
    ruled = round or (rounds[0] if rounds else None)
    if (round is None and len(rounds) > 1) or (ruled is not None and disqualifies(ruled)):
        ranking = cycle_ranking(cycle=cycle, round=round)
        return ranking, ranking.rows
    header, rows = _round_ranking_kept(cycle, round)
    ranking = dataclasses.replace(header, cycle=cycle, round=round)
    return ranking, KeptRows(rows)


def ranking_key(ranking: Ranking, row: RankingRow) -> float | None:
    """The score a row is ranked by in its round: adjusted, or the mean
    where the cycle does not adjust."""
    return row.adjusted_score if ranking.adjusted else row.score


def final_scores(scores: list[float | None], weights: list[int], *, rule: str) -> float | None:
    """A nomination's final score from its rounds' scores (first round
    first): the last round's, or the mean weighted by the rounds' weights
    over the rounds it has a score in."""
    if rule == Cycle.FinalScore.LAST:
        return scores[-1]
    pairs = [(s, w) for s, w in zip(scores, weights, strict=True) if s is not None and w]
    total = sum(w for _s, w in pairs)
    if not total:
        return None
    return round(sum(s * w for s, w in pairs) / total, 2)


def _final_ranking(cycle: Cycle, rounds: list[Round]) -> Ranking:
    """The nominations of the last round, with each round's score, ranked
    per category by the final score (then the PSM sub-score, then earlier
    submission) and proposed award levels by it."""
    last = rounds[-1]
    ranking = _round_ranking(cycle, last, propose=False)
    _disqualify(ranking, last, propose=False)
    earlier: dict[int, dict[int, float | None]] = defaultdict(dict)
    for nomination_id, round_id, score in RoundResult.objects.filter(
        round__in=rounds[:-1], nomination_id__in=[r.nomination_id for r in ranking.rows]
    ).values_list("nomination_id", "round_id", "score"):
        earlier[nomination_id][round_id] = None if score is None else float(score)
    weights = [r.weight for r in rounds]
    for row in ranking.rows:
        scores = [earlier[row.nomination_id].get(r.pk) for r in rounds[:-1]]
        scores.append(ranking_key(ranking, row))
        row.rounds = [{"round": r.pk, "score": s} for r, s in zip(rounds, scores, strict=True)]
        row.final_score = final_scores(scores, weights, rule=cycle.final_score)
    ranking.rows.sort(
        key=lambda r: (
            r.category,
            r.disqualified,
            r.final_score is None,
            -(r.final_score or 0),
            -(r.psm_score or 0),
            r.submitted_at or dt.datetime.max.replace(tzinfo=dt.UTC),
        )
    )
    rank: dict[str, int] = defaultdict(int)
    for row in ranking.rows:
        rank[row.category] += 1
        row.rank = rank[row.category]
    levels = _level_rules(cycle)
    proposals = scoring.propose_levels(
        [
            (r.category, -1.0 if r.final_score is None or r.disqualified else r.final_score)
            for r in ranking.rows
        ],
        levels,
    )
    for row, proposed in zip(ranking.rows, proposals, strict=True):
        row.proposed_award_level = proposed
    return ranking


def _disqualify(ranking: Ranking, round: Round, *, propose: bool) -> None:
    """Mark the rows a field round's rule disqualifies, rank them last in
    their category and, where the ranking proposes award levels, propose
    again without them."""
    from .verification import disqualified_ids

    out = disqualified_ids(round, [r.nomination_id for r in ranking.rows])
    if not out:
        return
    order = {id(row): i for i, row in enumerate(ranking.rows)}
    for row in ranking.rows:
        row.disqualified = row.nomination_id in out
    ranking.rows.sort(key=lambda r: (r.category, r.disqualified, order[id(r)]))
    rank: dict[str, int] = defaultdict(int)
    for row in ranking.rows:
        rank[row.category] += 1
        row.rank = rank[row.category]
    if propose:
        proposals = scoring.propose_levels(
            [
                (r.category, -1.0 if r.disqualified or key is None else key)
                for r, key in ((r, ranking_key(ranking, r)) for r in ranking.rows)
            ],
            _level_rules(ranking.cycle),
        )
        for row, proposed in zip(ranking.rows, proposals, strict=True):
            row.proposed_award_level = proposed


def _level_rules(cycle: Cycle) -> list[scoring.LevelRule]:
    """The cycle's award levels, best first."""
    return [
        scoring.LevelRule(lv.code, float(lv.min_score), lv.quota)
        for lv in AwardLevel.objects.filter(cycle=cycle).order_by("-min_score")
    ]


# How long a computed ranking is kept (it is recomputed at once when any of
# its inputs changes: the key holds their version).
RANKING_CACHE_SECONDS = 24 * 3600


def ranking_version(cycle: Cycle, stage: Round | None) -> str:
    """A digest of everything a round's ranking is computed from: the
    submitted reviews (the newest change to them in its rounds: a trigger
    logs each, ``ReviewChange``), the cycle's nominations (status and
    decisions change their ``updated_at``), the cycle's scoring settings, its
    award levels, committee and rounds, and who was in the round. Any change
    to them gives another digest (six small queries, each through an index:
    the reviews were counted before, which read all of a cycle's)."""
    results = RoundResult.objects.filter(round__cycle=cycle)
    if stage is not None:
        results = results.filter(round=stage)
    newest_change = (
        ReviewChange.objects.filter(round_id=OuterRef("pk")).order_by("-id").values("id")[:1]
    )
    rounds = list(
        Round.objects.filter(cycle=cycle)
        .order_by("pk")
        .annotate(change=Subquery(newest_change))
        .values_list("pk", "position", "weight", "rubric_id", "change")
    )
    if stage is not None:  # its own reviews only: another round's leave it as it is
        rounds = [(*r[:4], r[4] if r[0] == stage.pk else None) for r in rounds]
    parts = (
        Nomination.objects.filter(cycle=cycle).aggregate(n=Count("pk"), last=Max("updated_at")),
        list(
            Cycle.objects.filter(pk=cycle.pk).values_list(
                "updated_at", "adjust_scores", "disagreement_rate", "final_score"
            )
        ),
        list(
            AwardLevel.objects.filter(cycle=cycle)
            .order_by("pk")
            .values_list("code", "min_score", "quota")
        ),
        list(
            CommitteeMember.objects.filter(cycle=cycle)
            .order_by("pk")
            .values_list("pk", "employee__name")
        ),
        rounds,
        results.aggregate(n=Count("pk")),
    )
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """No cyclic garbage collection inside (a burst of allocations that
    creates no cycles); the collector runs again after, as it was."""
    running = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if running:
            gc.enable()


def _round_ranking(cycle: Cycle, stage: Round | None, *, propose: bool | None = None) -> Ranking:
    """One round ranked (all reviews where ``stage`` is None: a cycle with
    one round). Award levels are proposed in the final ranking only.

    The statistics of a 20,000-nomination round take a second, so the
    ranking is kept in the cache under the version of its inputs
    (``ranking_version``): computed once per change of reviews, not per
    request. Who decides each row (the chair's conflicts follow the
    reporting lines, which an HR import moves) is read for the rows shown,
    on every request (``who_decides``)."""
    kept = _round_ranking_kept(cycle, stage, propose=propose)
    with _gc_paused():  # 20,000 rows made at once
        ranking = _unpacked(kept)
    ranking.cycle, ranking.round = cycle, stage
    return ranking


def _round_ranking_kept(
    cycle: Cycle, stage: Round | None, *, propose: bool | None = None
) -> tuple[Ranking, list[tuple]]:
    """``_round_ranking`` as the cache keeps it (``_packed``), computed when
    its inputs' version is not there."""
    propose = stage is None if propose is None else propose
    key = f"ranking:{cycle.pk}:{stage.pk if stage else 0}:{int(propose)}:"
    key += ranking_version(cycle, stage)
    with _KEPT_HERE_LOCK:
        kept = _KEPT_HERE.get(key)
        if kept is not None:
            _KEPT_HERE.move_to_end(key)
            return kept
    with _gc_paused():  # unpickling 20,000 rows set off the collector: 0.15 s → 0.02 s
        kept = cache.get(key)
    if kept is None:
        kept = _packed(_round_ranking_computed(cycle, stage, propose=propose))
        cache.set(key, kept, RANKING_CACHE_SECONDS)
    with _KEPT_HERE_LOCK:
        _KEPT_HERE[key] = kept
        while len(_KEPT_HERE) > KEPT_HERE:
            _KEPT_HERE.popitem(last=False)
    return kept


# The kept rankings this process read last, by their cache key (which holds
# their inputs' version: never stale), so a request reads no 20,000-row blob
# from the cache. Nothing in them is changed: rows are made from them anew.
KEPT_HERE = 2  # a 20,000-row ranking is about 20 MB
_KEPT_HERE: OrderedDict[str, tuple[Ranking, list[tuple]]] = OrderedDict()
_KEPT_HERE_LOCK = threading.Lock()


def kept_rankings_forget() -> None:
    """Forget the rankings this process keeps (the cache's are left)."""
    with _KEPT_HERE_LOCK:
        _KEPT_HERE.clear()


def ranking_flagged_ids(*, cycle: Cycle) -> set[int]:
    """The nominations whose reviewers disagree more than chance would, in
    the cycle's ranking (the last round's, as ``cycle_ranking`` ranks), read
    from the kept ranking without making its rows."""
    rounds = list(cycle.rounds.order_by("position"))
    stage = rounds[-1] if len(rounds) > 1 else None
    _ranking, rows = _round_ranking_kept(cycle, stage)
    flagged, pk = _ROW_FIELDS.index("flagged"), _ROW_FIELDS.index("nomination_id")
    return {row[pk] for row in rows if row[flagged]}


_ROW_FIELDS = [f.name for f in dataclasses.fields(RankingRow)]


def _packed(ranking: Ranking) -> tuple[Ranking, list[tuple]]:
    """A ranking as the cache keeps it: its rows as tuples of their fields
    (unpickled three times faster than as objects; each request gets rows
    of its own to sort and mark)."""
    rows = [tuple(getattr(row, name) for name in _ROW_FIELDS) for row in ranking.rows]
    return dataclasses.replace(ranking, rows=[]), rows


def _unpacked(kept: tuple[Ranking, list[tuple]]) -> Ranking:
    header, rows = kept
    return dataclasses.replace(header, rows=[_row(values) for values in rows])


def _row(values: tuple) -> RankingRow:
    """A ranking row of its own from kept values (its lists and dicts copied:
    the kept ones are shared)."""
    row = RankingRow(*values)
    if row.rounds:
        row.rounds = [dict(r) for r in row.rounds]
    if row.origin is not None:
        row.origin = dict(row.origin)
    return row


def _round_ranking_computed(cycle: Cycle, stage: Round | None, *, propose: bool) -> Ranking:
    reviews, nominations, levels = ranking_inputs(cycle=cycle, round=stage)
    ranking = Ranking(cycle=cycle, round=stage, adjusted=cycle.adjust_scores)
    if reviews.empty:
        return ranking
    statistics = scoring.nomination_statistics(
        reviews,
        nominations,
        disagreement_rate=float(cycle.disagreement_rate) / 100,
        adjust=cycle.adjust_scores,
    )
    stats = statistics.nominations
    proposals = (
        scoring.propose_levels(
            list(zip(stats["category"].tolist(), stats["key"].tolist(), strict=True)), levels
        )
        if propose
        else [None] * len(stats)
    )
    numbers = ["score", "median", "psm", "innovation", "stdev", "range", "adjusted", "adjusted_se"]
    rounded = stats[numbers].round(2).astype(object)
    rounded = rounded.where(rounded.notna(), None)
    disagreement = stats["disagreement"].round(2).astype(object)
    disagreement = disagreement.where(disagreement.notna(), None)
    ranking.rows = [
        RankingRow(
            nomination_id=int(pk),
            title=f.title,
            category=f.category,
            rank=int(f.rank),
            score=r.score,
            median=r.median,
            psm_score=r.psm,
            innovation_score=r.innovation,
            stdev=r.stdev,
            range=r.range,
            flagged=bool(f.flagged),
            adjusted_score=r.adjusted,
            adjusted_se=r.adjusted_se,
            disagreement=d,
            reviews=int(f.reviews),
            proposed_award_level=proposed,
            decided_award_level=f.decided if isinstance(f.decided, str) else None,
            submitted_at=_py_datetime(f.submitted_at),
            status=f.status,
            origin=_origin(f),
        )
        for pk, r, f, d, proposed in zip(
            stats.index,
            rounded.itertuples(index=False),
            stats.itertuples(index=False),
            disagreement.tolist(),
            proposals,
            strict=True,
        )
    ]
    ranking.agreement = scoring.krippendorff_alpha(
        reviews["nomination"].to_numpy(), reviews["score"].to_numpy()
    )
    fitted = statistics.calibration
    ranking.noise_sd = _finite(fitted.noise_sd)
    ranking.leniency_sd = _finite(fitted.leniency_sd)
    ranking.components = fitted.components
    names = dict(
        CommitteeMember.objects.filter(pk__in=statistics.reviewers.index.tolist()).values_list(
            "pk", "employee__name"
        )
    )
    ranking.reviewers = sorted(
        (
            ReviewerEffect(
                member_id=int(pk),
                name=names.get(int(pk), ""),
                reviews=int(row.reviews),
                leniency=round(float(row.leniency), 2),
                leniency_se=_finite(row.leniency_se),
                component=int(row.component),
            )
            for pk, row in statistics.reviewers.iterrows()
        ),
        key=lambda effect: (-effect.leniency, effect.name),
    )
    if stage is None:  # a one-round cycle's final ranking: its final score is the round's
        rounds = list(cycle.rounds.order_by("position").values_list("pk", flat=True))
        for row in ranking.rows:
            row.final_score = ranking_key(ranking, row)
            row.rounds = [{"round": pk, "score": row.final_score} for pk in rounds]
    return ranking


def _py_datetime(value: Any) -> dt.datetime | None:
    """A frame's timestamp as a plain datetime (what the ranking's rows
    hold, in the cache too)."""
    import pandas as pd

    if value is None or pd.isna(value):
        return None
    return value.to_pydatetime() if hasattr(value, "to_pydatetime") else value


def _origin(row: Any) -> dict | None:
    """A ranking row's origin from its frame row (ids with gaps are floats, a gap NaN)."""
    if row.origin is None or math.isnan(row.origin):
        return None
    return {
        "cycle": int(row.origin_cycle),
        "nomination": int(row.origin),
        "award_level": row.origin_level if isinstance(row.origin_level, str) else None,
    }


def _finite(value: float) -> float | None:
    return None if value is None or not math.isfinite(value) else round(float(value), 2)


def who_decides(*, cycle: Cycle, nomination_ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    """The nominations of these ids whose chair may not decide:
    ``{id: (the chair's conflict, "deputy_chair", or "none" when the deputy
    chair is in conflict too)}``; the chair decides the others. For the rows
    shown only: it reads their nominees' reporting lines."""
    from .assignment import chair_conflicts

    ids = list(nomination_ids)
    if not ids:
        return {}
    found = chair_conflicts(cycle=cycle, nomination_ids=ids)
    return {
        pk: (conflict["chair"], "none" if "deputy" in conflict else "deputy_chair")
        for pk, conflict in found.items()
        if conflict
    }


def proposed_award_level(*, nomination: Nomination) -> str | None:
    """The level the ranking proposes for one nomination (its code), read
    before a decision takes the nomination's lock."""
    row = next(
        (r for r in cycle_ranking(cycle=nomination.cycle).rows if r.nomination_id == nomination.pk),
        None,
    )
    return row.proposed_award_level if row else None


def ranking_payload(
    ranking: Ranking, rows: list[RankingRow] | None = None, *, deciders: bool = True
) -> dict:
    """The ranking answer as plain data (shape: ``api.serializers.RankingSerializer``),
    its results the ``rows`` given (a page) or all, each saying who decides
    it (``who_decides``; ``deciders=False``: not yet, the caller marks the
    rows it shows with ``mark_deciders``).

    Built directly rather than through DRF field objects: a 20,000-row cycle
    spent most of its time in per-field serializer calls."""
    shown = ranking.rows if rows is None else rows
    deciding = (
        who_decides(cycle=ranking.cycle, nomination_ids=[r.nomination_id for r in shown])
        if deciders
        else {}
    )
    return {
        "cycle": ranking.cycle.pk,
        "round": ranking.round.pk if ranking.round else None,
        "adjusted": ranking.adjusted,
        "normalised": ranking.adjusted,
        "agreement": None if ranking.agreement is None else round(ranking.agreement, 4),
        "model": {
            "noise_sd": ranking.noise_sd,
            "leniency_sd": ranking.leniency_sd,
            "components": ranking.components,
            "disagreement_rate": float(ranking.cycle.disagreement_rate),
        },
        "reviewers": [
            {
                "member": e.member_id,
                "name": e.name,
                "reviews": e.reviews,
                "leniency": e.leniency,
                "leniency_se": e.leniency_se,
                "component": e.component,
            }
            for e in ranking.reviewers
        ],
        "results": [
            {
                "nomination": r.nomination_id,
                "title": r.title,
                "category": r.category,
                "status": r.status,
                "rank": r.rank,
                "score": r.score,
                "median": r.median,
                "psm_score": r.psm_score,
                "innovation_score": r.innovation_score,
                "stdev": r.stdev,
                "range": r.range,
                "flagged": r.flagged,
                "disagreement": r.disagreement,
                "adjusted_score": r.adjusted_score,
                "adjusted_se": r.adjusted_se,
                "normalised_score": r.adjusted_score,
                "reviews": r.reviews,
                "proposed_award_level": r.proposed_award_level,
                "decided_award_level": r.decided_award_level,
                "decided_by": deciding.get(r.nomination_id, (None, "chair"))[1],
                "chair_conflict": deciding.get(r.nomination_id, (None, None))[0],
                "origin": r.origin,
                "rounds": r.rounds,
                "final_score": r.final_score,
                "disqualified": r.disqualified,
            }
            for r in shown
        ],
    }


DECIDED_STATUSES = {S.DECIDED, S.PUBLISHED}


def mark_deciders(*, cycle: Cycle, results: list[dict]) -> None:
    """Who decides each of these ``ranking_payload`` results (made with
    ``deciders=False``): only the rows a page shows."""
    deciding = who_decides(cycle=cycle, nomination_ids=[r["nomination"] for r in results])
    for row in results:
        row["chair_conflict"], row["decided_by"] = deciding.get(row["nomination"], (None, "chair"))


def _highest_first(score: float | None) -> float:
    """A sort key: the highest score first, a row without one last."""
    return -(score if score is not None else -1)


def ranking_by_category(rows: Sequence[RankingRow], key: str) -> dict[str, Sequence[RankingRow]]:
    """A ranking's rows per category, in the order the categories first
    appear, each highest ``key`` (a score field) first and rows without one
    last. Kept rows are grouped and sorted as tuples, none made a row."""
    if isinstance(rows, KeptRows):
        return dict(rows.by_category(key))
    groups: dict[str, list[RankingRow]] = defaultdict(list)
    for row in rows:
        groups[row.category].append(row)
    for grouped in groups.values():
        grouped.sort(key=lambda r: _highest_first(getattr(r, key)))
    return dict(groups)


def ranking_column(rows: Sequence[RankingRow], name: str) -> list:
    """One field of every row (of kept rows: read off the tuples)."""
    if isinstance(rows, KeptRows):
        return rows.column(name)
    return [getattr(row, name) for row in rows]


def ranking_rows_filtered(
    rows: Sequence[Any],
    *,
    category: str | None = None,
    flagged: bool | None = None,
    decided: bool | None = None,
) -> Sequence[Any]:
    """The rows of a ranking (``RankingRow``, or its payload's dicts) in one
    category, flagged or not, decided or not (``None``: either); their ranks
    stay the whole cycle's."""

    if isinstance(rows, KeptRows):
        return rows.filtered(category=category, flagged=flagged, decided=decided)

    def value(row: Any, name: str) -> Any:
        return row[name] if isinstance(row, dict) else getattr(row, name)

    return [
        row
        for row in rows
        if (category is None or value(row, "category") == category)
        and (flagged is None or value(row, "flagged") == flagged)
        and (decided is None or (value(row, "status") in DECIDED_STATUSES) == decided)
    ]


# --- what other apps read after publication -------------------------------------


def awarded_nominees(*, cycle_id: int) -> QuerySet[Nominee]:
    """Every nominee of the cycle's published nominations that received an
    award, with the nomination, its level, category, cycle and the
    employee's unit (one query)."""
    return (
        Nominee.objects.filter(
            nomination__cycle_id=cycle_id,
            nomination__status=S.PUBLISHED,
            nomination__award_level__isnull=False,
        )
        .select_related(
            "employee__org_unit",
            "nomination__award_level",
            "nomination__category",
            "nomination__cycle",
        )
        .order_by("nomination_id", "-is_lead", "employee_id")
    )


def psm_highlights(*, cycle_id: int) -> dict[int, str]:
    """For each reviewed nomination of the cycle, the PSM statement of the
    dimension its reviewers scored highest (relative to the scale), for
    public recognition posts. Two queries."""
    nominations = dict(
        Nomination.objects.filter(cycle_id=cycle_id).values_list("id", "psm_statements")
    )
    criteria = {
        c.code: c
        for c in Cycle.objects.get(pk=cycle_id).rubric.criteria.filter(
            group="psm", asks_statement=True
        )
    }
    sums: dict[int, Counter] = defaultdict(Counter)
    for nomination_id, scores in Review.objects.filter(
        assignment__nomination__cycle_id=cycle_id, submitted_at__isnull=False
    ).values_list("assignment__nomination_id", "scores"):
        for code, criterion in criteria.items():
            if isinstance(scores.get(code), int | float):
                span = (criterion.scale_max - criterion.scale_min) or 1
                sums[nomination_id][code] += (scores[code] - criterion.scale_min) / span
    highlights = {}
    for nomination_id, statements in nominations.items():
        ranked = sorted(
            criteria,
            key=lambda code: (-sums[nomination_id][code], criteria[code].position),
        )
        for code in ranked:
            if (statements or {}).get(code, "").strip():
                highlights[nomination_id] = statements[code].strip()
                break
    return highlights


def committee_seats(*, user: Viewer) -> dict:
    """``{"reviewer": bool, "chair_of": [cycle ids]}`` for the navigation and
    the home page (one query)."""
    employee = user_employee(user)
    if employee is None:
        return {"reviewer": False, "chair_of": []}
    seats = list(
        CommitteeMember.objects.filter(employee=employee).values_list(
            "cycle_id", "is_chair", "is_deputy_chair"
        )
    )
    return {
        "reviewer": any(not (chair or deputy) for _, chair, deputy in seats),
        "chair_of": [cycle for cycle, chair, deputy in seats if chair or deputy],
    }


def nominations_per_unit(*, cycle: Cycle) -> list[tuple[str, int, int]]:
    """``[(unit name, nominations, awarded)]`` by the lead nominee's unit, for
    nominations past the draft stage (one query)."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for unit, level, status in (
        Nominee.objects.filter(nomination__cycle=cycle, is_lead=True)
        .exclude(nomination__status__in=[S.DRAFT, S.WITHDRAWN])
        .values_list("employee__org_unit__name", "nomination__award_level_id", "nomination__status")
    ):
        counts[unit][0] += 1
        if level is not None and status in (S.DECIDED, S.PUBLISHED):
            counts[unit][1] += 1
    return sorted(((u, n, a) for u, (n, a) in counts.items()), key=lambda r: (-r[1], r[0]))


def award_level_names(*, cycle_ids: Iterable[int]) -> dict[tuple[int, str], str]:
    """``{(cycle id, level code): name in the active language}`` (one query)."""
    return {
        (cycle, code): i18n.pick({"id": name_id, "en": name_en})
        for cycle, code, name_id, name_en in AwardLevel.objects.filter(
            cycle_id__in=cycle_ids
        ).values_list("cycle_id", "code", "name_id", "name_en")
    }


def published_cycles() -> list[tuple[int, str]]:
    """``(id, name)`` of the cycles whose results are published, newest first
    (a few rows: never read through their nominations)."""
    return list(
        Cycle.objects.filter(published_at__isnull=False).order_by("-id").values_list("id", "name")
    )


def published_categories() -> list[tuple[str, str]]:
    """``(code, name in the active language)`` of the categories of published
    cycles, one per code, by code."""
    names: dict[str, str] = {}
    for code, name_id, name_en in (
        Category.objects.filter(cycle__published_at__isnull=False)
        .order_by("code", "-cycle_id")
        .values_list("code", "name_id", "name_en")
    ):
        names.setdefault(code, i18n.pick({"id": name_id, "en": name_en}))
    return list(names.items())


def undelivered_mail(*, cycle_id: int) -> list[dict]:
    """The e-mails of the cycle's nominations that were given up
    (``core.mail.undelivered``; two queries)."""
    from core.mail import undelivered

    return undelivered(
        Nominee.objects.filter(nomination__cycle_id=cycle_id), what=_("Told of the nomination")
    ) + undelivered(ResultNotice.objects.filter(nomination__cycle_id=cycle_id), what=_("Result"))


# --- oversight: the cycle's nomination list ----------------------------------

OVERSIGHT_SORTS: dict[str, tuple[str | OrderBy, ...]] = {
    "submitted": (F("submitted_at").desc(nulls_last=True), "-id"),
    "title": ("title", "id"),
    "nominee": ("lead_name", "id"),
    "unit": ("lead_unit", "lead_name", "id"),
    "category": ("category__code", "title", "id"),
    "status": ("status", "title", "id"),
}


def cycle_flags(*, cycle: Cycle, only: Collection[int] | None = None) -> dict[int, list[str]]:
    """``{nomination id: [why it is flagged]}``: the screening findings of
    submitted nominations, and the reviewers' disagreement once reviews are in
    (the ranking's flag); of the nominations in ``only`` (a page), or all."""
    flags: dict[int, list[str]] = defaultdict(list)
    for pk, found in screening_findings(cycle=cycle, only=only).items():
        flags[pk].extend(f["message"] for f in found)
    # Reviews have been submitted (a change logged: cheaper than finding one).
    if ReviewChange.objects.filter(round_id__in=cycle.rounds.values("pk")).exists():
        flagged = ranking_flagged_ids(cycle=cycle)
        for pk in sorted(flagged if only is None else flagged & set(only)):
            flags[pk].append(_("The reviewers disagree more than chance would."))
    return dict(flags)


def cycle_nominations(
    *,
    cycle: Cycle,
    user: Viewer,
    q: str = "",
    category_id: int | None = None,
    status: str = "",
    unit: str = "",
    only_ids: Iterable[int] | None = None,
    sort: str = "submitted",
) -> QuerySet:
    """The cycle's nominations the user may see, as rows for the oversight
    list: searched by title, nominee name, NIP or unit name; filtered by
    category, status, the unit of any nominee (the unit of that code and the
    units below it, or the units whose name contains the text), and
    ``only_ids`` (the flagged ones); sorted by one of ``OVERSIGHT_SORTS``.
    Each row carries its lead nominee (name, NIP, unit) and counts of
    nominees and of reviews assigned and submitted, as subqueries (no joins
    that repeat a row)."""
    rows = nomination_scope(user=user).filter(cycle=cycle)
    if q := q.strip():
        named = Nominee.objects.filter(nomination=OuterRef("pk")).filter(
            employee_search_q(q, "employee__") | Q(employee__org_unit__name__icontains=q)
        )
        rows = rows.filter(Q(title__icontains=q) | Exists(named))
    if category_id is not None:
        rows = rows.filter(category_id=category_id)
    if status:
        rows = rows.filter(status=status)
    if unit.strip():
        in_unit = orgunit_search_q(unit, "employee__org_unit__")
        rows = rows.filter(Exists(Nominee.objects.filter(in_unit, nomination=OuterRef("pk"))))
    if only_ids is not None:
        rows = rows.filter(pk__in=sorted(only_ids))
    lead = Nominee.objects.filter(nomination=OuterRef("pk")).order_by("-is_lead", "pk")
    per_nomination = Assignment.objects.filter(nomination=OuterRef("pk")).order_by()
    counted = per_nomination.values("nomination").annotate(n=Count("pk")).values("n")
    submitted = (
        per_nomination.filter(status=Assignment.Status.SUBMITTED)
        .values("nomination")
        .annotate(n=Count("pk"))
        .values("n")
    )
    nominees = (
        Nominee.objects.filter(nomination=OuterRef("pk"))
        .order_by()
        .values("nomination")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        rows.annotate(
            lead_name=Subquery(lead.values("employee__name")[:1]),
            lead_nip=Subquery(lead.values("employee__nip")[:1]),
            lead_unit=Subquery(lead.values("employee__org_unit__name")[:1]),
            nominee_count=Coalesce(Subquery(nominees), 0),
            reviews_assigned=Coalesce(Subquery(counted), 0),
            reviews_submitted=Coalesce(Subquery(submitted), 0),
        )
        .order_by(*OVERSIGHT_SORTS.get(sort, OVERSIGHT_SORTS["submitted"]))
        .values(
            "id",
            "title",
            "status",
            "submitted_at",
            "category__name_id",
            "category__name_en",
            "award_level__code",
            "lead_name",
            "lead_nip",
            "lead_unit",
            "nominee_count",
            "reviews_assigned",
            "reviews_submitted",
        )
    )
