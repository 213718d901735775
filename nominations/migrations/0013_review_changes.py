"""Every change to a submitted review appends a ReviewChange row for its
round, by a database trigger (PostgreSQL and SQLite), so the ranking's
version covers every path that writes reviews."""

from django.db import migrations, models

POSTGRESQL = [
    """
    CREATE FUNCTION nominations_review_changed() RETURNS trigger AS $$
    BEGIN
        IF TG_OP = 'DELETE' THEN
            IF OLD.submitted_at IS NOT NULL THEN
                INSERT INTO nominations_reviewchange (round_id)
                SELECT round_id FROM nominations_assignment WHERE id = OLD.assignment_id;
            END IF;
        ELSIF NEW.submitted_at IS NOT NULL
              OR (TG_OP = 'UPDATE' AND OLD.submitted_at IS NOT NULL) THEN
            INSERT INTO nominations_reviewchange (round_id)
            SELECT round_id FROM nominations_assignment WHERE id = NEW.assignment_id;
            IF TG_OP = 'UPDATE' AND OLD.assignment_id <> NEW.assignment_id THEN
                INSERT INTO nominations_reviewchange (round_id)
                SELECT round_id FROM nominations_assignment WHERE id = OLD.assignment_id;
            END IF;
        END IF;
        RETURN NULL;
    END
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER nominations_review_changed
    AFTER INSERT OR UPDATE OR DELETE ON nominations_review
    FOR EACH ROW EXECUTE FUNCTION nominations_review_changed()
    """,
]
POSTGRESQL_UNDO = [
    "DROP TRIGGER IF EXISTS nominations_review_changed ON nominations_review",
    "DROP FUNCTION IF EXISTS nominations_review_changed()",
]

SQLITE = [
    """
    CREATE TRIGGER nominations_review_inserted AFTER INSERT ON nominations_review
    WHEN NEW.submitted_at IS NOT NULL
    BEGIN
        INSERT INTO nominations_reviewchange (round_id)
        SELECT round_id FROM nominations_assignment WHERE id = NEW.assignment_id;
    END
    """,
    """
    CREATE TRIGGER nominations_review_updated AFTER UPDATE ON nominations_review
    WHEN NEW.submitted_at IS NOT NULL OR OLD.submitted_at IS NOT NULL
    BEGIN
        INSERT INTO nominations_reviewchange (round_id)
        SELECT round_id FROM nominations_assignment WHERE id = NEW.assignment_id;
        INSERT INTO nominations_reviewchange (round_id)
        SELECT round_id FROM nominations_assignment
        WHERE id = OLD.assignment_id AND OLD.assignment_id <> NEW.assignment_id;
    END
    """,
    """
    CREATE TRIGGER nominations_review_deleted AFTER DELETE ON nominations_review
    WHEN OLD.submitted_at IS NOT NULL
    BEGIN
        INSERT INTO nominations_reviewchange (round_id)
        SELECT round_id FROM nominations_assignment WHERE id = OLD.assignment_id;
    END
    """,
]
SQLITE_UNDO = [
    "DROP TRIGGER IF EXISTS nominations_review_inserted",
    "DROP TRIGGER IF EXISTS nominations_review_updated",
    "DROP TRIGGER IF EXISTS nominations_review_deleted",
]


# Rounds that already have submitted reviews get one change each, so their
# version is not empty (the same SQL on both databases).
SEED = """
    INSERT INTO nominations_reviewchange (round_id)
    SELECT DISTINCT a.round_id FROM nominations_review r
    JOIN nominations_assignment a ON a.id = r.assignment_id
    WHERE r.submitted_at IS NOT NULL
"""


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):

    dependencies = [
        ('nominations', '0012_nomination_list_order'),
    ]

    operations = [
        migrations.CreateModel(
            name='ReviewChange',
            fields=[
                ('id', models.BigAutoField(primary_key=True, serialize=False)),
                ('round_id', models.BigIntegerField()),
            ],
            options={
                'indexes': [models.Index(fields=['round_id', 'id'], name='reviewchange_round_newest')],
            },
        ),
        migrations.RunPython(
            _run({"postgresql": [*POSTGRESQL, SEED], "sqlite": [*SQLITE, SEED]}),
            _run({"postgresql": POSTGRESQL_UNDO, "sqlite": SQLITE_UNDO}),
        ),
    ]
