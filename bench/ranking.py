"""Ranking a large cycle: 20,000 nominations × 3 reviews × 9 criteria.

Prints the time of ``GET /api/v1/cycles/{id}/ranking`` (the chair's view,
through the whole Django/DRF stack; computed, with the cache cleared, and
then as kept in the cache) against a bare ``SELECT count(*)`` over the same
reviews in the same run, and the number of queries the ranking ran
(it must not grow with the cycle: compare the two sizes).

    .venv/bin/python bench/ranking.py [--nominations 20000]
"""

from __future__ import annotations

import argparse
import random
import time

from scratch import scratch_django


def populate(cycle, people, members, n, rng):
    from django.utils import timezone

    from nominations.models import Assignment, Nomination, Review

    categories = list(cycle.categories.all())
    criteria = list(cycle.rubric.criteria.all())
    nominations = Nomination.objects.bulk_create(
        (
            Nomination(
                cycle=cycle,
                category=categories[i % len(categories)],
                nominator=people[i % len(people)],
                title=f"N{i}",
                status="reviewed",
                submitted_at=timezone.now(),
            )
            for i in range(n)
        ),
        batch_size=5000,
    )
    assignments = Assignment.objects.bulk_create(
        (
            Assignment(
                nomination=nom, member=members[(i + k * 7) % len(members)], status="submitted"
            )
            for i, nom in enumerate(nominations)
            for k in range(3)
        ),
        batch_size=5000,
    )
    now = timezone.now()
    reviews = []
    for a in assignments:
        scores = {c.code: rng.randint(1, 5) for c in criteria}
        total = sum(c.weight * (scores[c.code] - 1) / 4 for c in criteria)
        psm = sum(c.weight * (scores[c.code] - 1) / 4 for c in criteria if c.group == "psm")
        reviews.append(
            Review(
                assignment=a,
                scores=scores,
                submitted_at=now,
                score=total,
                psm_score=psm * 100 / 40,
                innovation_score=(total - psm) * 100 / 60,
            )
        )
    Review.objects.bulk_create(reviews, batch_size=5000)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--nominations", type=int, default=20_000)
    args = parser.parse_args()
    with scratch_django("ranking"):
        from data import make_org
        from django.db import connection
        from django.test.utils import CaptureQueriesContext
        from rest_framework.test import APIClient

        from nominations import services
        from nominations.models import CommitteeMember, Cycle, Review

        rng = random.Random(3)
        _units, people = make_org(units=50, employees=2000)
        print(
            f"{'nominations':>12}{'reviews':>9}{'ranking s':>11}{'count(*) s':>12}"
            f"{'× count':>9}{'queries':>9}{'cached s':>10}"
        )
        for size in (args.nominations // 10, args.nominations):
            cycle = services.cycle_create(name=f"Bench {size}")
            members = CommitteeMember.objects.bulk_create(
                CommitteeMember(cycle=cycle, employee=e, load_cap=10_000) for e in people[:60]
            )
            chair = services.committee_member_add(cycle=cycle, employee=people[60], is_chair=True)
            populate(cycle, people[100:], members, size, rng)
            Cycle.objects.filter(pk=cycle.pk).update(phase="deciding")
            from django.contrib.auth import get_user_model

            user, _ = get_user_model().objects.get_or_create(username=f"chair{size}")
            chair.employee.user = user
            chair.employee.save()
            client = APIClient()
            client.force_authenticate(user)

            def count(cycle=cycle):
                start = time.perf_counter()
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT count(*) FROM nominations_review r"
                        " JOIN nominations_assignment a ON a.id = r.assignment_id"
                        " JOIN nominations_nomination n ON n.id = a.nomination_id"
                        " WHERE n.cycle_id = %s AND r.submitted_at IS NOT NULL",
                        [cycle.pk],
                    )
                    cursor.fetchone()
                return time.perf_counter() - start

            def rank(client=client, cycle=cycle, cold=True):
                from django.core.cache import cache

                if cold:  # the statistics computed, not read from the cache
                    cache.clear()
                start = time.perf_counter()
                with CaptureQueriesContext(connection) as ctx:
                    response = client.get(f"/api/v1/cycles/{cycle.pk}/ranking")
                assert response.status_code == 200, response.content[:300]
                return time.perf_counter() - start, len(ctx.captured_queries)

            base = min(count() for _ in range(5))
            timings = [rank() for _ in range(3)]
            seconds = min(t for t, _ in timings)
            queries = timings[0][1]
            warm = min(rank(cold=False)[0] for _ in range(3))
            reviews = Review.objects.filter(assignment__nomination__cycle=cycle).count()
            print(
                f"{size:>12}{reviews:>9}{seconds:>11.2f}{base:>12.4f}"
                f"{seconds / base:>9.0f}{queries:>9}{warm:>10.3f}"
            )


if __name__ == "__main__":
    main()
