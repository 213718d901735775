"""Reviewer assignment: conflicts computed as sets, then an optimal min-cost flow.

Graph (OR-Tools' ``SimpleMinCostFlow``)::

    source ─need─▶ nomination ─1, cost 0 if expertise matches else 10─▶ reviewer
    reviewer ─1, cost 0─▶ sink, ─1, cost 1─▶ sink, ─1, cost 2─▶ sink, … (up to the load cap)

The increasing unit costs on the reviewer → sink arcs balance the load; the
expertise cost prefers matching reviewers unless that would load someone ten
reviews more than needed. Existing assignments are kept and count toward the
need and the loads. If the maximum flow does not cover every nomination's
need, nothing is written and the nominations that lack reviewers are listed
with the reason.

A panel that can be corrected (DESIGN.md §3.4): the adjusted score tells a
reviewer's leniency from a nomination's quality only through reviewers who
share nominations. Equal costs make the flow's optimum blocky (the same
trio on many nominations, groups that share no one), so

1. every nomination → reviewer arc also carries a random tie-break, scaled
   below one unit of the real cost (seeded by the cycle: the same input gives
   the same assignment): among the optimal assignments, a random one;
2. ``connect`` then swaps new reviewers between nominations of different
   groups of the co-review graph until it is connected where the conflicts
   allow it. A swap keeps every load, cap and conflict; it may cost an
   expertise match, because an unconnected panel cannot be calibrated.

``panel_design`` reports the result on the assignment page.
"""

from __future__ import annotations

import heapq
import itertools
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import numpy as np
from django.db import models, transaction
from django.utils.translation import gettext as _

from core.errors import ConflictError, NotFoundError
from core.jobs import start
from core.types import Actor
from people.selectors import employee_supervisor_chains

from .models import (
    Assignment,
    CommitteeMember,
    Cycle,
    DeclaredConflict,
    Nomination,
    Nominee,
    Round,
)
from .rounds import current_round, panel, reviewers_needed, round_nominations
from .workflow import S, nomination_transition_many

EXPERTISE_MISMATCH_COST = 10
# The random tie-break of a nomination → reviewer arc lies in [0, TIE_BREAK);
# real costs are scaled so that all tie-breaks together weigh less than one
# unit of real cost.
TIE_BREAK = 16


@dataclass
class AssignmentResult:
    assigned: int = 0
    kept: int = 0
    nominations: int = 0
    shortfalls: list[dict] = field(default_factory=list)
    total_cost: int = 0
    design: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.shortfalls

    def as_dict(self) -> dict:
        return {
            "assigned": self.assigned,
            "kept": self.kept,
            "nominations": self.nominations,
            "shortfalls": self.shortfalls,
            "design": self.design,
        }


@dataclass
class Problem:
    """Inputs of the solver as arrays: nominations × members.

    ``allowed[i, j]``: member j may review nomination i (no conflict, not
    already assigned); ``match[i, j]``: their expertise covers its category.
    """

    nominations: list[int]
    members: list[int]
    needs: np.ndarray  # reviewers still needed, per nomination
    capacity: np.ndarray  # reviews each member can still take
    allowed: np.ndarray
    match: np.ndarray
    current_load: np.ndarray | None = None

    @classmethod
    def from_dicts(
        cls,
        *,
        needs: dict[int, int],
        candidates: dict[int, list[int]],
        capacity: dict[int, int],
        matches: set[tuple[int, int]],
        current_load: dict[int, int] | None = None,
    ) -> Problem:
        nominations, members = list(needs), sorted(capacity)
        col = {m: j for j, m in enumerate(members)}
        allowed = np.zeros((len(nominations), len(members)), dtype=bool)
        match = np.zeros_like(allowed)
        for i, n in enumerate(nominations):
            for m in candidates.get(n, ()):
                if m in col:
                    allowed[i, col[m]] = True
                    match[i, col[m]] = (n, m) in matches
        load = current_load or {}
        return cls(
            nominations,
            members,
            np.array([needs[n] for n in nominations]),
            np.array([capacity[m] for m in members]),
            allowed,
            match,
            np.array([load.get(m, 0) for m in members]),
        )

    def candidate_counts(self) -> dict[int, int]:
        return dict(zip(self.nominations, self.allowed.sum(axis=1).tolist(), strict=True))


