"""The demo cycles of DESIGN.md §8.

- *Anugerah Inovasi 2026*, the national cycle: nominating, default set-up, a
  committee of three reviewers and a chair (none of them in ``supervisor``'s
  line); it takes the silver award and above from lower-level cycles, at
  most three from each.
- *Anugerah Inovasi Ditjen Pelayanan Publik 2026*, an agency cycle for the
  directorate general, naming the national one as its higher-level cycle:
  run through screening, review and decision by the services as its users
  would, and published, with one gold winner (Taufik Hidayat, who reports to
  ``supervisor``) that the secretariat can put forward to the national cycle.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from core.types import Actor
from nominations import services
from nominations.assignment import reviewers_assign
from nominations.models import Cycle
from people.models import Employee, OrgUnit

DEMO_CYCLE = "Anugerah Inovasi 2026"
AGENCY_CYCLE = "Anugerah Inovasi Ditjen Pelayanan Publik 2026"

EXPERTISE = {
    "reviewer1": ["technology", "technology-team"],
    "reviewer2": ["management", "management-team"],
    "reviewer3": ["service", "service-team"],
}


@transaction.atomic
def seed_cycle(*, people: dict[str, Employee]) -> Cycle:
    existing = Cycle.objects.filter(name=DEMO_CYCLE).first()
    if existing:
        return existing
    today = timezone.localdate()
    cycle = services.cycle_create(
        name=DEMO_CYCLE,
        promotion_min_award_level="silver",
        promotion_quota=3,
        nominating_on=today,
        reviewing_on=today + dt.timedelta(days=30),
        deciding_on=today + dt.timedelta(days=60),
        publishing_on=today + dt.timedelta(days=75),
        closing_on=today + dt.timedelta(days=365),
    )
    _committee(cycle, people)
    return services.cycle_set_phase(cycle_id=cycle.pk, phase=Cycle.Phase.NOMINATING)


def _committee(cycle: Cycle, people: dict[str, Employee]) -> None:
    categories = {c.code: c for c in cycle.categories.all()}
    for username, codes in EXPERTISE.items():
        services.committee_member_add(
            cycle=cycle,
            employee=people[username],
            load_cap=30,
            expertise=[categories[c] for c in codes],
        )
    services.committee_member_add(cycle=cycle, employee=people["chair"], is_chair=True)


WINNER: dict[str, Any] = {
    "title": "Dasbor data layanan terbuka",
    "problem": "Pimpinan menunggu laporan bulanan untuk melihat antrean layanan.",
    "solution": "Dasbor harian dari data layanan yang terbuka untuk setiap unit.",
    "impact": "Waktu tunggu layanan turun dari 9 menjadi 3 hari dalam satu tahun.",
}


@transaction.atomic
def seed_agency_cycle(*, people: dict[str, Employee], national: Cycle) -> Cycle:
    """The agency cycle, published with one gold winner not yet put forward."""
    existing = Cycle.objects.filter(name=AGENCY_CYCLE).first()
    if existing:
        return existing
    today = timezone.localdate()
    agency = services.cycle_create(
        name=AGENCY_CYCLE,
        parent=national,
        scope_unit=OrgUnit.objects.get(code="DITJEN-YP"),
        nominating_on=today - dt.timedelta(days=120),
        reviewing_on=today - dt.timedelta(days=90),
        deciding_on=today - dt.timedelta(days=60),
        publishing_on=today - dt.timedelta(days=45),
        closing_on=today + dt.timedelta(days=320),
    )
    _committee(agency, people)
    agency = services.cycle_set_phase(cycle_id=agency.pk, phase=Cycle.Phase.NOMINATING)
    supervisor = people["supervisor"]
    winner = Employee.objects.get(name="Taufik Hidayat", supervisor=supervisor)
    criteria = list(agency.rubric.criteria.all())
    item = services.nomination_create(
        nominator=supervisor,
        cycle=agency,
        category=agency.categories.get(code="technology"),
        nominees=[winner],
        started_on=today - dt.timedelta(days=700),
        psm_statements={c.code: "Melayani warga lebih dulu." for c in criteria if c.asks_statement},
        **WINNER,
    )
    services.nomination_submit(nomination_id=item.pk, actor=_user(supervisor))
    services.nomination_screen(
        nomination_id=item.pk, actor=_user(people["secretariat"]), eligible=True
    )
    services.cycle_set_phase(cycle_id=agency.pk, phase=Cycle.Phase.REVIEWING)
    reviewers_assign(cycle_id=agency.pk)
    for assignment in item.assignments.select_related("member__employee__user"):
        services.review_save(
            assignment_id=assignment.pk,
            actor=_user(assignment.member.employee),
            scores={c.code: c.scale_max if c.weight >= 12 else c.scale_max - 1 for c in criteria},
            submit=True,
        )
    services.cycle_set_phase(cycle_id=agency.pk, phase=Cycle.Phase.DECIDING)
    services.nomination_decide(
        nomination_id=item.pk,
        actor=_user(people["chair"]),
        award_level="gold",
        rationale="Dampak terukur dan sudah ditiru dua unit lain.",
    )
    return Cycle.objects.get(pk=agency.pk)


def publish_agency_cycle(*, agency: Cycle, people: dict[str, Employee]) -> Cycle:
    """Publish the agency cycle (once its incentive policy is set)."""
    agency = Cycle.objects.get(pk=agency.pk)
    if agency.phase != Cycle.Phase.DECIDING:
        return agency
    return services.cycle_publish(cycle_id=agency.pk, actor=_user(people["secretariat"]))


def _user(employee: Employee) -> Actor:
    """The login of a demo person (every role of the demo has one)."""
    assert employee.user is not None
    return employee.user
