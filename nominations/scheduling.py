"""Interview scheduling (DESIGN §3.11, §7.3 ``schedule``), the solver.

Given the shortlisted nominations of an interview round, the members who
sit on its panels, the number of rooms and the slots of each day, place
every nomination in one slot of one room so that

- each room has one panel for the whole schedule (``panel_size`` members,
  nobody in two rooms: so nobody is in two rooms at once);
- no panel member sits on a nomination they are in conflict with;
- a room holds one interview per slot;
- a person nominated in several nominations (a team member) is never in two
  interviews at the same time.

A CP-SAT model (OR-Tools) chooses the panels and the placements together,
placing as many nominations as can be; each one left out gets the reason.
Pure: no database (``services.rounds`` reads the data and saves the slots).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Interview:
    nomination: int
    # The employees nominated (a team: several).
    nominees: frozenset[int] = frozenset()
    # The panel members in conflict with the nomination.
    conflicts: frozenset[int] = frozenset()


@dataclass(frozen=True)
class SlotTime:
    index: int
    starts_at: dt.datetime
    ends_at: dt.datetime


@dataclass(frozen=True)
class Placement:
    nomination: int
    room: int  # 1, 2, …
    slot: SlotTime
    panel: tuple[int, ...]


@dataclass
class Schedule:
    placed: list[Placement] = field(default_factory=list)
    unplaced: list[tuple[int, str]] = field(default_factory=list)
    # room → its panel's member ids
    panels: dict[int, tuple[int, ...]] = field(default_factory=dict)


def slot_times(
    days: Iterable[dt.date],
    *,
    start: dt.time,
    end: dt.time,
    slot_minutes: int,
    break_minutes: int = 0,
    tz: dt.tzinfo | None = None,
) -> list[SlotTime]:
    """The slots of each day: ``slot_minutes`` long, ``break_minutes``
    apart, from ``start``; the last one ends by ``end``."""
    slots: list[SlotTime] = []
    length = dt.timedelta(minutes=slot_minutes)
    gap = dt.timedelta(minutes=break_minutes)
    for day in sorted(set(days)):
        at = dt.datetime.combine(day, start, tzinfo=tz)
        close = dt.datetime.combine(day, end, tzinfo=tz)
        while at + length <= close:
            slots.append(SlotTime(len(slots), at, at + length))
            at += length + gap
    return slots


def _refused(interviews: list[Interview], reason: str) -> Schedule:
    return Schedule(unplaced=[(i.nomination, reason) for i in interviews])


def schedule(
    interviews: list[Interview],
    members: list[int],
    *,
    rooms: int,
    slots: list[SlotTime],
    panel_size: int,
    seconds: float = 20.0,
) -> Schedule:
    """Place the interviews (see the module); ``seconds`` bounds the search
    (the best schedule found by then is kept)."""
    if not interviews:
        return Schedule()
    if rooms < 1 or not slots:
        return _refused(interviews, _("no room or no slot is given"))
    # As many rooms as the members can fill with a panel each.
    rooms = min(rooms, len(members) // panel_size) if panel_size else 0
    if rooms < 1:
        return _refused(
            interviews,
            _("the panel has %(n)d member(s); a room needs %(k)d")
            % {"n": len(members), "k": panel_size},
        )
    return _Model(interviews, members, rooms, slots, panel_size).solve(seconds)


class _Model:
    """Two CP-SAT models, each small. First the rooms: ``seat[m, r]``
    (member m sits in room r) and ``room[n, r]`` (nomination n is heard in
    room r), as many nominations placed as can be, at most a room's slots
    each, the rooms evenly loaded. Then the times, the rooms fixed: ``cell[n, s]``, one slot each,
    one interview per room and slot, a person in one interview at a time,
    as early as can be. Times matter only for the people in several
    nominations, so splitting the model loses nothing but what they cost."""

    def __init__(self, interviews, members, rooms, slots, panel_size) -> None:
        self.interviews, self.members, self.slots = interviews, members, slots
        self.rooms, self.panel_size = range(1, rooms + 1), panel_size

    def _solve(self, model, seconds: float):
        from ortools.sat.python import cp_model

        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = seconds
        solver.parameters.num_workers = 2
        status = solver.solve(model)
        return solver if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) else None

    def _rooms(self, seconds: float) -> tuple[dict[int, tuple[int, ...]], dict[int, int]] | None:
        """The panels, and the room of each nomination that can be heard."""
        from ortools.sat.python import cp_model

        model = cp_model.CpModel()
        seat = {(m, r): model.new_bool_var(f"z{m}_{r}") for m in self.members for r in self.rooms}
        for m in self.members:
            model.add(sum(seat[m, r] for r in self.rooms) <= 1)
        for r in self.rooms:
            model.add(sum(seat[m, r] for m in self.members) == self.panel_size)
        room = {}
        for i in self.interviews:
            if sum(m not in i.conflicts for m in self.members) < self.panel_size:
                continue
            for r in self.rooms:
                room[i.nomination, r] = var = model.new_bool_var(f"y{i.nomination}_{r}")
                for m in i.conflicts & set(self.members):
                    model.add_implication(var, seat[m, r].Not())
            model.add(sum(room[i.nomination, r] for r in self.rooms) <= 1)
        # As many heard as can be; then the rooms evenly loaded, so that the
        # interviews run side by side and end early.
        busiest = model.new_int_var(0, len(self.slots), "busiest")
        for r in self.rooms:
            model.add(sum(v for (_n, rr), v in room.items() if rr == r) <= busiest)
        model.maximize((len(self.slots) + 1) * sum(room.values()) - busiest)
        solver = self._solve(model, seconds)
        if solver is None:
            return None
        panels = {r: tuple(m for m in self.members if solver.value(seat[m, r])) for r in self.rooms}
        return panels, {n: r for (n, r), v in room.items() if solver.value(v)}

    def _times(self, rooms: dict[int, int], seconds: float) -> dict[int, SlotTime]:
        """A slot for each nomination with a room; one left without is unplaced."""
        from ortools.sat.python import cp_model

        model = cp_model.CpModel()
        cell = {
            (n, s.index): model.new_bool_var(f"x{n}_{s.index}") for n in rooms for s in self.slots
        }
        heard = {n: model.new_bool_var(f"h{n}") for n in rooms}
        for n in rooms:
            model.add(sum(cell[n, s.index] for s in self.slots) == heard[n])
        for r in self.rooms:
            here = [n for n, rr in rooms.items() if rr == r]
            for s in self.slots:
                model.add(sum(cell[n, s.index] for n in here) <= 1)
        of_person: dict[int, list[int]] = defaultdict(list)
        for i in self.interviews:
            if i.nomination in rooms:
                for person in i.nominees:
                    of_person[person].append(i.nomination)
        for nominations in of_person.values():
            if len(nominations) > 1:
                for s in self.slots:
                    model.add(sum(cell[n, s.index] for n in nominations) <= 1)
        # Every nomination heard first, then as early as can be.
        weight = len(self.slots) * len(rooms) + 1
        model.maximize(
            weight * sum(heard.values()) - sum(index * v for (_n, index), v in cell.items())
        )
        solver = self._solve(model, seconds)
        if solver is None:
            return {}
        return {n: self.slots[index] for (n, index), v in cell.items() if solver.value(v)}

    def solve(self, seconds: float) -> Schedule:
        found = self._rooms(seconds / 2)
        if found is None:
            return _refused(self.interviews, _("no schedule was found in the time allowed"))
        panels, rooms = found
        times = self._times(rooms, seconds / 2)
        result = Schedule(panels=panels)
        for i in self.interviews:
            if i.nomination in times:
                r = rooms[i.nomination]
                result.placed.append(Placement(i.nomination, r, times[i.nomination], panels[r]))
            elif i.nomination in rooms:
                result.unplaced.append(
                    (i.nomination, _("its nominees' other interviews take the free slots"))
                )
            else:
                result.unplaced.append(
                    (i.nomination, _why(i, self.members, self.panel_size, result))
                )
        result.placed.sort(key=lambda p: (p.slot.index, p.room))
        return result


def _why(interview: Interview, members: list[int], panel_size: int, result: Schedule) -> str:
    clear = [m for m in members if m not in interview.conflicts]
    if len(clear) < panel_size:
        return _("only %(n)d panel member(s) are free of conflicts with it; a panel has %(k)d") % {
            "n": len(clear),
            "k": panel_size,
        }
    if all(set(panel) & interview.conflicts for panel in result.panels.values()):
        return _("every room's panel has a member in conflict with it")
    return _("no free slot is left in a room whose panel may hear it")
