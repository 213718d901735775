from decimal import Decimal

import django.core.validators
from django.db import migrations, models


def adjust_open_cycles(apps, schema_editor):
    """Cycles not yet published rank by the adjusted score from now on (the
    per-reviewer z-scores it replaces were off by default)."""
    Cycle = apps.get_model("nominations", "Cycle")
    Cycle.objects.exclude(phase__in=["published", "closed"]).update(adjust_scores=True)


class Migration(migrations.Migration):
    dependencies = [("nominations", "0004_mail_attempts")]

    operations = [
        migrations.RenameField("cycle", "normalise_scores", "adjust_scores"),
        migrations.AlterField(
            model_name="cycle",
            name="adjust_scores",
            field=models.BooleanField(
                default=True,
                help_text="Rank by the score adjusted for each reviewer's leniency (recommended).",
                verbose_name="adjust scores for reviewer leniency",
            ),
        ),
        migrations.RunPython(adjust_open_cycles, migrations.RunPython.noop),
        migrations.RemoveField("cycle", "spread_threshold"),
        migrations.AddField(
            model_name="cycle",
            name="disagreement_rate",
            field=models.DecimalField(
                decimal_places=1,
                default=Decimal("5"),
                help_text="A nomination is flagged when its reviewers disagree more than chance "
                "would make them in this share of ordinary nominations.",
                max_digits=4,
                validators=[
                    django.core.validators.MinValueValidator(Decimal("0.1")),
                    django.core.validators.MaxValueValidator(Decimal("50")),
                ],
                verbose_name="disagreement flag rate (%)",
            ),
        ),
    ]