# The kinds of conflict; the chair's decision is barred by the personal ones.
PERSONAL = ("nominee", "nominator", "above", "below")


def cycle_conflicts(
    *, cycle: Cycle, nomination_ids: list[int], members: list[int] | None = None
) -> dict[int, dict[int, str]]:
    """For each nomination, the committee members in conflict and why."""
    found = cycle_conflict_kinds(cycle=cycle, nomination_ids=nomination_ids, members=members)
    return {n: {m: reason for m, (_kind, reason) in by.items()} for n, by in found.items()}


def cycle_conflict_kinds(
    *,
    cycle: Cycle,
    nomination_ids: list[int],
    members: list[int] | None = None,
    seats: list[tuple[int, int, int]] | None = None,
) -> dict[int, dict[int, tuple[str, str]]]:
    """For each nomination, the committee members (all, or the ids in
    ``members``) in conflict: ``{member: (kind, reason)}``.

    By identity (employee id, i.e. NIP), never by e-mail: the member is a
    nominee (``nominee``) or the nominator (``nominator``), anywhere above a
    nominee in the reporting line (``above``) or anywhere below one — a
    subordinate must not score their superior (``below``) —, works in a
    nominee's org unit (``unit``), or declared a conflict (``declared``).
    Reporting lines are read as they are now (an HR import moves people).
    ``seats`` (member, employee, unit) saves reading the members when the
    caller has them; then declared conflicts are not read (a chair declares none).
    """
    declared_too = seats is None
    if seats is None:
        rows = CommitteeMember.objects.filter(cycle=cycle)
        if members is not None:
            rows = rows.filter(pk__in=members)
        seats = list(rows.values_list("id", "employee_id", "employee__org_unit_id"))
    conflicts = _personal_conflicts(seats, nomination_ids)
    if not declared_too:
        return conflicts
    declared = DeclaredConflict.objects.filter(nomination_id__in=nomination_ids)
    if members is not None:
        declared = declared.filter(member_id__in=members)
    for nomination_id, member_id, reason in declared.values_list(
        "nomination_id", "member_id", "reason"
    ):
        conflicts.setdefault(nomination_id, {})[member_id] = (
            "declared",
            _("declared a conflict: %(reason)s") % {"reason": reason},
        )
    return conflicts


def _personal_conflicts(
    seats: list[tuple[int, int, int]], nomination_ids: list[int]
) -> dict[int, dict[int, tuple[str, str]]]:
    """The conflicts of ``cycle_conflict_kinds`` but the declared ones (three queries)."""
    by_employee = defaultdict(list)
    by_unit = defaultdict(list)
    for member_id, employee_id, unit_id in seats:
        by_employee[employee_id].append(member_id)
        by_unit[unit_id].append(member_id)
    nominees = defaultdict(list)
    for nomination_id, employee_id, unit_id in Nominee.objects.filter(
        nomination_id__in=nomination_ids
    ).values_list("nomination_id", "employee_id", "employee__org_unit_id"):
        nominees[nomination_id].append((employee_id, unit_id))
    nominators = dict(
        Nomination.objects.filter(pk__in=nomination_ids).values_list("id", "nominator_id")
    )
    # Every chain in one read: the nominees' (who is above them) and the
    # members' (whom they report to, so who is below a nominee).
    chains = employee_supervisor_chains(
        employee_ids={e for rows in nominees.values() for e, _u in rows} | set(by_employee)
    )
    below: dict[int, list[int]] = defaultdict(list)  # nominee → members reporting to them
    for employee_id, member_ids in by_employee.items():
        for boss in chains.get(employee_id, ()):
            below[boss].extend(member_ids)
    conflicts: dict[int, dict[int, tuple[str, str]]] = {}
    for nomination_id in nomination_ids:
        found = conflicts[nomination_id] = {}
        for employee_id, unit_id in nominees[nomination_id]:
            for m in by_unit.get(unit_id, ()):
                found.setdefault(m, ("unit", _("works in the nominee's org unit")))
            for m in below.get(employee_id, ()):
                found[m] = ("below", _("reports to the nominee"))
            for boss in chains.get(employee_id, ()):
                for m in by_employee.get(boss, ()):
                    found[m] = ("above", _("is in the nominee's supervisor chain"))
            for m in by_employee.get(employee_id, ()):
                found[m] = ("nominee", _("is a nominee"))
        for m in by_employee.get(nominators.get(nomination_id, 0), ()):
            found[m] = ("nominator", _("is the nominator"))
    return conflicts


