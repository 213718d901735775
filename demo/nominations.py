"""The demo cycle of DESIGN.md §8: nominating, default set-up, a committee of
three reviewers and a chair (none of them in ``supervisor``'s line)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from nominations import services
from nominations.models import Cycle
from people.models import Employee

DEMO_CYCLE = "Anugerah Inovasi 2026"

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
        nominating_on=today,
        reviewing_on=today + dt.timedelta(days=30),
        deciding_on=today + dt.timedelta(days=60),
        publishing_on=today + dt.timedelta(days=75),
        closing_on=today + dt.timedelta(days=365),
    )
    categories = {c.code: c for c in cycle.categories.all()}
    for username, codes in EXPERTISE.items():
        services.committee_member_add(
            cycle=cycle,
            employee=people[username],
            load_cap=30,
            expertise=[categories[c] for c in codes],
        )
    services.committee_member_add(cycle=cycle, employee=people["chair"], is_chair=True)
    return services.cycle_set_phase(cycle_id=cycle.pk, phase=Cycle.Phase.NOMINATING)
