"""core.db.fetch_prepared: really prepared on PostgreSQL, same values as the ORM."""

from django.contrib.auth import get_user_model
from django.db import connection

from core.db import fetch_prepared
from tests.factories import UserFactory

SQL = "SELECT id, date_joined FROM auth_user WHERE id = %s -- test_db"


def test_the_statement_is_prepared_on_the_server(db):
    user = UserFactory()
    fetch_prepared(SQL, [user.pk])
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any("-- test_db" in statement for statement in prepared), prepared


def test_timestamps_are_the_same_aware_datetimes_as_the_orm_reads(db):
    user = UserFactory()
    [(pk, joined)] = fetch_prepared(SQL, [user.pk])
    assert pk == user.pk
    assert joined == get_user_model().objects.get(pk=pk).date_joined
    assert joined.utcoffset().total_seconds() == 0
