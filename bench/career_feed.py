"""The career feed paging through 1,000,000 events.

Times ``GET /api/v1/career-events?after=<cursor>&limit=200`` (through the
whole Django/DRF stack, as HR) for a page at the start of the feed, in the
middle and at the very end. Keyset pagination makes the end as cheap as the
start; for contrast the same page is also read with ``OFFSET`` (what page
numbers would do), whose cost grows with the position.

    .venv/bin/python bench/career_feed.py [--events 1000000]
"""

from __future__ import annotations

import argparse
import time

from scratch import scratch_django


def populate(employees: list[int], n: int, batches: int = 20) -> None:
    """``n`` events in ``batches`` transactions (so they carry different
    transaction ids, as real ones do), inserted by the database itself."""
    from django.db import connection, transaction

    per = n // batches
    for _b in range(batches):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO people_careerevent"
                " (employee_id, kind, amount, unit, source, reference, note, created_at)"
                " SELECT (%s::bigint[])[1 + (g %% %s)], 'credit_points', 1, 'points',"
                " jsonb_build_object('cycle', 1), '', '', now()"
                " FROM generate_series(1, %s) g",
                [employees, len(employees), per],
            )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE people_careerevent")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=1_000_000)
    args = parser.parse_args()
    with scratch_django("careerfeed"):
        from data import make_org
        from django.contrib.auth.models import Group, User
        from django.db import connection
        from rest_framework.test import APIClient

        from people.models import CareerEvent
        from people.selectors import career_cursor

        _units, people = make_org(units=20, employees=500)
        started = time.perf_counter()
        populate([p.pk for p in people], args.events)
        total = CareerEvent.objects.count()
        print(f"{total:,} events inserted in {time.perf_counter() - started:.1f} s")
        hr = User.objects.create(username="hr-bench")
        hr.groups.add(Group.objects.get_or_create(name="hr")[0])
        client = APIClient()
        client.force_authenticate(hr)
        ordered = CareerEvent.objects.order_by("txid", "id")

        def cursor_at(position: int) -> str | None:
            if position == 0:
                return None
            return career_cursor(ordered[position - 1 : position].get())

        def page(after: str | None) -> float:
            params = {"limit": 200} | ({"after": after} if after else {})
            start = time.perf_counter()
            response = client.get("/api/v1/career-events", params)
            elapsed = time.perf_counter() - start
            assert response.status_code == 200
            assert len(response.json()["results"]) == 200
            return elapsed

        def offset_page(position: int) -> float:
            start = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT id FROM people_careerevent ORDER BY txid, id LIMIT 200 OFFSET %s",
                    [position],
                )
                cursor.fetchall()
            return time.perf_counter() - start

        positions = {"start": 0, "middle": total // 2, "end": total - 200}
        cursors = {name: cursor_at(pos) for name, pos in positions.items()}
        for _ in range(3):  # warm up caches and connections
            page(cursors["start"])
        keyset = {name: min(page(c) for _ in range(7)) for name, c in cursors.items()}
        offset = {name: min(offset_page(p) for _ in range(3)) for name, p in positions.items()}
        print(f"{'page at':<8}{'keyset ms':>11}{'× start':>9}{'OFFSET ms':>11}{'× start':>9}")
        for name in positions:
            print(
                f"{name:<8}{keyset[name] * 1000:>11.1f}{keyset[name] / keyset['start']:>9.2f}"
                f"{offset[name] * 1000:>11.1f}{offset[name] / offset['start']:>9.1f}"
            )
        ratio = keyset["end"] / keyset["start"]
        print(f"end of feed / start of feed (keyset): {ratio:.2f}× (goal ≤ 2×)")


if __name__ == "__main__":
    main()
