"""Nomination transitions and cycle phase changes move to the one history
table of ``core.lifecycle`` (``core.StateChange``)."""

from django.db import migrations


def forwards(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    StateChange = apps.get_model("core", "StateChange")
    Transition = apps.get_model("nominations", "Transition")
    PhaseChange = apps.get_model("nominations", "PhaseChange")
    nomination, _ = ContentType.objects.get_or_create(app_label="nominations", model="nomination")
    cycle, _ = ContentType.objects.get_or_create(app_label="nominations", model="cycle")
    rows = [
        StateChange(
            content_type_id=nomination.pk,
            object_id=t.nomination_id,
            field="status",
            from_state=t.from_status,
            to_state=t.to_status,
            actor_id=t.actor_id,
            reason=t.note,
            created_at=t.created_at,
        )
        for t in Transition.objects.order_by("id").iterator()
    ] + [
        StateChange(
            content_type_id=cycle.pk,
            object_id=p.cycle_id,
            field="phase",
            from_state=p.from_phase,
            to_state=p.to_phase,
            actor_id=p.actor_id,
            created_at=p.created_at,
        )
        for p in PhaseChange.objects.order_by("id").iterator()
    ]
    rows.sort(key=lambda row: row.created_at)
    StateChange.objects.bulk_create(rows, batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0001_state_change"),
        ("nominations", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True),
        migrations.DeleteModel(name="PhaseChange"),
        migrations.DeleteModel(name="Transition"),
    ]