# Up to this many nominations, chair_conflicts reads their nominees by id.
CONFLICTS_BY_ID = 1000


def chair_conflicts(*, cycle: Cycle, nomination_ids: list[int]) -> dict[int, dict[str, str]]:
    """The nominations whose decision the chair may not take, because they
    are its nominator or a nominee or in a nominee's reporting line:
    ``{nomination: {"chair": reason, "deputy": reason or absent}}``. The
    deputy chair decides those, unless in conflict too.

    The same conflicts as ``cycle_conflict_kinds`` for two seats, read from
    their side: the cycle's nominations they made, and its nominees who are
    them, above them (their reporting paths) or below them (one index range
    each) — a few rows whatever the cycle's size."""
    rows = list(
        CommitteeMember.objects.filter(cycle=cycle)
        .filter(models.Q(is_chair=True) | models.Q(is_deputy_chair=True))
        .values_list("is_chair", "id", "employee_id", "employee__reporting_path")
    )
    seat_of = {is_chair: member for is_chair, member, _e, _p in rows}
    chair, deputy = seat_of.get(True), seat_of.get(False)
    if chair is None or not nomination_ids:
        return {}
    wanted = set(nomination_ids)
    people = {member: employee for _c, member, employee, _p in rows}
    above_seat = {  # member → the ids of their supervisors
        member: {int(part) for part in path.split("/") if part} for _c, member, _e, path in rows
    }
    below = models.Q()
    for _c, _member, employee, path in rows:
        below |= models.Q(employee__reporting_path__startswith=f"{path}{employee}/")
    found: dict[int, dict[int, tuple[str, str]]] = defaultdict(dict)
    everyone_above = set().union(*above_seat.values())
    nominees = Nominee.objects.filter(nomination__cycle=cycle)
    if len(wanted) <= CONFLICTS_BY_ID:
        # A page of rows: their nominees, not every nominee below a seat
        # (below a chair high in the organisation, that is most of a cycle).
        nominees = nominees.filter(nomination_id__in=wanted)
    for nomination_id, employee, path in nominees.filter(
        models.Q(employee_id__in=[*people.values(), *everyone_above]) | below
    ).values_list("nomination_id", "employee_id", "employee__reporting_path"):
        if nomination_id not in wanted:
            continue
        chain = {int(part) for part in path.split("/") if part}
        for member, seat_employee in people.items():
            if employee in above_seat[member]:
                found[nomination_id][member] = ("below", _("reports to the nominee"))
            if seat_employee in chain:
                found[nomination_id][member] = ("above", _("is in the nominee's supervisor chain"))
            if employee == seat_employee:
                found[nomination_id][member] = ("nominee", _("is a nominee"))
    by_employee = {employee: member for member, employee in people.items()}
    for nomination_id, nominator in Nomination.objects.filter(
        cycle=cycle, nominator_id__in=list(people.values())
    ).values_list("id", "nominator_id"):
        if nomination_id in wanted:
            found[nomination_id][by_employee[nominator]] = ("nominator", _("is the nominator"))
    return _chair_or_deputy(found, chair, deputy)


def _chair_or_deputy(
    found: dict[int, dict[int, tuple[str, str]]], chair: int, deputy: int | None
) -> dict[int, dict[str, str]]:
    out: dict[int, dict[str, str]] = {}
    for nomination_id, by_member in found.items():
        kind, reason = by_member.get(chair, ("", ""))
        if kind in PERSONAL:
            out[nomination_id] = {"chair": reason}
            d_kind, d_reason = by_member.get(deputy, ("", "")) if deputy else ("", "")
            if d_kind in PERSONAL:
                out[nomination_id]["deputy"] = d_reason
    return out


