"""Names users see in both languages (category, criterion, level
descriptors), and a cycle's org unit scope."""

import django.db.models.deletion
from django.db import migrations, models


def _split(name):
    # The old category names read "Indonesian / English".
    head, sep, tail = name.partition(" / ")
    return (head, tail) if sep else (name, name)


def forward(apps, schema_editor):
    from nominations import defaults

    Category = apps.get_model("nominations", "Category")
    Criterion = apps.get_model("nominations", "Criterion")
    for category in Category.objects.all():
        category.name_id, category.name_en = _split(category.name)
        category.save(update_fields=["name_id", "name_en"])
    known = {code: (names, levels) for code, names, *_, levels in defaults.DEFAULT_CRITERIA}
    indonesian = {
        level["descriptors"]["en"]: level["descriptors"]["id"]
        for _names, levels in known.values()
        for level in levels
    }
    for criterion in Criterion.objects.all():
        names, _levels = known.get(criterion.code, ((criterion.name, criterion.name), None))
        criterion.name_id, criterion.name_en = names
        criterion.levels = [
            {
                "value": level["value"],
                "descriptors": {
                    "id": indonesian.get(level.get("descriptor", ""), level.get("descriptor", "")),
                    "en": level.get("descriptor", ""),
                },
            }
            for level in criterion.levels
            if "descriptor" in level
        ]
        criterion.save(update_fields=["name_id", "name_en", "levels"])


def backward(apps, schema_editor):
    Category = apps.get_model("nominations", "Category")
    Criterion = apps.get_model("nominations", "Criterion")
    for category in Category.objects.all():
        category.name = f"{category.name_id} / {category.name_en}"
        category.save(update_fields=["name"])
    for criterion in Criterion.objects.all():
        criterion.name = criterion.name_en
        criterion.levels = [
            {"value": lv["value"], "descriptor": lv["descriptors"]["en"]} for lv in criterion.levels
        ]
        criterion.save(update_fields=["name", "levels"])


class Migration(migrations.Migration):
    dependencies = [
        ("nominations", "0005_adjusted_scores"),
        ("people", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="category",
            name="name_en",
            field=models.CharField(default="", max_length=200, verbose_name="name (English)"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="category",
            name="name_id",
            field=models.CharField(default="", max_length=200, verbose_name="name (Indonesian)"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="criterion",
            name="name_en",
            field=models.CharField(default="", max_length=200, verbose_name="name (English)"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="criterion",
            name="name_id",
            field=models.CharField(default="", max_length=200, verbose_name="name (Indonesian)"),
            preserve_default=False,
        ),
        migrations.RunPython(forward, backward),
        migrations.RemoveField(model_name="category", name="name"),
        migrations.RemoveField(model_name="criterion", name="name"),
        migrations.AddField(
            model_name="cycle",
            name="scope_unit",
            field=models.ForeignKey(
                blank=True,
                help_text="Only employees of this unit and the units below it can be nominated.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="people.orgunit",
                verbose_name="org unit the cycle is for",
            ),
        ),
    ]
