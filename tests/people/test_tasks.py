import datetime as dt

from django.db import connection
from django.utils import timezone

from people.models import CareerProfile
from people.services import career_event_append
from people.tasks import refresh_award_window
from tests.factories import EmployeeFactory


def test_award_window_refresh_runs_on_a_real_worker(transactional_db, celery_worker):
    employee = EmployeeFactory()
    career_event_append(employee=employee, kind="award", reference="recent")
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO people_careerevent (employee_id, kind, amount, unit, source, reference,"
            " note, created_at) VALUES (%s, 'award', 1, '', '{}', 'old', '', %s)",
            [employee.pk, timezone.now() - dt.timedelta(days=4 * 365)],
        )
    assert CareerProfile.objects.get(employee=employee).awards_last_five_years == 1

    assert refresh_award_window.delay().get(timeout=60) == 1
    assert CareerProfile.objects.get(employee=employee).awards_last_five_years == 2