def solve(problem: Problem, *, seed: int = 0) -> tuple[dict[int, list[int]], int, int]:
    """Optimal assignment by min-cost max-flow, with the graph built as arrays;
    ties between optimal assignments broken at random (``seed``).

    Returns (new reviewers per nomination, total flow, total cost), the cost
    without the tie-breaks.
    """
    from ortools.graph.python import min_cost_flow

    n, m = problem.allowed.shape
    needs = np.maximum(problem.needs, 0)
    capacity = np.maximum(problem.capacity, 0)
    load = problem.current_load if problem.current_load is not None else np.zeros(m, int)
    total_need = int(needs.sum())
    # Real costs × scale + a tie-break below scale / (number of reviews):
    # the tie-breaks of a whole assignment never outweigh one unit of cost.
    scale = TIE_BREAK * (total_need + 1)
    source, sink = 0, 1
    flow = min_cost_flow.SimpleMinCostFlow()
    # source → nomination
    wanted = np.nonzero(needs > 0)[0]
    flow.add_arcs_with_capacity_and_unit_cost(
        np.zeros(len(wanted), dtype=np.int64),
        2 + wanted,
        needs[wanted],
        np.zeros(len(wanted), dtype=np.int64),
    )
    # nomination → member, one review each, dearer without matching expertise
    usable = problem.allowed & (needs[:, None] > 0) & (capacity[None, :] > 0)
    rows, cols = np.nonzero(usable)
    costs = np.where(problem.match[rows, cols], 0, EXPERTISE_MISMATCH_COST)
    tie_break = np.random.default_rng(seed).integers(0, TIE_BREAK, len(rows))
    pair_arcs = flow.add_arcs_with_capacity_and_unit_cost(
        2 + rows,
        2 + n + cols,
        np.ones(len(rows), dtype=np.int64),
        (costs * scale + tie_break).astype(np.int64),
    )
    # member → sink in unit steps of rising cost: the k-th extra review costs load + k
    member_of_unit = np.repeat(np.arange(m), capacity)
    step = np.arange(len(member_of_unit)) - np.repeat(np.cumsum(capacity) - capacity, capacity)
    step_cost = load[member_of_unit] + step
    unit_arcs = flow.add_arcs_with_capacity_and_unit_cost(
        2 + n + member_of_unit,
        np.full(len(member_of_unit), sink, dtype=np.int64),
        np.ones(len(member_of_unit), dtype=np.int64),
        (step_cost * scale).astype(np.int64),
    )
    flow.set_node_supply(source, total_need)
    flow.set_node_supply(sink, -total_need)
    if total_need == 0 or flow.solve_max_flow_with_min_cost() != flow.OPTIMAL:
        return {}, 0, 0
    used = np.nonzero(flow.flows(pair_arcs))[0] if len(rows) else np.array([], dtype=int)
    chosen: dict[int, list[int]] = defaultdict(list)
    for i, j in zip(rows[used].tolist(), cols[used].tolist(), strict=True):
        chosen[problem.nominations[i]].append(problem.members[j])
    units = np.nonzero(flow.flows(unit_arcs))[0] if len(member_of_unit) else np.array([], dtype=int)
    cost = int(costs[used].sum()) + int(step_cost[units].sum())
    return dict(chosen), flow.maximum_flow(), cost


class _Groups:
    """Union-find over reviewers: the groups of the co-review graph."""

    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def find(self, x: int) -> int:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def join(self, members: list[int]) -> None:
        for other in members[1:]:
            self.parent[self.find(other)] = self.find(members[0])


# Candidate swaps tried (each checked by recounting the groups) before
# ``connect`` gives up on joining the smallest group.
SWAP_TRIES = 50
# Nomination pairs looked at for a swap: when the groups are cleanly apart
# (one per category, no conflicts mixing them) no swap keeps the expertise
# matches and every pair of thousands of nominations would be looked at, in
# time and memory that grew with the square of the cycle.
SWAP_SCAN = 20_000


def _group_of(
    chosen: dict[int, list[int]], existing: dict[int, set[int]]
) -> tuple[dict[int, list[int]], dict[int, int]]:
    """Each nomination's panel (existing and new reviewers), and the group of
    the co-review graph of each nomination with new reviewers."""
    groups = _Groups()
    panels = {n: [*existing.get(n, ()), *chosen.get(n, ())] for n in set(chosen) | set(existing)}
    for members in panels.values():
        groups.join(members)
    return panels, {n: groups.find(panels[n][0]) for n in chosen if panels[n]}


