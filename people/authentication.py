"""Token authentication for the API: the user, their employee record and
their groups in one query."""

import functools

from django.contrib.auth import get_user_model
from django.db import connection
from rest_framework.authentication import TokenAuthentication as BaseTokenAuthentication
from rest_framework.authtoken.models import Token

from core.db import fetch_prepared

from .models import Employee
from .selectors import user_groups_remember


def _columns(model, alias: str) -> tuple[list[str], list[str]]:
    fields = model._meta.concrete_fields
    return [f.attname for f in fields], [f'{alias}."{f.column}"' for f in fields]


@functools.cache
def _token_query() -> tuple[str, list[str], list[str]]:
    """The SQL (built once, from the models' own column names) and the field
    names of the user and employee parts of its rows."""
    user_names, user_columns = _columns(get_user_model(), "u")
    employee_names, employee_columns = _columns(Employee, "e")
    sql = (
        f"SELECT t.created, {', '.join(user_columns)}, {', '.join(employee_columns)},"  # noqa: S608
        " ARRAY(SELECT g.name FROM auth_group g"
        "       JOIN auth_user_groups ug ON ug.group_id = g.id WHERE ug.user_id = u.id)"
        " FROM authtoken_token t JOIN auth_user u ON u.id = t.user_id"
        " LEFT JOIN people_employee e ON e.user_id = u.id"
        " WHERE t.key = %s"
    )
    return sql, user_names, employee_names


class TokenAuthentication(BaseTokenAuthentication):
    """DRF's token authentication, fetching the user, their employee record
    and their group names in one query (nearly every view asks "which
    employee is this, with which roles?"). On PostgreSQL it is a prepared
    statement: it runs on every API request."""

    def authenticate_credentials(self, key):
        if connection.vendor != "postgresql":
            return self._authenticate_with_orm(key)
        sql, user_names, employee_names = _token_query()
        rows = fetch_prepared(sql, [key])
        if not rows:
            return super().authenticate_credentials(key)  # raises the usual error
        created, *values = rows[0]
        groups = values.pop()
        user = get_user_model().from_db("default", user_names, values[: len(user_names)])
        employee_values = values[len(user_names) :]
        employee = None
        if employee_values[0] is not None:
            employee = Employee.from_db("default", employee_names, employee_values)
            employee._state.fields_cache["user"] = user
        user._state.fields_cache["employee"] = employee
        user_groups_remember(user, groups)
        if not user.is_active:
            return super().authenticate_credentials(key)
        token = self.get_model().from_db(
            "default", ["key", "user_id", "created"], [key, user.pk, created]
        )
        token._state.fields_cache["user"] = user
        return (user, token)

    def _authenticate_with_orm(self, key):
        model = Token
        try:
            token = model.objects.select_related("user", "user__employee").get(key=key)
        except model.DoesNotExist:
            return super().authenticate_credentials(key)
        if not token.user.is_active:
            return super().authenticate_credentials(key)
        return (token.user, token)
