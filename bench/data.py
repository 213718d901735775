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
