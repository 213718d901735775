"""Interview scheduling at the national competition's size: 99 shortlisted
nominations, 3 rooms over 3 days (08:00–16:00, 20-minute slots with 5-minute
breaks: 57 slots a room), a 12-member panel split into rooms of 4, each
nomination in conflict with 0–3 members, and ten people nominated in two
nominations each (team overlaps).

Both sides are checked before anything is timed: every schedule must have
no double booking (room and slot, panel member, nominee) and no conflicted
panel member. The baseline is a greedy first fit on panels split in order;
the solver (``nominations.scheduling``, CP-SAT) chooses the panels and the
slots together. Printed per seed: nominations placed, time, and the
solver's time as a ratio of the baseline's.

    .venv/bin/python bench/schedule.py [--seeds 5]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

import django

django.setup()
from django.utils import translation  # noqa: E402

translation.activate("en")  # the reasons a nomination is left out, in English

from nominations.scheduling import (  # noqa: E402
    Interview,
    Placement,
    Schedule,
    schedule,
    slot_times,
)

MEMBERS = list(range(1, 13))
ROOMS, PANEL = 3, 4


def problem(seed: int):
    rng = random.Random(seed)
    people = list(range(1000, 1000 + 99))
    interviews = []
    shared = rng.sample(people, 10)
    for n in range(99):
        team = {people[n]}
        if n >= 89:  # the last ten also take in one of the shared people
            team.add(shared[n - 89])
        conflicts = frozenset(rng.sample(MEMBERS, rng.randint(0, 3)))
        interviews.append(Interview(n + 1, frozenset(team), conflicts))
    days = [dt.date(2027, 3, 1) + dt.timedelta(days=d) for d in range(3)]
    slots = slot_times(days, start=dt.time(8), end=dt.time(16), slot_minutes=20, break_minutes=5)
    return interviews, slots


def greedy(interviews: list[Interview], slots) -> Schedule:
    """First fit: panels split in order; each nomination in the first room
    whose panel it has no conflict with, at its first free slot."""
    panels = {r + 1: tuple(MEMBERS[r * PANEL : (r + 1) * PANEL]) for r in range(ROOMS)}
    taken: set[tuple[int, int]] = set()
    busy: set[tuple[int, int]] = set()
    result = Schedule(panels=panels)
    for i in interviews:
        spot = next(
            (
                (room, slot)
                for slot in slots
                for room, panel in panels.items()
                if not set(panel) & i.conflicts
                and (room, slot.index) not in taken
                and not any((p, slot.index) in busy for p in i.nominees)
            ),
            None,
        )
        if spot is None:
            result.unplaced.append((i.nomination, "no room"))
            continue
        room, slot = spot
        taken.add((room, slot.index))
        busy |= {(p, slot.index) for p in i.nominees}
        result.placed.append(Placement(i.nomination, room, slot, panels[room]))
    return result


def check(result: Schedule, interviews: list[Interview]) -> None:
    of = {i.nomination: i for i in interviews}
    assert {p.nomination for p in result.placed} | {n for n, _ in result.unplaced} == set(of)
    assert len({(p.room, p.slot.index) for p in result.placed}) == len(result.placed)
    seated = Counter(m for panel in result.panels.values() for m in panel)
    assert all(c == 1 for c in seated.values()), "a member in two rooms"
    for p in result.placed:
        assert not set(p.panel) & of[p.nomination].conflicts, "conflicted panel member"
    busy = Counter((x, p.slot.index) for p in result.placed for x in of[p.nomination].nominees)
    assert all(c == 1 for c in busy.values()), "a nominee in two interviews at once"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=5)
    args = parser.parse_args()
    head = ["seed", "greedy placed", "greedy s", "solver placed", "solver s", "×"]
    print(" ".join(f"{h:>{w}}" for h, w in zip(head, [4, 14, 9, 14, 9, 6], strict=True)))
    times = []
    for seed in range(args.seeds):
        interviews, slots = problem(seed)
        started = time.perf_counter()
        base = greedy(interviews, slots)
        base_time = time.perf_counter() - started
        started = time.perf_counter()
        solved = schedule(interviews, MEMBERS, rooms=ROOMS, slots=slots, panel_size=PANEL)
        solve_time = time.perf_counter() - started
        check(base, interviews)
        check(solved, interviews)
        times.append(solve_time)
        print(
            f"{seed:>4} {len(base.placed):>14} {base_time:>9.3f} {len(solved.placed):>14} "
            f"{solve_time:>9.2f} {solve_time / base_time:>6.0f}"
        )
        for reason, n in Counter(r for _n, r in solved.unplaced).items():
            print(f"     left out ({n}): {reason}")
    print(
        f"99 interviews, {ROOMS} rooms × {len(slots)} slots, {len(MEMBERS)} members "
        f"(panels of {PANEL}): median {statistics.median(times):.2f} s to schedule; "
        "no double booking and no conflicted panel member in any schedule"
    )


if __name__ == "__main__":
    main()
