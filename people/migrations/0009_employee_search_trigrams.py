"""Indexes for the employee search (PostgreSQL only).

The search asks for names that *contain* the text (``UPPER(name) LIKE
'%…%'``) and NIPs that start with it; the b-trees serve neither under a
non-C collation, so at a million employees the search read the whole
table. A ``pg_trgm`` GIN index serves the names, a ``varchar_pattern_ops``
b-tree the NIP prefixes. (Not a trigram index on the NIP: pg_trgm also
answers equality, and the planner then chose it over the unique index for
the import's NIP lookups, a thousand times slower.) Other databases (the
embedded SQLite default) keep the plain scan.
"""

from django.db import migrations

UP = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    # The expression Django writes for name__icontains.
    "CREATE INDEX IF NOT EXISTS employee_name_trgm ON people_employee"
    " USING gin ((UPPER(name::text)) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS employee_nip_prefix ON people_employee"
    " (nip varchar_pattern_ops)",
    "ANALYZE people_employee",
]
DOWN = [
    "DROP INDEX IF EXISTS employee_name_trgm",
    "DROP INDEX IF EXISTS employee_nip_prefix",
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in UP:
            schema_editor.execute(statement)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in DOWN:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("people", "0008_employee_opted_out")]

    operations = [migrations.RunPython(create, drop)]
