"""Fair scoring on simulated panels: how close is the ranking to the truth?

Each run builds a cycle on a scratch database with nominations of known
quality, assigns reviewers with the real assignment (``reviewers_assign``),
has every reviewer submit through the real review service (``review_save``:
levels 1–5 on the nine criteria of the default rubric) and ranks with the
real ranking (``cycle_ranking``). A review's level on a criterion is

    clip(round(quality + leniency + noise), 1, 5)

with quality ~ N(3, 1) per nomination, leniency ~ U(−1, 1) level per
reviewer and noise ~ N(0, 0.5) per criterion. Printed per scenario, over the
seeds: Kendall's τ between the true quality and the raw mean, the adjusted
score and the no-bias ceiling (the raw mean of the same reviews without
leniency: the best any correction can do), how often adjusted ≥ raw, and
the disagreement flag's recall (planted split decisions: two reviewers
high, one very low) and false-positive rate (every other nomination).

    .venv/bin/python bench/fairness.py [--seeds 20] [--nominations 200] [--only base]
"""

from __future__ import annotations

import argparse
import datetime as dt
import time

import numpy as np
from scipy.stats import kendalltau
from scratch import scratch_django

# name → (reviewers, reviewers per nomination, load cap or None, extras)
SCENARIOS = {
    "base": (30, 3, None, {}),
    "five": (30, 5, None, {}),
    "sparse-200x3": (200, 3, 3, {}),
    "sparse-100x6": (100, 3, 6, {}),
    "harsh": (30, 3, None, {"harsh": True}),
    "split": (30, 3, None, {"split": 0.1}),
}
DESCRIPTIONS = {
    "base": "30 reviewers, 3 per nomination",
    "five": "30 reviewers, 5 per nomination",
    "sparse-200x3": "200 reviewers × 3 reviews each",
    "sparse-100x6": "100 reviewers × 6 reviews each",
    "harsh": "base + one reviewer 2 levels harsh",
    "split": "base + 10% split decisions",
}
NOISE, LENIENCY, QUALITY_SD = 0.5, 1.0, 1.0


def people(reviewers: int, nominees: int):
    """Reviewers with logins, each in a unit of their own (no reporting line
    to anyone: conflicts do not shape the design), and nominees each with a
    supervisor who nominates them, in other units."""
    from django.contrib.auth import get_user_model

    from people.models import Employee, OrgUnit, refresh_reporting_paths

    def employees(prefix: str, count: int, units: list) -> list:
        born = dt.date(1980, 1, 1)
        rows = [
            Employee(
                nip=f"{born:%Y%m%d}2005{prefix}{1 + i % 2}{i:03d}",
                name=f"{'Penilai' if prefix == '01' else 'Pegawai'} {i}",
                org_unit=units[i % len(units)],
                gender="M",
                birth_date=born,
            )
            for i in range(count)
        ]
        return Employee.objects.bulk_create(rows)

    committee_units = OrgUnit.objects.bulk_create(
        OrgUnit(code=f"K{i}", name=f"Komite {i}") for i in range(reviewers)
    )
    staff_units = OrgUnit.objects.bulk_create(
        OrgUnit(code=f"S{i}", name=f"Unit {i}") for i in range(20)
    )
    panel = employees("01", reviewers, committee_units)
    users = get_user_model().objects.bulk_create(
        get_user_model()(username=f"penilai{i}") for i in range(reviewers)
    )
    for person, user in zip(panel, users, strict=True):
        person.user = user
    Employee.objects.bulk_update(panel, ["user"])
    staff = employees("02", 2 * nominees, staff_units)
    bosses, nominated = staff[:nominees], staff[nominees:]
    for boss, person in zip(bosses, nominated, strict=True):
        person.supervisor = boss
    Employee.objects.bulk_update(nominated, ["supervisor"])
    refresh_reporting_paths()  # as an HR import does after its bulk writes
    chair = employees("03", 1, committee_units[:1])[0]
    return panel, list(zip(bosses, nominated, strict=True)), chair


def cycle_with_nominations(name: str, seed: int, setup):
    """A cycle in the reviewing phase with one eligible nomination per
    (nominator, nominee) pair and the scenario's committee, assigned by the
    real assignment."""
    from django.utils import timezone

    from nominations import services
    from nominations.assignment import reviewers_assign
    from nominations.models import CommitteeMember, Nomination, Nominee

    panel, pairs, chair = setup
    reviewers, per, cap, _extras = SCENARIOS[name]
    cycle = services.cycle_create(name=f"{name} {seed}", reviewers_per_nomination=per)
    category = cycle.categories.get(code="technology")
    cap = cap or int(np.ceil(len(pairs) * per / reviewers)) + 2
    members = CommitteeMember.objects.bulk_create(
        CommitteeMember(cycle=cycle, employee=e, load_cap=cap) for e in panel[:reviewers]
    )
    services.committee_member_add(cycle=cycle, employee=chair, is_chair=True)
    cycle = services.cycle_set_phase(cycle_id=cycle.pk, phase="nominating")
    nominations = Nomination.objects.bulk_create(
        Nomination(
            cycle=cycle,
            category=category,
            nominator=boss,
            title=f"Inovasi {i}",
            status="eligible",
            submitted_at=timezone.now(),
        )
        for i, (boss, _person) in enumerate(pairs)
    )
    Nominee.objects.bulk_create(
        Nominee(nomination=item, employee=person, is_lead=True)
        for item, (_boss, person) in zip(nominations, pairs, strict=True)
    )
    services.cycle_set_phase(cycle_id=cycle.pk, phase="reviewing")
    result = reviewers_assign(cycle_id=cycle.pk)
    assert result.ok, result.shortfalls[:3]
    return cycle, nominations, members, result.design


