"""Demo people: an org tree, 60 employees with valid NIPs and one login per role.

Deterministic (a fixed random seed) and idempotent: running it again finds
everything in place and changes nothing.
"""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from people.models import Employee, OrgUnit
from people.ranks import PNS_RANKS
from people.selectors import HR, SECRETARIAT
from people.services import employee_save

DEMO_PASSWORD = "demo12345"

UNITS = [
    # code, name, parent
    ("KEM", "Kementerian Pelayanan Publik (Demo)", None),
    ("SETJEN", "Sekretariat Jenderal", "KEM"),
    ("BIRO-SDM", "Biro Sumber Daya Manusia", "SETJEN"),
    ("BIRO-UMUM", "Biro Umum dan Protokol", "SETJEN"),
    ("DITJEN-YP", "Direktorat Jenderal Pelayanan Publik", "KEM"),
    ("DIT-DIG", "Direktorat Layanan Digital", "DITJEN-YP"),
    ("SUBDIT-DATA", "Subdirektorat Data dan Analitik", "DIT-DIG"),
    ("SUBDIT-APL", "Subdirektorat Aplikasi Layanan", "DIT-DIG"),
    ("DIT-INOV", "Direktorat Inovasi Pelayanan", "DITJEN-YP"),
    ("ITJEN", "Inspektorat Jenderal", "KEM"),
]

# username, name, unit, position, position type, supervisor username, groups
LOGINS = [
    (
        "supervisor",
        "Rina Kartika Sari",
        "DIT-DIG",
        "Direktur Layanan Digital",
        "structural",
        "dirjen",
        [],
    ),
    (
        "staff",
        "Budi Santoso",
        "DIT-DIG",
        "Pranata Komputer Ahli Muda",
        "functional",
        "supervisor",
        [],
    ),
    (
        "reviewer1",
        "Dewi Lestari",
        "DIT-INOV",
        "Analis Kebijakan Ahli Madya",
        "functional",
        None,
        [],
    ),
    ("reviewer2", "Agus Setiawan", "ITJEN", "Auditor Ahli Madya", "functional", None, []),
    (
        "reviewer3",
        "Siti Nurhaliza",
        "BIRO-UMUM",
        "Analis SDM Aparatur Ahli Muda",
        "functional",
        None,
        [],
    ),
    ("chair", "Hendra Wijaya", "SETJEN", "Sekretaris Jenderal", "structural", None, []),
    (
        "secretariat",
        "Maya Anggraini",
        "BIRO-UMUM",
        "Kepala Bagian Penghargaan",
        "structural",
        "chair",
        [SECRETARIAT],
    ),
    ("hr", "Yusuf Ramadhan", "BIRO-SDM", "Kepala Biro SDM", "structural", "chair", [HR]),
]

FIRST = [
    "Ahmad",
    "Putri",
    "Joko",
    "Sri",
    "Wahyu",
    "Ani",
    "Eko",
    "Fitri",
    "Rudi",
    "Lina",
    "Bayu",
    "Nur",
    "Andi",
    "Ratna",
    "Dedi",
    "Indah",
    "Hadi",
    "Wulan",
    "Arif",
    "Yuni",
]
LAST = [
    "Pratama",
    "Hidayat",
    "Saputra",
    "Rahmawati",
    "Kusuma",
    "Nugroho",
    "Susanti",
    "Firmansyah",
    "Handayani",
    "Gunawan",
    "Permata",
    "Siregar",
    "Nasution",
    "Wibowo",
]
POSITIONS = [
    "Analis Kebijakan",
    "Pranata Komputer",
    "Pengelola Layanan Operasional",
    "Arsiparis",
    "Statistisi",
    "Analis Data",
    "Perencana",
]
EMPLOYEES = 60


def _nip(rng: random.Random, sequence: int) -> str:
    birth = dt.date(1965, 1, 1) + dt.timedelta(days=rng.randrange(365 * 33))
    year = min(birth.year + rng.randint(21, 30), 2024)
    return f"{birth:%Y%m%d}{year}{rng.randint(1, 12):02d}{rng.choice('12')}{sequence:03d}"


@transaction.atomic
def seed_people(*, password: str = DEMO_PASSWORD) -> dict[str, Employee]:
    """Create (or find) the demo org tree, employees and logins."""
    rng = random.Random(2026)
    units: dict[str, OrgUnit] = {}
    for code, name, parent in UNITS:
        units[code], _ = OrgUnit.objects.get_or_create(
            code=code, defaults={"name": name, "parent": units.get(parent) if parent else None}
        )

    def employee(nip_seq: int, **fields) -> Employee:
        nip = _nip(rng, nip_seq)
        found = Employee.objects.filter(nip=nip).first()
        if found:
            return found
        return employee_save(employee=Employee(nip=nip, **fields))

    dirjen = employee(
        1,
        name="Bambang Sutrisno",
        org_unit=units["DITJEN-YP"],
        position="Direktur Jenderal Pelayanan Publik",
        position_type="structural",
        rank="IV/d",
    )
    people = {"dirjen": dirjen}
    User = get_user_model()
    for seq, (username, name, unit, position, kind, sup, groups) in enumerate(LOGINS, start=2):
        emp = employee(
            seq,
            name=name,
            org_unit=units[unit],
            position=position,
            position_type=kind,
            rank=rng.choice(PNS_RANKS[10:]),
            supervisor=people.get(sup) if sup else None,
            email=f"{username}@apresiasi.example",
        )
        user, created = User.objects.get_or_create(
            username=username, defaults={"email": emp.email, "first_name": name}
        )
        if created or not user.check_password(password):
            user.set_password(password)
            user.save()
        for group in groups:
            user.groups.add(Group.objects.get_or_create(name=group)[0])
        if emp.user_id != user.pk:
            emp.user = user
            emp.save(update_fields=["user"])
        people[username] = emp

    # Below the supervisor: a sub-directorate head with a team (indirect reports),
    # plus direct reports; the rest spread over the other units.
    head = employee(
        20,
        name="Taufik Hidayat",
        org_unit=units["SUBDIT-DATA"],
        position="Kepala Subdirektorat Data dan Analitik",
        position_type="structural",
        rank="IV/a",
        supervisor=people["supervisor"],
    )
    others = ["SUBDIT-DATA", "SUBDIT-APL", "DIT-DIG", "DIT-INOV", "BIRO-SDM", "BIRO-UMUM", "ITJEN"]
    count = len(people) + 1  # dirjen, the logins and the sub-directorate head
    seq = 21
    while count < EMPLOYEES:
        unit = others[seq % len(others)]
        boss = {
            "SUBDIT-DATA": head,
            "SUBDIT-APL": people["supervisor"],
            "DIT-DIG": people["supervisor"],
        }.get(unit)
        employee(
            seq,
            name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
            org_unit=units[unit],
            position=f"{rng.choice(POSITIONS)} Ahli {rng.choice(['Pertama', 'Muda'])}",
            position_type=rng.choice(["functional", "executor"]),
            rank=rng.choice(PNS_RANKS[8:14]),
            supervisor=boss,
        )
        count += 1
        seq += 1
    return people
