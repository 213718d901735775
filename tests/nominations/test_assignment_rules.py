"""The assignment's hard rules over random organisations (hypothesis, on the
database, through the real services): no reviewer in conflict with a
nomination in either direction of the reporting line, no load cap exceeded,
the chair and deputy chair never assigned, every nomination fully staffed or
nothing assigned. Conflicts are recomputed here from the generated
organisation, independently of ``nominations.assignment``."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nominations import services
from nominations.assignment import reviewers_assign
from nominations.models import Assignment
from tests.factories import EmployeeFactory, OrgUnitFactory, UserFactory

from .helpers import STATEMENTS


@st.composite
def organisations(draw):
    units = draw(st.integers(2, 6))
    people = draw(st.integers(12, 30))
    unit_parent = [None] + [draw(st.integers(0, u - 1)) for u in range(1, units)]
    # person p reports to an earlier person (or to nobody): a forest; 1 reports to 0
    boss = [None, 0] + [draw(st.one_of(st.none(), st.integers(0, p - 1))) for p in range(2, people)]
    unit = [draw(st.integers(0, units - 1)) for _ in range(people)]
    committee = draw(st.lists(st.integers(0, people - 1), min_size=4, max_size=10, unique=True))
    caps = [draw(st.integers(1, 8)) for _ in committee]
    per = draw(st.integers(1, 3))
    wanted = draw(st.integers(1, 8))
    return unit_parent, boss, unit, committee, caps, per, wanted, draw(st.randoms())


def _above(boss, person):
    chain, p = set(), boss[person]
    while p is not None:
        chain.add(p)
        p = boss[p]
    return chain


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(organisations())
def test_no_conflict_in_either_direction_no_cap_exceeded_no_chair(db, secretariat, generated):
    unit_parent, boss, unit, committee, caps, per, wanted, rng = generated
    with transaction.atomic():
        units = []
        for parent in unit_parent:
            units.append(OrgUnitFactory(parent=None if parent is None else units[parent]))
        people = []
        for p, b in enumerate(boss):
            people.append(
                EmployeeFactory(
                    org_unit=units[unit[p]],
                    supervisor=None if b is None else people[b],
                    user=UserFactory(),
                )
            )
        cycle = services.cycle_create(name="Acak", reviewers_per_nomination=per)
        chair, *seats = committee
        services.committee_member_add(cycle=cycle, employee=people[chair], is_chair=True)
        for index, p in enumerate(seats):
            services.committee_member_add(
                cycle=cycle,
                employee=people[p],
                load_cap=caps[index],
                is_deputy_chair=index == 0 and rng.random() < 0.5,
                expertise=cycle.categories.filter(code="technology") if p % 2 else [],
            )
        cycle = services.cycle_set_phase(cycle_id=cycle.pk, phase="nominating")
        nominators = [p for p in range(len(people)) if p in {b for b in boss if b is not None}]
        nominees_of = {}
        for i in range(wanted):
            nominator = rng.choice(nominators)
            below = [q for q in range(len(people)) if nominator in _above(boss, q)]
            nominee = rng.choice(below)
            item = services.nomination_create(
                nominator=people[nominator],
                cycle=cycle,
                category=cycle.categories.get(code="technology"),
                nominees=[people[nominee]],
                title=f"Inovasi {i}",
                problem="p",
                solution="s",
                impact="i",
                started_on=timezone.localdate() - dt.timedelta(days=800),
                psm_statements=STATEMENTS,
            )
            services.nomination_submit(nomination_id=item.pk, actor=people[nominator].user)
            services.nomination_screen(nomination_id=item.pk, actor=secretariat.user, eligible=True)
            nominees_of[item.pk] = (nominee, nominator)
        services.cycle_set_phase(cycle_id=cycle.pk, phase="reviewing")

        result = reviewers_assign(cycle_id=cycle.pk)

        rows = list(
            Assignment.objects.filter(nomination__cycle=cycle).values_list(
                "nomination_id", "member__employee_id", "member__load_cap"
            )
        )
        index_of = {e.pk: p for p, e in enumerate(people)}
        loads: dict[int, int] = {}
        for nomination_id, employee_id, cap in rows:
            reviewer = index_of[employee_id]
            nominee, nominator = nominees_of[nomination_id]
            assert reviewer not in (chair, nominee, nominator)
            assert unit[reviewer] != unit[nominee]
            assert reviewer not in _above(boss, nominee)  # above the nominee
            assert nominee not in _above(boss, reviewer)  # below the nominee
            loads[employee_id] = loads.get(employee_id, 0) + 1
            assert loads[employee_id] <= cap
        deputies = set(
            cycle.committee.filter(is_deputy_chair=True).values_list("employee_id", flat=True)
        )
        assert not deputies & set(loads)
        if result.ok:
            assert len(rows) == per * wanted
        else:
            assert rows == []
            assert result.shortfalls
        transaction.set_rollback(True)