def review_all(cycle, nominations, members, rng, *, quality, leniency, planted):
    """Every assignment reviewed and submitted through the review service;
    returns (nomination index, score given, score without leniency) per review."""
    from nominations import services
    from nominations.models import Assignment

    index = {item.pk: i for i, item in enumerate(nominations)}
    member_index = {m.pk: j for j, m in enumerate(members)}
    criteria = list(cycle.rubric.criteria.order_by("pk"))
    codes = [c.code for c in criteria]
    weights = np.array([c.weight for c in criteria], dtype=float)

    def score(levels):
        return float((weights * (levels - 1) / 4).sum() / weights.sum() * 100)

    low_seen: set[int] = set()
    given = []
    for a in (
        Assignment.objects.filter(nomination__cycle=cycle)
        .select_related("member__employee__user")
        .order_by("pk")
    ):
        i, j = index[a.nomination_id], member_index[a.member_id]
        noise = rng.normal(0, NOISE, len(codes))
        shift = leniency[j]
        if planted[i] and i not in low_seen:  # the first reviewer marks it very low
            low_seen.add(i)
            shift -= 3
        levels = np.clip(np.rint(quality[i] + shift + noise), 1, 5).astype(int)
        services.review_save(
            assignment_id=a.pk,
            actor=a.member.employee.user,
            scores=dict(zip(codes, levels.tolist(), strict=True)),
            submit=True,
        )
        given.append((i, score(levels), score(np.clip(np.rint(quality[i] + noise), 1, 5))))
    return given


def run(name: str, seed: int, setup) -> dict:
    from nominations import services
    from nominations.selectors import cycle_ranking

    reviewers, _per, _cap, extras = SCENARIOS[name]
    rng = np.random.default_rng(seed)
    cycle, nominations, members, design = cycle_with_nominations(name, seed, setup)
    n = len(nominations)
    quality = rng.normal(3, QUALITY_SD, n)
    leniency = rng.uniform(-LENIENCY, LENIENCY, reviewers)
    if extras.get("harsh"):
        leniency[0] = -2
    # planted split decisions, among the better half: one reviewer very low
    planted = (rng.random(n) < extras.get("split", 0)) & (quality >= np.median(quality))
    given = review_all(
        cycle, nominations, members, rng, quality=quality, leniency=leniency, planted=planted
    )
    cycle = services.cycle_set_phase(cycle_id=cycle.pk, phase="deciding")
    ranking = cycle_ranking(cycle=cycle)

    which = np.array([i for i, _s, _u in given])
    counts = np.bincount(which, minlength=n)
    expected_raw = np.bincount(which, weights=[s for _i, s, _u in given], minlength=n) / counts
    ceiling = np.bincount(which, weights=[u for _i, _s, u in given], minlength=n) / counts
    index = {item.pk: i for i, item in enumerate(nominations)}
    raw, adjusted = np.full(n, np.nan), np.full(n, np.nan)
    flagged = np.zeros(n, dtype=bool)
    for row in ranking.rows:
        i = index[row.nomination_id]
        raw[i], adjusted[i], flagged[i] = row.score, row.adjusted_score, row.flagged
    # Both sides agree: the ranking ranked every nomination, from the very
    # scores the simulation gave (the review service computed the same).
    assert len(ranking.rows) == n
    assert np.allclose(raw, expected_raw, atol=0.01), "the ranking read other scores"
    out = {
        "raw": kendalltau(quality, raw).statistic,
        "adjusted": kendalltau(quality, adjusted).statistic,
        "ceiling": kendalltau(quality, ceiling).statistic,
        "fpr": float(flagged[~planted].mean()),
        "groups": ranking.components,
        "design": design,
    }
    if planted.any():
        out["recall"] = float(flagged[planted].mean())
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--nominations", type=int, default=200)
    parser.add_argument("--only", choices=list(SCENARIOS), action="append")
    args = parser.parse_args()
    with scratch_django("fairness"):
        setup = people(max(r for r, *_ in SCENARIOS.values()), args.nominations)
        print(
            f"{args.nominations} nominations; quality ~ N(3, {QUALITY_SD}) levels, leniency "
            f"~ U(±{LENIENCY}), noise {NOISE} per criterion; {args.seeds} seeds each"
        )
        header = (
            f"{'scenario':<36}{'τ raw':>7}{'τ adj':>7}{'τ ceil':>8}{'adj≥raw':>9}"
            f"{'recall':>8}{'FPR':>6}{'pairs':>7}{'repeat':>8}{'groups':>8}{'s/run':>7}"
        )
        print(header)
        for name in args.only or SCENARIOS:
            runs = []
            start = time.perf_counter()
            for seed in range(args.seeds):
                runs.append(run(name, seed, setup))
            seconds = (time.perf_counter() - start) / args.seeds

            def mean(key: str, runs=runs) -> float:
                values = [r[key] for r in runs if key in r]
                return float(np.mean(values)) if values else float("nan")

            wins = sum(r["adjusted"] >= r["raw"] for r in runs)
            recall = f"{mean('recall'):>8.2f}" if any("recall" in r for r in runs) else f"{'—':>8}"
            print(
                f"{DESCRIPTIONS[name]:<36}{mean('raw'):>7.3f}{mean('adjusted'):>7.3f}"
                f"{mean('ceiling'):>8.3f}{f'{wins}/{len(runs)}':>9}{recall}{mean('fpr'):>6.2f}"
                f"{np.mean([r['design']['pairs'] for r in runs]):>7.0f}"
                f"{max(r['design']['largest_repeated_panel'] for r in runs):>8}"
                f"{max(r['groups'] for r in runs):>8}{seconds:>7.1f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
