import numpy as np
import pytest
from django.db.models import Count
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment

from nominations import services
from nominations.assignment import EXPERTISE_MISMATCH_COST, Problem, reviewers_assign, solve
from nominations.models import Assignment, DeclaredConflict, Nomination
from tests.factories import EmployeeFactory

from .helpers import ALL_FIVE, advance, nomination


@st.composite
def problems(draw, k_max=3, cap_max=6):
    n = draw(st.integers(1, 12))
    m = draw(st.integers(1, 8))
    k = draw(st.integers(1, k_max))
    members = list(range(100, 100 + m))
    candidates = {
        i: [r for r in members if draw(st.booleans()) or draw(st.booleans())] for i in range(n)
    }
    capacity = {r: draw(st.integers(0, cap_max)) for r in members}
    matches = {(i, r) for i in range(n) for r in candidates[i] if draw(st.booleans())}
    problem = Problem.from_dicts(
        needs=dict.fromkeys(range(n), k), candidates=candidates, capacity=capacity, matches=matches
    )
    return problem, candidates, matches


@settings(max_examples=200, deadline=None)
@given(problems())
def test_solver_never_breaks_a_conflict_or_a_load_cap(generated):
    problem, candidates, _matches = generated
    chosen, flow, _cost = solve(problem)
    needs = dict(zip(problem.nominations, problem.needs.tolist(), strict=True))
    capacity = dict(zip(problem.members, problem.capacity.tolist(), strict=True))
    load = dict.fromkeys(capacity, 0)
    for n, reviewers in chosen.items():
        assert len(reviewers) == len(set(reviewers)) <= needs[n]
        assert set(reviewers) <= set(candidates[n])  # conflicts are never candidates
        for r in reviewers:
            load[r] += 1
    assert all(load[r] <= capacity[r] for r in load)
    assert flow == sum(len(v) for v in chosen.values())
    # The flow is maximal: when every need can be covered, it is.
    bound = sum(min(needs[n], len(candidates[n])) for n in needs)
    assert flow <= min(bound, sum(capacity.values()))


@settings(max_examples=100, deadline=None)
@given(problems(k_max=1, cap_max=1))
def test_solver_cost_is_the_optimum(generated):
    """With one reviewer each and caps of one it is an assignment problem:
    compare with SciPy's Hungarian-method solver."""
    problem, candidates, matches = generated
    _chosen, flow, cost = solve(problem)
    capacity = dict(zip(problem.members, problem.capacity.tolist(), strict=True))
    nominations = problem.nominations
    usable = [r for r in sorted(capacity) if capacity[r] > 0]
    big = 10_000
    matrix = np.full((len(nominations), max(len(usable), 1)), big)
    for i, n in enumerate(nominations):
        for j, r in enumerate(usable):
            if r in candidates[n]:
                matrix[i, j] = 0 if (n, r) in matches else EXPERTISE_MISMATCH_COST
    # The penalty for a forbidden pair outweighs every real cost together, so the
    # Hungarian optimum assigns as many as possible, then at the least cost.
    rows, cols = linear_sum_assignment(matrix)
    pairs = [(i, j) for i, j in zip(rows, cols, strict=True) if matrix[i, j] < big]
    assert (flow, cost) == (len(pairs), sum(int(matrix[i, j]) for i, j in pairs))


def test_conflicts_by_unit_chain_and_nominator_are_respected(
    org, supervisor, subordinate, secretariat, reviewers, chair, cycle, committee_unit
):
    # reviewer1 sits in the nominee's unit; reviewer2 is the nominee's boss's boss.
    reviewers[0].org_unit = org["dit"]
    reviewers[0].save()
    supervisor.supervisor = reviewers[1]
    supervisor.save()
    extra = [EmployeeFactory(org_unit=committee_unit) for _ in range(2)]
    for employee in extra:
        services.committee_member_add(cycle=cycle, employee=employee, load_cap=5)
    item = nomination(cycle, supervisor, [subordinate])
    services.nomination_submit(nomination_id=item.pk, actor=supervisor.user)
    services.nomination_screen(nomination_id=item.pk, actor=secretariat.user, eligible=True)
    advance(cycle, "reviewing")
    result = reviewers_assign(cycle_id=cycle.pk, actor=secretariat.user)
    assert result.ok
    assigned = set(
        Assignment.objects.filter(nomination=item).values_list("member__employee_id", flat=True)
    )
    assert assigned == {reviewers[2].pk, *(e.pk for e in extra)}
    assert Nomination.objects.get(pk=item.pk).status == "in_review"


