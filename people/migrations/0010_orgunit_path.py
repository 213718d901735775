from django.db import migrations, models


def fill_paths(apps, schema_editor):
    """Every unit's path, from the parent links (the SQL of
    ``people.models.refresh_unit_paths`` over every unit)."""
    table = schema_editor.quote_name("people_orgunit")
    schema_editor.execute(
        f"WITH RECURSIVE tree(id, path, depth) AS ("
        f" SELECT id, CAST('' AS TEXT), 0 FROM {table} WHERE parent_id IS NULL"
        f" UNION ALL"
        f" SELECT e.id, CAST(tree.path || CAST(tree.id AS TEXT) || '/' AS TEXT), tree.depth + 1"
        f" FROM {table} e JOIN tree ON e.parent_id = tree.id WHERE tree.depth < 200)"
        f" UPDATE {table} SET path = tree.path FROM tree"
        f" WHERE tree.id = {table}.id AND {table}.path <> tree.path",
        params=None,
    )
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ANALYZE {table}", params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0009_employee_search_trigrams"),
    ]

    operations = [
        migrations.AddField(
            model_name="orgunit",
            name="path",
            field=models.CharField(default="", editable=False, max_length=2000),
        ),
        migrations.RunPython(fill_paths, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="orgunit",
            index=models.Index(
                fields=["path"], name="orgunit_path", opclasses=["varchar_pattern_ops"]
            ),
        ),
    ]
