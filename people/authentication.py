"""Token authentication for the API: the user, their employee record and
their groups in one query."""

import datetime as dt
import functools

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication as BaseTokenAuthentication
from rest_framework.authtoken.models import Token

from core.db import fetch_prepared

from .models import Employee, TokenUse
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
        f"SELECT coalesce(w.last_used_at, t.created),"  # noqa: S608
        f" {', '.join(user_columns)}, {', '.join(employee_columns)},"
        " ARRAY(SELECT g.name FROM auth_group g"
        "       JOIN auth_user_groups ug ON ug.group_id = g.id WHERE ug.user_id = u.id)"
        " FROM authtoken_token t JOIN auth_user u ON u.id = t.user_id"
        " LEFT JOIN people_tokenuse w ON w.token_id = t.key"
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
        last_used, *values = rows[0]
        _check_idle(key, last_used)
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
            "default", ["key", "user_id", "created"], [key, user.pk, last_used]
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
        use = TokenUse.objects.filter(token_id=key).values_list("last_used_at", flat=True).first()
        _check_idle(key, use or token.created)
        return (token.user, token)


# Writes of the last use are spaced out: at most one per token per minute.
_TOUCH_EVERY = dt.timedelta(minutes=1)


def _check_idle(key: str, last_used: dt.datetime) -> None:
    """Refuse (and delete) a token idle for longer than ``API_TOKEN_IDLE_DAYS``;
    otherwise note its use."""
    now = timezone.now()
    if now - last_used > dt.timedelta(days=settings.API_TOKEN_IDLE_DAYS):
        Token.objects.filter(key=key).delete()
        raise exceptions.AuthenticationFailed(
            _("The token expired after %(days)d days unused; ask for a new one.")
            % {"days": settings.API_TOKEN_IDLE_DAYS}
        )
    if now - last_used > _TOUCH_EVERY:
        TokenUse.objects.update_or_create(token_id=key, defaults={"last_used_at": now})


def revoke_tokens(*, user) -> int:
    """Delete the user's API tokens (logout from the API, a password change)."""
    deleted, _by_model = Token.objects.filter(user=user).delete()
    return deleted