def connect(
    problem: Problem, chosen: dict[int, list[int]], existing: dict[int, set[int]]
) -> tuple[dict[int, list[int]], int]:
    """Swap newly chosen reviewers between nominations of different groups of
    the co-review graph (existing assignments included) until one group is
    left, or no swap the conflicts allow joins two. A swap exchanges reviewer
    r of nomination a with reviewer s of nomination b: every load stays, and
    r may review b and s may review a. A swap is kept only if the groups are
    fewer after it (one that moves a reviewer who sat on that nomination
    alone may just trade places), so there are fewer swaps than groups.
    Returns the new choice and the number of swaps."""
    chosen = {n: list(ms) for n, ms in chosen.items()}
    swaps = 0
    panels, group_of = _group_of(chosen, existing)
    while len(set(group_of.values())) > 1:
        for a, b, r, s in itertools.islice(
            _joining_swaps(problem, chosen, panels, group_of), SWAP_TRIES
        ):
            chosen[a][chosen[a].index(r)] = s
            chosen[b][chosen[b].index(s)] = r
            after_panels, after = _group_of(chosen, existing)
            if len(set(after.values())) < len(set(group_of.values())):
                panels, group_of = after_panels, after
                swaps += 1
                break
            chosen[a][chosen[a].index(s)] = r  # no join: undone
            chosen[b][chosen[b].index(r)] = s
        else:  # the conflicts keep the groups apart
            return chosen, swaps
    return chosen, swaps


def _joining_swaps(problem, chosen, panels, group_of) -> Iterator[tuple[int, int, int, int]]:
    """Swaps (a, b, r, s) between the smallest group and another: first those
    that keep both expertise matches, as they are found, then the others,
    fewest matches lost first. Only nominations that keep another reviewer
    (a then links its group to s) are considered."""
    row, col = problem_index(problem)
    sizes: dict[int, int] = defaultdict(int)
    for g in group_of.values():
        sizes[g] += 1
    smallest = min(sizes, key=sizes.__getitem__)

    def match(n: int, member: int) -> int:
        return int(problem.match[row[n], col[member]])

    def may(n: int, member: int) -> bool:
        return bool(problem.allowed[row[n], col[member]]) and member not in panels[n]

    costly: list[tuple[int, int, int, int, int]] = []
    inside = [a for a, g in group_of.items() if g == smallest and len(panels[a]) >= 2]
    outside = [b for b, g in group_of.items() if g != smallest and len(panels[b]) >= 2]
    pairs = itertools.product(inside, outside)
    for a, b in itertools.islice(pairs, SWAP_SCAN):
        for r, s in itertools.product(chosen[a], chosen[b]):
            if may(a, s) and may(b, r):
                loss = match(a, r) + match(b, s) - match(a, s) - match(b, r)
                if loss <= 0:
                    yield a, b, r, s
                else:
                    costly.append((loss, a, b, r, s))
                    if len(costly) > 2 * SWAP_TRIES:  # only SWAP_TRIES are ever tried
                        costly = heapq.nsmallest(SWAP_TRIES, costly)
    for _loss, a, b, r, s in sorted(costly):
        yield a, b, r, s


def panel_design(*, cycle: Cycle, round: Round | None = None) -> dict[str, int]:
    """``design_quality`` of the assignments of the cycle's current round
    (or of ``round``)."""
    round = round or current_round(cycle)
    panels: dict[int, list[int]] = defaultdict(list)
    for nomination_id, member_id in Assignment.objects.filter(round=round, conflict="").values_list(
        "nomination_id", "member_id"
    ):
        panels[nomination_id].append(member_id)
    return design_quality(list(panels.values()))


