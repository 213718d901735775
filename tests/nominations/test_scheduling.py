"""The interview scheduler (``nominations.scheduling``), property-tested
over random panels, conflicts and team overlaps: nobody double-booked, no
panel member in conflict, every nomination placed or its reason given."""

import datetime as dt
from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nominations.scheduling import Interview, schedule, slot_times

DAY = dt.date(2027, 3, 1)


def test_slots_fill_each_day_with_breaks_between():
    slots = slot_times(
        [DAY, DAY + dt.timedelta(days=1)],
        start=dt.time(8),
        end=dt.time(9, 30),
        slot_minutes=20,
        break_minutes=5,
    )
    assert [(s.starts_at.strftime("%d %H:%M"), s.ends_at.strftime("%H:%M")) for s in slots] == [
        ("01 08:00", "08:20"),
        ("01 08:25", "08:45"),
        ("01 08:50", "09:10"),
        ("02 08:00", "08:20"),
        ("02 08:25", "08:45"),
        ("02 08:50", "09:10"),
    ]
    assert [s.index for s in slots] == list(range(6))


def test_a_conflicted_member_sits_in_the_other_room_and_a_team_is_not_double_booked():
    slots = slot_times([DAY], start=dt.time(8), end=dt.time(9), slot_minutes=30)
    interviews = [
        Interview(1, nominees=frozenset({100, 101}), conflicts=frozenset({10})),
        Interview(2, nominees=frozenset({101}), conflicts=frozenset({11})),
        Interview(3, nominees=frozenset({102})),
        Interview(4, nominees=frozenset({103})),
    ]
    result = schedule(interviews, [10, 11, 12, 13], rooms=2, slots=slots, panel_size=2)
    assert result.unplaced == []
    by_nomination = {p.nomination: p for p in result.placed}
    assert 10 not in by_nomination[1].panel
    assert 11 not in by_nomination[2].panel
    assert by_nomination[1].slot != by_nomination[2].slot  # 101 is in both teams


def test_what_cannot_be_placed_says_why():
    slots = slot_times([DAY], start=dt.time(8), end=dt.time(8, 30), slot_minutes=30)
    everyone = frozenset({10, 11})
    result = schedule(
        [Interview(1, conflicts=everyone), Interview(2), Interview(3)],
        [10, 11, 12],
        rooms=1,
        slots=slots,
        panel_size=2,
    )
    reasons = dict(result.unplaced)
    assert reasons[1] == "only 1 panel member(s) are free of conflicts with it; a panel has 2"
    assert len(result.placed) == 1  # one room, one slot
    (left,) = {2, 3} - {p.nomination for p in result.placed}
    assert reasons[left] == "no free slot is left in a room whose panel may hear it"
    small = schedule([Interview(1)], [10], rooms=2, slots=slots, panel_size=2)
    assert small.unplaced == [(1, "the panel has 1 member(s); a room needs 2")]


@st.composite
def problems(draw):
    members = list(range(1, draw(st.integers(2, 9)) + 1))
    panel_size = draw(st.integers(1, 3))
    rooms = draw(st.integers(1, 3))
    people = list(range(100, 100 + draw(st.integers(1, 12))))
    interviews = []
    for n in range(1, draw(st.integers(1, 12)) + 1):
        team = draw(st.sets(st.sampled_from(people), min_size=1, max_size=3))
        conflicts = draw(st.sets(st.sampled_from(members), max_size=len(members)))
        interviews.append(Interview(n, frozenset(team), frozenset(conflicts)))
    slots = slot_times(
        [DAY + dt.timedelta(days=d) for d in range(draw(st.integers(1, 2)))],
        start=dt.time(8),
        end=dt.time(8 + draw(st.integers(1, 3))),
        slot_minutes=60,
    )
    return interviews, members, rooms, slots, panel_size


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_no_double_booking_no_conflicted_panel_member_and_every_nomination_accounted_for(problem):
    interviews, members, rooms, slots, panel_size = problem
    result = schedule(interviews, members, rooms=rooms, slots=slots, panel_size=panel_size)
    placed = {p.nomination for p in result.placed}
    unplaced = {n for n, _reason in result.unplaced}
    # every nomination placed once, or left out with a reason
    assert placed | unplaced == {i.nomination for i in interviews}
    assert not placed & unplaced
    assert len(placed) == len(result.placed)
    assert all(reason for _n, reason in result.unplaced)
    # panels: the right size, nobody in two rooms
    seated = Counter(m for panel in result.panels.values() for m in panel)
    assert all(count == 1 for count in seated.values())
    assert all(len(panel) == panel_size for panel in result.panels.values())
    of = {i.nomination: i for i in interviews}
    # one interview per room and slot; no conflicted member on the panel
    assert len({(p.room, p.slot.index) for p in result.placed}) == len(result.placed)
    for p in result.placed:
        assert not set(p.panel) & of[p.nomination].conflicts
        assert p.panel == result.panels[p.room]
    # nobody nominated in two interviews at the same time
    busy = Counter(
        (person, p.slot.index) for p in result.placed for person in of[p.nomination].nominees
    )
    assert all(count == 1 for count in busy.values())


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 12), st.integers(1, 3))
def test_without_conflicts_or_shared_nominees_everything_fits_that_has_room(count, rooms):
    interviews = [Interview(n, frozenset({100 + n})) for n in range(1, count + 1)]
    slots = slot_times([DAY], start=dt.time(8), end=dt.time(12), slot_minutes=60)
    result = schedule(interviews, list(range(1, 7)), rooms=rooms, slots=slots, panel_size=2)
    assert len(result.placed) == min(count, 4 * rooms)
