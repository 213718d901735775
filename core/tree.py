"""Recursive queries over self-referencing tables (org units, reporting lines).

One ``WITH RECURSIVE`` query answers "everything below" or "everything above"
a row at any depth. It is standard SQL that PostgreSQL and SQLite both run, so
the embedded default and production share the code path.
"""

from __future__ import annotations

from typing import cast

from django.db import connection, models
from django.db.models.expressions import RawSQL

# A guard against a corrupted table: the data is kept acyclic by validation,
# but a recursive query must never loop forever.
MAX_DEPTH = 200


def _column(model: type[models.Model], field_name: str) -> str:
    """The quoted column of a model's field (a parent link)."""
    field = cast(models.Field, model._meta.get_field(field_name))
    return connection.ops.quote_name(cast(str, field.column))


def descendant_ids_sql(model: type[models.Model], parent_field: str) -> str:
    """SQL selecting the ids strictly below the row given as the one parameter."""
    table = connection.ops.quote_name(model._meta.db_table)
    column = _column(model, parent_field)
    return (
        f"WITH RECURSIVE below(id, depth) AS ("  # noqa: S608 (names come from model meta)
        f" SELECT id, 1 FROM {table} WHERE {column} = %s"
        f" UNION ALL"
        f" SELECT t.id, below.depth + 1 FROM {table} t JOIN below ON t.{column} = below.id"
        f" WHERE below.depth < {MAX_DEPTH}"
        f") SELECT id FROM below"
    )


def descendant_ids(model: type[models.Model], parent_field: str, pk: int) -> RawSQL:
    """A subquery of the ids strictly below ``pk``, for ``filter(id__in=...)``."""
    # The only interpolated parts are table and column names from model meta;
    # the value is a bound parameter.
    return RawSQL(descendant_ids_sql(model, parent_field), [pk])  # noqa: S611


def ancestor_ids(model: type[models.Model], parent_field: str, pk: int) -> list[int]:
    """Ids strictly above ``pk``, nearest first, in one query."""
    table = connection.ops.quote_name(model._meta.db_table)
    column = _column(model, parent_field)
    sql = (
        f"WITH RECURSIVE above(id, parent, depth) AS ("  # noqa: S608
        f" SELECT id, {column}, 0 FROM {table} WHERE id = %s"
        f" UNION ALL"
        f" SELECT t.id, t.{column}, above.depth + 1 FROM {table} t"
        f" JOIN above ON t.id = above.parent"
        f" WHERE above.depth < {MAX_DEPTH}"
        f") SELECT id FROM above WHERE depth > 0 ORDER BY depth"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [pk])
        return [row[0] for row in cursor.fetchall()]