def design_quality(panels: list[list[int]]) -> dict[str, int]:
    """How well a set of review panels (each nomination's reviewers) lets
    leniency be told from quality: ``pairs`` (distinct reviewer pairs that
    share a nomination), ``most_shared`` (the most nominations one pair
    shares), ``largest_repeated_panel`` (the most nominations with the very
    same reviewers) and ``groups`` (of the co-review graph: 1 is connected)."""
    from collections import Counter
    from itertools import combinations

    pairs: Counter[tuple[int, int]] = Counter()
    same: Counter[tuple[int, ...]] = Counter()
    groups = _Groups()
    for members in panels:
        ordered = sorted(set(members))
        if not ordered:
            continue
        pairs.update(combinations(ordered, 2))
        same[tuple(ordered)] += 1
        groups.join(ordered)
    roots = {groups.find(x) for x in groups.parent}
    return {
        "pairs": len(pairs),
        "most_shared": max(pairs.values(), default=0),
        "largest_repeated_panel": max(same.values(), default=0),
        "groups": len(roots),
    }


def build_problem(
    *, cycle: Cycle, nomination_ids: list[int], round: Round | None = None
) -> tuple[Problem, dict]:
    """The assignment problem of the cycle's current round (or ``round``):
    its panel, its reviewers per nomination, the loads and the assignments
    already made in it."""
    round = round or current_round(cycle)
    conflicts = cycle_conflicts(cycle=cycle, nomination_ids=nomination_ids)
    members = panel(round)
    col = {member.pk: j for j, member in enumerate(members)}
    row = {n: i for i, n in enumerate(nomination_ids)}
    existing = defaultdict(set)
    load = np.zeros(len(members), dtype=np.int64)
    # An assignment flagged for a conflict found later counts for nothing:
    # its nomination needs another reviewer (the member stays barred).
    for nomination_id, member_id in Assignment.objects.filter(round=round, conflict="").values_list(
        "nomination_id", "member_id"
    ):
        existing[nomination_id].add(member_id)
        if member_id in col:
            load[col[member_id]] += 1
    allowed = np.ones((len(nomination_ids), len(members)), dtype=bool)
    for n, blocked in conflicts.items():
        for member_id in blocked:
            if member_id in col:
                allowed[row[n], col[member_id]] = False
    for n, member_id in Assignment.objects.filter(
        nomination_id__in=nomination_ids, round=round
    ).values_list("nomination_id", "member_id"):
        if member_id in col:  # at most one assignment per member and nomination in a round
            allowed[row[n], col[member_id]] = False
    categories = dict(
        Nomination.objects.filter(pk__in=nomination_ids).values_list("id", "category_id")
    )
    category_ids = sorted(set(categories.values()))
    cat_col = {c: k for k, c in enumerate(category_ids)}
    knows = np.zeros((len(members), max(len(category_ids), 1)), dtype=bool)
    for j, member in enumerate(members):
        for c in member.expertise.all():
            if c.pk in cat_col:
                knows[j, cat_col[c.pk]] = True
    nomination_cat = np.array([cat_col[categories[n]] for n in nomination_ids], dtype=np.int64)
    match = knows[:, nomination_cat].T if members else np.zeros_like(allowed)
    k = reviewers_needed(round, cycle)
    needs = np.array([max(k - len(existing[n]), 0) for n in nomination_ids], dtype=np.int64)
    capacity = np.array(
        [max(mb.load_cap - int(load[j]), 0) for j, mb in enumerate(members)], dtype=np.int64
    )
    problem = Problem(
        list(nomination_ids),
        [mb.pk for mb in members],
        needs,
        capacity,
        allowed & True,
        match & allowed,
        load,
    )
    return problem, {"conflicts": conflicts, "existing": existing}


def problem_index(problem: Problem) -> tuple[dict[int, int], dict[int, int]]:
    return (
        {n: i for i, n in enumerate(problem.nominations)},
        {m: j for j, m in enumerate(problem.members)},
    )


