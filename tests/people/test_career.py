import datetime as dt
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from people.models import CareerEvent, CareerProfile
from people.selectors import career_profile_get
from people.services import career_event_append, career_profiles_refresh_award_window
from tests.factories import EmployeeFactory


@pytest.fixture
def employee(db):
    return EmployeeFactory()


def test_appending_events_updates_the_profile(employee):
    career_event_append(employee=employee, kind="award", amount=1, reference="award:1")
    career_event_append(
        employee=employee, kind="credit_points", amount=Decimal("12.5"), unit="points"
    )
    career_event_append(employee=employee, kind="training", amount=20, unit="hours")
    career_event_append(employee=employee, kind="talent_pool", amount=1)
    profile = CareerProfile.objects.get(employee=employee)
    assert (
        profile.awards_received,
        profile.awards_last_five_years,
        profile.credit_points_total,
        profile.training_hours_entitlement,
        profile.talent_pool,
        profile.last_award_date,
    ) == (1, 1, Decimal("12.50"), Decimal("20.00"), True, timezone.localdate())


def test_a_reversing_event_corrects_the_totals(employee):
    career_event_append(employee=employee, kind="credit_points", amount=10)
    career_event_append(employee=employee, kind="credit_points", amount=-10, note="correction")
    assert CareerProfile.objects.get(employee=employee).credit_points_total == 0
    assert CareerEvent.objects.filter(employee=employee).count() == 2


def test_the_same_reference_appends_once(employee):
    first = career_event_append(employee=employee, kind="award", reference="incentive:7")
    second = career_event_append(employee=employee, kind="award", reference="incentive:7")
    assert first.pk == second.pk
    assert CareerProfile.objects.get(employee=employee).awards_received == 1


def test_profile_of_an_employee_without_events_is_all_zero(employee):
    profile = career_profile_get(employee=employee)
    assert (profile.awards_received, profile.credit_points_total, profile.talent_pool) == (
        0,
        0,
        False,
    )


def test_event_cannot_be_updated_through_the_model(employee):
    event = career_event_append(employee=employee, kind="bonus", amount=1_000_000, unit="IDR")
    event.amount = 5
    with pytest.raises(TypeError, match="append-only"):
        event.save()
    with pytest.raises(TypeError, match="append-only"):
        CareerEvent.objects.filter(pk=event.pk).update(amount=5)


def test_event_cannot_be_deleted_through_the_model(employee):
    event = career_event_append(employee=employee, kind="bonus", amount=1)
    with pytest.raises(TypeError, match="append-only"):
        event.delete()
    with pytest.raises(TypeError, match="append-only"):
        CareerEvent.objects.all().delete()


def test_the_database_itself_refuses_update_and_delete(employee):
    event = career_event_append(employee=employee, kind="bonus", amount=1)
    for sql in (
        "UPDATE people_careerevent SET amount = 99 WHERE id = %s",
        "DELETE FROM people_careerevent WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [event.pk])
    assert CareerEvent.objects.get(pk=event.pk).amount == 1


def test_awards_older_than_five_years_leave_the_window(employee):
    career_event_append(employee=employee, kind="award", reference="old")
    career_event_append(employee=employee, kind="award", reference="new")
    # Age one event past the window: the ledger refuses UPDATE, so insert an old one
    # directly the way a migration of historical data would.
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO people_careerevent (employee_id, kind, amount, unit, source, reference,"
            " note, created_at) VALUES (%s, 'award', 1, '', '{}', 'history', '', %s)",
            [employee.pk, timezone.now() - dt.timedelta(days=6 * 365)],
        )
    # Another person's award and this person's other events do not count.
    other = EmployeeFactory()
    career_event_append(employee=other, kind="award", reference="theirs")
    none = EmployeeFactory()
    career_event_append(employee=none, kind="training", amount=8, reference="none's course")
    CareerProfile.objects.filter(employee=none).update(awards_last_five_years=3)
    career_event_append(employee=employee, kind="training", amount=20, reference="course")
    profiles = CareerProfile.objects.filter(employee=employee)
    profiles.update(awards_last_five_years=99)  # stale, to be recounted
    assert career_profiles_refresh_award_window() == 3
    assert profiles.get().awards_last_five_years == 2
    assert CareerProfile.objects.get(employee=other).awards_last_five_years == 1
    assert CareerProfile.objects.get(employee=none).awards_last_five_years == 0
