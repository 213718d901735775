"""Writes of the people app. Other apps call these, never the models directly."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Case, OuterRef, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from .models import CareerEvent, CareerProfile, Employee

AWARD_WINDOW_YEARS = 5


def employee_save(*, employee: Employee) -> Employee:
    """Validate (NIP, rank, reporting line) and save an employee."""
    employee.full_clean()
    employee.save()
    return employee


def employee_set_public_recognition(*, employee: Employee, public: bool) -> Employee:
    """The employee's choice to appear in public recognition posts. Takes
    effect at once: the wall, the API and the feed check it on every read."""
    Employee.objects.filter(pk=employee.pk).update(public_recognition=public)
    employee.public_recognition = public
    return employee


def employee_set_language(*, employee: Employee, language: str) -> None:
    """Remember the language an employee chose for the pages (their e-mails
    follow it); an unknown code is ignored."""
    from django.conf import settings

    if language in dict(settings.LANGUAGES) and employee.language != language:
        employee.language = language
        employee.save(update_fields=["language", "updated_at"])


def _five_years_ago(today: dt.date) -> dt.date:
    try:
        return today.replace(year=today.year - AWARD_WINDOW_YEARS)
    except ValueError:  # 29 February
        return today.replace(year=today.year - AWARD_WINDOW_YEARS, day=28)


def career_event_append(
    *,
    employee: Employee,
    kind: str,
    amount: Decimal | int = 0,
    unit: str = "",
    source: dict | None = None,
    reference: str = "",
    note: str = "",
) -> CareerEvent:
    """Append an event to the employee's ledger and update the career profile,
    in one transaction.

    With a ``reference``, appending is idempotent: a second call with the same
    reference returns the first event and changes nothing (the database's
    unique constraint decides, so two concurrent callers cannot both append).
    A correction is a new event with a negative amount.
    """
    if kind not in CareerEvent.Kind.values:
        raise ValueError(f"unknown career event kind {kind!r}")
    amount = Decimal(amount)
    with transaction.atomic():
        profile, _ = CareerProfile.objects.select_for_update().get_or_create(employee=employee)
        try:
            with transaction.atomic():
                event = CareerEvent.objects.create(
                    employee=employee,
                    kind=kind,
                    amount=amount,
                    unit=unit,
                    source=source or {},
                    reference=reference,
                    note=note,
                )
        except IntegrityError:
            if reference:
                return CareerEvent.objects.get(reference=reference)
            raise
        today = timezone.localdate()
        if kind == CareerEvent.Kind.AWARD:
            if amount >= 0:
                profile.awards_received += 1
                profile.last_award_date = today
            else:
                profile.awards_received = max(profile.awards_received - 1, 0)
            profile.awards_last_five_years = _awards_since(employee, _five_years_ago(today))
        elif kind == CareerEvent.Kind.CREDIT_POINTS:
            profile.credit_points_total += amount
        elif kind == CareerEvent.Kind.TRAINING:
            profile.training_hours_entitlement += amount
        elif kind == CareerEvent.Kind.TALENT_POOL:
            profile.talent_pool = amount > 0
        profile.save()
    return event


# An award counts +1, its reversal (negative amount) -1.
_AWARD_SIGN = Sum(Case(When(amount__lt=0, then=Value(-1)), default=Value(1)))


def _awards_since(employee: Employee, since: dt.date) -> int:
    total = CareerEvent.objects.filter(
        employee=employee, kind=CareerEvent.Kind.AWARD, created_at__date__gte=since
    ).aggregate(n=_AWARD_SIGN)["n"]
    return max(total or 0, 0)


def career_profiles_refresh_award_window() -> int:
    """Recount "awards in the last five years" for every profile, in one UPDATE
    (awards age out of the window as days pass). Returns the rows updated."""
    since = _five_years_ago(timezone.localdate())
    awards = (
        CareerEvent.objects.filter(
            employee=OuterRef("employee"),
            kind=CareerEvent.Kind.AWARD,
            created_at__date__gte=since,
        )
        .order_by()
        .values("employee")
        .annotate(n=_AWARD_SIGN)
        .values("n")
    )
    return CareerProfile.objects.update(
        awards_last_five_years=Greatest(Coalesce(Subquery(awards), Value(0)), Value(0))
    )
