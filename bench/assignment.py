"""Reviewer assignment at scale: 5,000 nominations, 300 reviewers, 3 each.

The organisation is a generated tree of 400 units and 12,000 employees, so
conflicts are realistic: reviewers share units with nominees and sit in their
supervisor chains. Prints the time of the set-based conflict computation, of
the min-cost-flow solve and of the whole service (with its writes), each as a
ratio against a baseline measured in the same run: reading the same rows
(nominees, committee, reporting line) with plain ``values_list`` queries.
Also prints the solver's total cost and checks every assignment against the
conflicts and load caps.

    .venv/bin/python bench/assignment.py [--nominations 5000 --reviewers 300]
"""

from __future__ import annotations

import argparse
import time

from scratch import scratch_django


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--nominations", type=int, default=5000)
    parser.add_argument("--reviewers", type=int, default=300)
    args = parser.parse_args()
    with scratch_django("assign"):
        from data import make_org, review_cycle

        from nominations import assignment
        from nominations.models import (
            Assignment,
            CommitteeMember,
            Nominee,
        )
        from people.models import Employee

        _units, people = make_org(units=400, employees=12_000)
        committee, rest = people[: args.reviewers], people[args.reviewers :]
        cap = max(3 * args.nominations // args.reviewers + 5, 5)
        cycle, members, nominations = review_cycle(
            members=[e.pk for e in committee],
            nominees=[rest[i + 1].pk for i in range(args.nominations)],
            nominators=[rest[i].supervisor_id or rest[i].pk for i in range(args.nominations)],
            cap=cap,
        )
        ids = [n.pk for n in nominations]

        def baseline() -> float:
            start = time.perf_counter()
            list(
                Nominee.objects.filter(nomination_id__in=ids).values_list(
                    "nomination_id", "employee_id", "employee__org_unit_id"
                )
            )
            list(
                CommitteeMember.objects.filter(cycle=cycle).values_list(
                    "id", "employee_id", "employee__org_unit_id"
                )
            )
            list(Employee.objects.values_list("id", "supervisor_id"))
            return time.perf_counter() - start

        base = min(baseline() for _ in range(3))
        start = time.perf_counter()
        problem, info = assignment.build_problem(cycle=cycle, nomination_ids=ids)
        t_conflicts = time.perf_counter() - start
        start = time.perf_counter()
        chosen, flow, cost = assignment.solve(problem)
        t_solve = time.perf_counter() - start
        start = time.perf_counter()
        result = assignment.reviewers_assign(cycle_id=cycle.pk)
        t_total = time.perf_counter() - start

        row, col = assignment.problem_index(problem)

        def match(n, m):
            return bool(problem.match[row[n], col[m]])

        conflicts = info["conflicts"]
        pairs = list(Assignment.objects.values_list("nomination_id", "member_id"))
        broken = sum(1 for n, m in pairs if m in conflicts.get(n, {}))
        loads: dict[int, int] = {}
        for _n, m in pairs:
            loads[m] = loads.get(m, 0) + 1
        over = sum(1 for m in members if loads.get(m.pk, 0) > m.load_cap)
        conflict_pairs = sum(len(v) for v in conflicts.values())
        print(
            f"{args.nominations} nominations × {args.reviewers} reviewers, 3 each; "
            f"{conflict_pairs} conflicting pairs; baseline (plain reads) {base:.3f} s"
        )
        print(f"{'step':<28}{'seconds':>9}{'× baseline':>12}")
        for label, t in (
            ("conflicts + graph input", t_conflicts),
            ("min-cost flow solve", t_solve),
            ("conflicts + solve", t_conflicts + t_solve),
            ("whole service with writes", t_total),
        ):
            print(f"{label:<28}{t:>9.2f}{t / base:>12.1f}")
        print(
            f"assigned {result.assigned} (flow {flow} of {3 * args.nominations}), "
            f"optimal cost {cost}, expertise matches "
            f"{sum(1 for n, ms in chosen.items() for m in ms if match(n, m))}, "
            f"conflicts broken {broken}, load caps exceeded {over}, "
            f"max load {max(loads.values())} (cap {cap})"
        )


if __name__ == "__main__":
    main()