def test_an_infeasible_cycle_assigns_nothing_and_names_the_nominations(
    api, org, supervisor, subordinate, junior, secretariat, reviewers, chair, cycle
):
    reviewers[0].org_unit = org["dit"]  # in conflict with every nominee: only two left
    reviewers[0].save()
    # The chair is in conflict too, but never reviews: not counted below.
    chair.org_unit = org["dit"]
    chair.save()
    ids = []
    for person, title in ((subordinate, "A"), (junior, "B")):
        item = nomination(cycle, supervisor, [person], title=title)
        services.nomination_submit(nomination_id=item.pk, actor=supervisor.user)
        services.nomination_screen(nomination_id=item.pk, actor=secretariat.user, eligible=True)
        ids.append(item.pk)
    advance(cycle, "reviewing")
    response = api.as_(secretariat).post(f"/api/v1/cycles/{cycle.pk}/assign-reviewers")
    assert response.status_code == 409
    body = response.json()
    assert body["message"] == (
        "Some nominations cannot get enough reviewers; nothing was assigned."
    )
    assert [s["nomination"] for s in body["shortfalls"]] == ids
    assert body["shortfalls"][0]["reason"] == (
        "only 2 conflict-free reviewer(s) for 3 place(s); 1 committee member(s) have a conflict"
    )
    assert Assignment.objects.count() == 0
    assert set(Nomination.objects.values_list("status", flat=True)) == {"eligible"}


def test_load_is_balanced_and_expertise_preferred(
    org, supervisor, subordinate, secretariat, reviewers, chair, cycle, committee_unit
):
    cycle.reviewers_per_nomination = 1
    cycle.save()
    for i in range(6):
        item = nomination(
            cycle,
            supervisor,
            [subordinate],
            title=f"T{i}",
            category="technology" if i < 3 else "service",
        )
        services.nomination_submit(nomination_id=item.pk, actor=supervisor.user)
        services.nomination_screen(nomination_id=item.pk, actor=secretariat.user, eligible=True)
    advance(cycle, "reviewing")
    assert reviewers_assign(cycle_id=cycle.pk).ok
    loads = sorted(
        Assignment.objects.values("member").annotate(n=Count("id")).values_list("n", flat=True)
    )
    assert loads == [2, 2, 2]
    # Every reviewer has technology expertise (see the cycle fixture).
    assert set(
        Assignment.objects.filter(nomination__category__code="technology").values_list(
            "expertise_match", flat=True
        )
    ) == {True}


def test_declared_conflict_removes_the_assignment_and_a_rerun_replaces_it(
    api, org, supervisor, subordinate, secretariat, reviewers, cycle, committee_unit
):
    spare = EmployeeFactory(org_unit=committee_unit)
    services.committee_member_add(cycle=cycle, employee=spare, load_cap=5)
    item = nomination(cycle, supervisor, [subordinate])
    services.nomination_submit(nomination_id=item.pk, actor=supervisor.user)
    services.nomination_screen(nomination_id=item.pk, actor=secretariat.user, eligible=True)
    advance(cycle, "reviewing")
    assert reviewers_assign(cycle_id=cycle.pk).ok
    first = set(Assignment.objects.values_list("member__employee_id", flat=True))
    leaving = next(r for r in reviewers if r.pk in first)
    response = api.as_(leaving).post(
        f"/api/v1/nominations/{item.pk}/conflict", {"reason": "My cousin"}
    )
    assert response.status_code == 204
    assert Assignment.objects.count() == 2
    result = reviewers_assign(cycle_id=cycle.pk)
    assert (result.ok, result.assigned, result.kept) == (True, 1, 2)
    now = set(Assignment.objects.values_list("member__employee_id", flat=True))
    assert leaving.pk not in now
    assert len(now) == 3