def reviewers_assign(
    *,
    cycle_id: int,
    actor: Actor | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> AssignmentResult:
    """Assign reviewers in the cycle's current round (``rounds``), all or
    nothing, to every nomination of the round that lacks some: in the first
    round the eligible ones and those in review; in a later one, the
    shortlist that entered it. The cycle is in the reviewing phase.

    Side effects: assignment rows of the round; eligible nominations become
    ``in_review`` in the first round (audit rows written by the workflow).
    """
    progress = progress or (lambda done, total, stage: None)
    cycle = Cycle.objects.get(pk=cycle_id)
    if actor is not None and not actor.has_perm("nominations.manage_cycle", cycle):
        raise NotFoundError()
    if cycle.phase != Cycle.Phase.REVIEWING:
        raise ConflictError(_("Reviewers are assigned in the reviewing phase."))
    round = current_round(cycle)
    nomination_ids = list(
        cycle.nominations.filter(round_nominations(round))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    result = AssignmentResult(nominations=len(nomination_ids))
    progress(0, 3, "conflicts")
    problem, info = build_problem(cycle=cycle, nomination_ids=nomination_ids, round=round)
    progress(1, 3, "solving")
    chosen, max_flow, cost = solve(problem, seed=cycle.pk)
    total_need = int(problem.needs.sum())
    if max_flow == total_need:
        chosen, _swaps = connect(problem, chosen, info["existing"])
    need_of = dict(zip(problem.nominations, problem.needs.tolist(), strict=True))
    candidates = problem.candidate_counts()
    result.kept = sum(len(v) for v in info["existing"].values())
    if max_flow < total_need:
        reviewer_ids = set(problem.members)
        titles = dict(Nomination.objects.filter(pk__in=nomination_ids).values_list("id", "title"))
        for n in nomination_ids:
            got = len(chosen.get(n, []))
            if got >= need_of[n]:
                continue
            available = candidates[n]
            if available < need_of[n]:
                reason = _(
                    "only %(available)d conflict-free reviewer(s) for %(need)d place(s); "
                    "%(conflicts)d committee member(s) have a conflict"
                ) % {
                    "available": available,
                    "need": need_of[n],
                    # reviewers only: the chair and deputy chair never review
                    "conflicts": len(set(info["conflicts"].get(n, {})) & reviewer_ids),
                }
            else:
                reason = _("the conflict-free reviewers have reached their load caps")
            result.shortfalls.append(
                {"nomination": n, "title": titles[n], "needed": need_of[n], "reason": reason}
            )
        result.design = panel_design(cycle=cycle, round=round)
        progress(3, 3, "failed")
        return result
    progress(2, 3, "saving")
    with transaction.atomic():
        row, col = problem_index(problem)
        rows = [
            Assignment(
                nomination_id=n,
                member_id=m,
                round=round,
                expertise_match=bool(problem.match[row[n], col[m]]),
            )
            for n, ms in chosen.items()
            for m in ms
        ]
        Assignment.objects.bulk_create(rows)
        eligible = list(
            Nomination.objects.filter(pk__in=nomination_ids, status=S.ELIGIBLE).values_list(
                "pk", flat=True
            )
        )
        nomination_transition_many(
            nomination_ids=eligible,
            to=S.IN_REVIEW,
            note="reviewers assigned",
            values={"round": round},
        )
    result.assigned = len(rows)
    result.total_cost = cost
    result.design = panel_design(cycle=cycle, round=round)
    progress(3, 3, "done")
    return result


def reviewers_assign_or_queue(*, cycle: Cycle, actor) -> tuple[AssignmentResult | None, str | None]:
    """Assign now, or — for a cycle with more eligible nominations than
    ``ASSIGNMENT_ASYNC_THRESHOLD`` — queue the assignment as a background task
    with progress. Returns ``(result, None)`` or ``(None, task id)``; raises
    ``ServiceUnavailableError`` if the queue cannot take the task (nothing is
    assigned then)."""
    from django.conf import settings
    from django.utils.translation import gettext as _

    from core.errors import ServiceUnavailableError

    from .tasks import assign_reviewers

    if not actor.has_perm("nominations.manage_cycle", cycle):
        raise NotFoundError()
    count = cycle.nominations.filter(status__in=["eligible", "in_review"]).count()
    if count <= settings.ASSIGNMENT_ASYNC_THRESHOLD:
        return reviewers_assign(cycle_id=cycle.pk, actor=actor), None
    try:
        task_id = start(assign_reviewers, actor=actor, cycle_id=cycle.pk, actor_id=actor.pk)
    except Exception:
        raise ServiceUnavailableError(
            _("The job queue is unavailable; nothing was assigned. Try again shortly.")
        ) from None
    return None, task_id
