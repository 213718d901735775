"""Role groups, and a database guard that makes the career ledger append-only.

Row-level UPDATE and DELETE are refused by triggers. TRUNCATE (table owner only)
is left alone so test databases can still be flushed.
"""

from django.db import migrations

TABLE = "people_careerevent"

POSTGRES_UP = f"""
CREATE OR REPLACE FUNCTION people_careerevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'career events are append-only: % is not allowed', TG_OP
        USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER people_careerevent_no_update_delete
    BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION people_careerevent_append_only();
"""
POSTGRES_DOWN = f"""
DROP TRIGGER IF EXISTS people_careerevent_no_update_delete ON {TABLE};
DROP FUNCTION IF EXISTS people_careerevent_append_only();
"""
SQLITE_UP = [
    f"""CREATE TRIGGER people_careerevent_no_update BEFORE UPDATE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, 'career events are append-only: UPDATE is not allowed'); END;""",
    f"""CREATE TRIGGER people_careerevent_no_delete BEFORE DELETE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, 'career events are append-only: DELETE is not allowed'); END;""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS people_careerevent_no_update;",
    "DROP TRIGGER IF EXISTS people_careerevent_no_delete;",
]


def guard_ledger(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_UP, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_UP:
            schema_editor.execute(statement)


def unguard_ledger(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_DOWN, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_DOWN:
            schema_editor.execute(statement)


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ("secretariat", "hr"):
        Group.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunPython(create_groups, migrations.RunPython.noop),
        migrations.RunPython(guard_ledger, unguard_ledger),
    ]
