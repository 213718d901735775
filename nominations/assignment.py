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
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import ConflictError, NotFoundError
from people.models import Employee

from .models import Assignment, CommitteeMember, Cycle, DeclaredConflict, Nomination, Nominee
from .workflow import S, nomination_transition_many

EXPERTISE_MISMATCH_COST = 10


@dataclass
class AssignmentResult:
    assigned: int = 0
    kept: int = 0
    nominations: int = 0
    shortfalls: list[dict] = field(default_factory=list)
    total_cost: int = 0

    @property
    def ok(self) -> bool:
        return not self.shortfalls

    def as_dict(self) -> dict:
        return {
            "assigned": self.assigned,
            "kept": self.kept,
            "nominations": self.nominations,
            "shortfalls": self.shortfalls,
        }


@dataclass
class Problem:
    """Inputs of the solver: who may review what, needs and capacities."""

    needs: dict[int, int]  # nomination id → reviewers still needed
    candidates: dict[int, list[int]]  # nomination id → conflict-free member ids
    capacity: dict[int, int]  # member id → reviews they can still take
    matches: set[tuple[int, int]]  # (nomination, member) with matching expertise
    current_load: dict[int, int] = field(default_factory=dict)


def _chains(employee_ids: set[int]) -> dict[int, set[int]]:
    """Supervisor chains of the given employees, from one query over the
    reporting line (set-based: no query per employee or per pair)."""
    parent = dict(
        Employee.objects.filter(supervisor__isnull=False).values_list("id", "supervisor_id")
    )
    above: dict[int, set[int]] = {}  # employee → everyone strictly above them

    def chain(e: int) -> set[int]:
        path, cur = [], parent.get(e)
        while cur is not None and cur not in above and cur not in path:
            path.append(cur)
            cur = parent.get(cur)
        result = above[cur] | {cur} if cur is not None and cur in above else set()
        for node in reversed(path):
            above[node] = result
            result = result | {node}
        return result

    return {e: chain(e) for e in employee_ids}


def cycle_conflicts(*, cycle: Cycle, nomination_ids: list[int]) -> dict[int, dict[int, str]]:
    """For each nomination, the committee members in conflict and why.

    By identity (employee id, i.e. NIP), never by e-mail: the reviewer is a
    nominee or the nominator, works in a nominee's org unit, is in a
    nominee's supervisor chain, or declared a conflict.
    """
    members = list(
        CommitteeMember.objects.filter(cycle=cycle).values_list(
            "id", "employee_id", "employee__org_unit_id"
        )
    )
    by_employee = defaultdict(list)
    by_unit = defaultdict(list)
    for member_id, employee_id, unit_id in members:
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
    chains = _chains({e for rows in nominees.values() for e, _u in rows})
    conflicts: dict[int, dict[int, str]] = defaultdict(dict)
    for nomination_id in nomination_ids:
        found = conflicts[nomination_id]
        for employee_id, unit_id in nominees[nomination_id]:
            for m in by_unit.get(unit_id, ()):
                found.setdefault(m, _("works in the nominee's org unit"))
            for boss in chains.get(employee_id, ()):
                for m in by_employee.get(boss, ()):
                    found.setdefault(m, _("is in the nominee's supervisor chain"))
            for m in by_employee.get(employee_id, ()):
                found[m] = _("is a nominee")
        for m in by_employee.get(nominators.get(nomination_id), ()):
            found[m] = _("is the nominator")
    for nomination_id, member_id, reason in DeclaredConflict.objects.filter(
        nomination_id__in=nomination_ids
    ).values_list("nomination_id", "member_id", "reason"):
        conflicts[nomination_id][member_id] = _("declared a conflict: %(reason)s") % {
            "reason": reason
        }
    return dict(conflicts)


def solve(problem: Problem) -> tuple[dict[int, list[int]], int, int]:
    """Optimal assignment by min-cost max-flow.

    Returns (new reviewers per nomination, total flow, total cost).
    """
    from ortools.graph.python import min_cost_flow

    flow = min_cost_flow.SimpleMinCostFlow()
    nominations = list(problem.needs)
    members = sorted(problem.capacity)
    source, sink = 0, 1
    n_node = {n: 2 + i for i, n in enumerate(nominations)}
    m_node = {m: 2 + len(nominations) + i for i, m in enumerate(members)}
    for n in nominations:
        if problem.needs[n] > 0:
            flow.add_arc_with_capacity_and_unit_cost(source, n_node[n], problem.needs[n], 0)
    pair_arcs = []
    for n in nominations:
        if problem.needs[n] <= 0:
            continue
        for m in problem.candidates.get(n, ()):
            if m in m_node and problem.capacity[m] > 0:
                cost = 0 if (n, m) in problem.matches else EXPERTISE_MISMATCH_COST
                arc = flow.add_arc_with_capacity_and_unit_cost(n_node[n], m_node[m], 1, cost)
                pair_arcs.append((arc, n, m))
    for m in members:
        start = problem.current_load.get(m, 0)
        for unit in range(problem.capacity[m]):
            flow.add_arc_with_capacity_and_unit_cost(m_node[m], sink, 1, start + unit)
    total_need = sum(max(v, 0) for v in problem.needs.values())
    flow.set_node_supply(source, total_need)
    flow.set_node_supply(sink, -total_need)
    status = flow.solve_max_flow_with_min_cost()
    if status != flow.OPTIMAL:
        return {}, 0, 0
    chosen: dict[int, list[int]] = defaultdict(list)
    for arc, n, m in pair_arcs:
        if flow.flow(arc):
            chosen[n].append(m)
    return dict(chosen), flow.maximum_flow(), flow.optimal_cost()