def test_a_declared_conflict_removes_only_that_reviewers_assignment_of_that_nomination(
    api, supervisor, subordinate, junior, secretariat, reviewers, cycle
):
    items = [
        nomination(cycle, supervisor, [person], title=f"Inovasi {i}")
        for i, person in enumerate((subordinate, junior))
    ]
    for item in items:
        services.nomination_submit(nomination_id=item.pk, actor=supervisor.user)
        services.nomination_screen(nomination_id=item.pk, actor=secretariat.user, eligible=True)
    advance(cycle, "reviewing")
    assert reviewers_assign(cycle_id=cycle.pk).ok
    pairs = set(Assignment.objects.values_list("nomination_id", "member__employee_id"))
    # The reviewer assigned last to the second nomination, so that "the first
    # assignment found" would be somebody else's.
    target, leaving = max(
        pairs, key=lambda p: Assignment.objects.get(nomination_id=p[0], member__employee_id=p[1]).pk
    )
    who = next(r for r in reviewers if r.pk == leaving)
    url = f"/api/v1/nominations/{target}/conflict"
    blank = api.as_(who).post(url, {"reason": " "})
    assert (blank.status_code, list(blank.json()["fields"])) == (400, ["reason"])
    # The service says the same to the web form that calls it directly.
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        services.conflict_declare(
            nomination=Nomination.objects.get(pk=target), actor=who.user, reason="  "
        )
    assert refused.value.message_dict == {"reason": ["Say what the conflict is."]}
    # Whoever is not reviewing it learns nothing, not even that a reason is missing.
    from core.errors import NotFoundError

    other = next(r for r in reviewers if r.pk != leaving)
    if Assignment.objects.filter(nomination_id=target, member__employee=other).exists():
        other = supervisor
    with pytest.raises(NotFoundError):
        services.conflict_declare(
            nomination=Nomination.objects.get(pk=target), actor=other.user, reason="  "
        )
    assert api.as_(who).post(url, {"reason": "My cousin"}).status_code == 204
    remaining = set(Assignment.objects.values_list("nomination_id", "member__employee_id"))
    assert remaining == pairs - {(target, leaving)}
    conflict = DeclaredConflict.objects.get()
    assert (conflict.nomination_id, conflict.member.employee_id, conflict.reason) == (
        target,
        leaving,
        "My cousin",
    )


def test_a_conflict_cannot_be_declared_on_a_submitted_review(
    api, reviewers, secretariat, supervisor, subordinate, cycle
):
    item = nomination(cycle, supervisor, [subordinate])
    services.nomination_submit(nomination_id=item.pk, actor=supervisor.user)
    services.nomination_screen(nomination_id=item.pk, actor=secretariat.user, eligible=True)
    advance(cycle, "reviewing")
    assert reviewers_assign(cycle_id=cycle.pk).ok
    assignment = Assignment.objects.filter(nomination=item).first()
    who = next(r for r in reviewers if r.pk == assignment.member.employee_id)
    body = {"scores": ALL_FIVE, "submit": True}
    url = f"/api/v1/assignments/{assignment.pk}/review"
    assert api.as_(who).put(url, body, format="json").status_code == 200
    response = api.as_(who).post(f"/api/v1/nominations/{item.pk}/conflict", {"reason": "x"})
    assert (response.status_code, response.json()["message"]) == (
        409,
        "You already submitted your review; ask the chair to reopen it first.",
    )
    assert Assignment.objects.filter(pk=assignment.pk).exists()


def test_connect_keeps_only_swaps_that_join_groups():
    """Two groups, {r, x, y, v} and {s, t, u, w}. Swapping r and s, each of
    whom sits on one nomination only, just trades places (both groups stay):
    it is undone, and a swap that joins them is kept. Before, the first swap
    was kept and the next one swapped back, for ever."""
    from collections import Counter

    from nominations.assignment import connect, design_quality

    a, a2, b, b2 = 1, 2, 3, 4
    r, x, y, v, s_, t, u, w = range(10, 18)
    members = [r, x, y, v, s_, t, u, w]

    def problem(per):
        return Problem.from_dicts(
            needs=dict.fromkeys((a, a2, b, b2), per),
            candidates=dict.fromkeys((a, a2, b, b2), members),
            capacity=dict.fromkeys(members, 4),
            matches=set(),
        )

    chosen = {a: [r, x, y], a2: [x, y, v], b: [s_, t, u], b2: [t, u, w]}
    joined, swaps = connect(problem(3), chosen, existing={})
    assert swaps == 1
    assert design_quality(list(joined.values()))["groups"] == 1
    assert all(len(set(panel)) == 3 for panel in joined.values())
    loads = Counter(m for panel in joined.values() for m in panel)
    assert loads == Counter(m for panel in chosen.values() for m in panel)
    # Two paths of two nominations each (4 pairs for 6 people) cannot be
    # joined by any swap: connect says so instead of trying for ever.
    pairs = {a: [r, x], a2: [x, y], b: [s_, t], b2: [t, u]}
    assert connect(problem(2), pairs, existing={}) == (pairs, 0)
