"""Generated organisations and cycles for benchmarks (bulk inserts, no services)."""

from __future__ import annotations

import datetime as dt
import random


def make_org(*, units: int, employees: int, seed: int = 1):
    """A unit tree (fan-out 5) and employees in it, each unit's first employee
    supervising the rest, unit heads reporting to the parent unit's head."""
    from people.models import Employee, OrgUnit, refresh_reporting_paths

    rng = random.Random(seed)
    made = [OrgUnit.objects.create(code="U0", name="Unit 0")]
    for i in range(1, units):
        made.append(
            OrgUnit.objects.create(code=f"U{i}", name=f"Unit {i}", parent=made[(i - 1) // 5])
        )
    people = []
    for i in range(employees):
        birth = dt.date(1970, 1, 1) + dt.timedelta(days=i // 900)
        nip = f"{birth:%Y%m%d}199801{1 + i % 2}{i % 900 + 1:03d}"
        people.append(
            Employee(
                nip=nip, name=f"Pegawai {i}", org_unit=made[i % units], gender="M", birth_date=birth
            )
        )
    Employee.objects.bulk_create(people, batch_size=2000)
    people = list(Employee.objects.order_by("id"))
    heads = {}
    for e in people:
        heads.setdefault(e.org_unit_id, e)
    parent_of = {u.pk: u.parent_id for u in made}
    for e in people:
        head = heads[e.org_unit_id]
        if e.pk != head.pk:
            e.supervisor_id = head.pk
        elif parent_of[e.org_unit_id]:
            e.supervisor_id = heads[parent_of[e.org_unit_id]].pk
    Employee.objects.bulk_update(people, ["supervisor_id"], batch_size=2000)
    refresh_reporting_paths()  # as an HR import does after its bulk writes
    rng.shuffle(people)
    return made, people


def review_cycle(*, members: list[int], nominees: list[int], nominators: list[int], cap: int):
    """A cycle in its reviewing phase: committee members (employee ids), each
    with one category of expertise in turn, and an eligible nomination of
    one lead nominee per id of ``nominees`` (nominated by ``nominators``,
    in turn), in the categories in turn. Returns the cycle, its members and
    its nominations."""
    from nominations import services
    from nominations.models import CommitteeMember, Cycle, Nomination, Nominee

    cycle = services.cycle_create(name="Bench", reviewers_per_nomination=3)
    categories = list(cycle.categories.all())
    made = CommitteeMember.objects.bulk_create(
        CommitteeMember(cycle=cycle, employee_id=pk, load_cap=cap) for pk in members
    )
    for i, member in enumerate(made):
        member.expertise.set([categories[i % len(categories)]])
    nominations = Nomination.objects.bulk_create(
        Nomination(
            cycle=cycle,
            category=categories[i % len(categories)],
            nominator_id=nominators[i % len(nominators)],
            title=f"N{i}",
            status="eligible",
        )
        for i in range(len(nominees))
    )
    Nominee.objects.bulk_create(
        Nominee(nomination=nomination, employee_id=pk, is_lead=True)
        for nomination, pk in zip(nominations, nominees, strict=True)
    )
    Cycle.objects.filter(pk=cycle.pk).update(phase="reviewing")
    return cycle, made, nominations