def build_problem(*, cycle: Cycle, nomination_ids: list[int]) -> tuple[Problem, dict]:
    conflicts = cycle_conflicts(cycle=cycle, nomination_ids=nomination_ids)
    members = list(
        CommitteeMember.objects.filter(cycle=cycle, is_chair=False).prefetch_related("expertise")
    )
    existing = defaultdict(set)
    load = defaultdict(int)
    for nomination_id, member_id in Assignment.objects.filter(nomination__cycle=cycle).values_list(
        "nomination_id", "member_id"
    ):
        existing[nomination_id].add(member_id)
        load[member_id] += 1
    categories = dict(
        Nomination.objects.filter(pk__in=nomination_ids).values_list("id", "category_id")
    )
    expertise = {m.pk: {c.pk for c in m.expertise.all()} for m in members}
    k = cycle.reviewers_per_nomination
    needs, candidates, matches = {}, {}, set()
    for n in nomination_ids:
        needs[n] = max(k - len(existing[n]), 0)
        blocked = conflicts.get(n, {})
        candidates[n] = [m.pk for m in members if m.pk not in blocked and m.pk not in existing[n]]
        matches |= {(n, m) for m in candidates[n] if categories[n] in expertise[m]}
    capacity = {m.pk: max(m.load_cap - load[m.pk], 0) for m in members}
    info = {"conflicts": conflicts, "existing": existing}
    return Problem(needs, candidates, capacity, matches, dict(load)), info


def reviewers_assign(
    *, cycle_id: int, actor=None, progress: Callable[[int, int, str], None] | None = None
) -> AssignmentResult:
    """Assign reviewers to every eligible (and under-staffed in-review)
    nomination of a cycle in the reviewing phase, all or nothing.

    Side effects: assignment rows; eligible nominations become ``in_review``
    (audit rows written by the workflow).
    """
    progress = progress or (lambda done, total, stage: None)
    cycle = Cycle.objects.get(pk=cycle_id)
    if actor is not None and not actor.has_perm("nominations.manage_cycle", cycle):
        raise NotFoundError()
    if cycle.phase != Cycle.Phase.REVIEWING:
        raise ConflictError(_("Reviewers are assigned in the reviewing phase."))
    nomination_ids = list(
        cycle.nominations.filter(status__in=[S.ELIGIBLE, S.IN_REVIEW])
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    result = AssignmentResult(nominations=len(nomination_ids))
    progress(0, 3, "conflicts")
    problem, info = build_problem(cycle=cycle, nomination_ids=nomination_ids)
    progress(1, 3, "solving")
    chosen, max_flow, cost = solve(problem)
    total_need = sum(problem.needs.values())
    result.kept = sum(len(v) for v in info["existing"].values())
    if max_flow < total_need:
        titles = dict(Nomination.objects.filter(pk__in=nomination_ids).values_list("id", "title"))
        for n in nomination_ids:
            got = len(chosen.get(n, []))
            if got >= problem.needs[n]:
                continue
            available = len(problem.candidates[n])
            if available < problem.needs[n]:
                reason = _(
                    "only %(available)d conflict-free reviewer(s) for %(need)d place(s); "
                    "%(conflicts)d committee member(s) have a conflict"
                ) % {
                    "available": available,
                    "need": problem.needs[n],
                    "conflicts": len(info["conflicts"].get(n, {})),
                }
            else:
                reason = _("the conflict-free reviewers have reached their load caps")
            result.shortfalls.append(
                {"nomination": n, "title": titles[n], "needed": problem.needs[n], "reason": reason}
            )
        progress(3, 3, "failed")
        return result
    progress(2, 3, "saving")
    with transaction.atomic():
        rows = [
            Assignment(nomination_id=n, member_id=m, expertise_match=(n, m) in problem.matches)
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
            nomination_ids=eligible, to=S.IN_REVIEW, note="reviewers assigned"
        )
    result.assigned = len(rows)
    result.total_cost = cost
    progress(3, 3, "done")
    return result
