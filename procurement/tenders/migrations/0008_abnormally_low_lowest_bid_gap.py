"""The detection method once labelled « Règle ProZorro » is named after what it computes: the gap of
the lowest bid to the others. Its stored value and its two percentages are renamed accordingly."""

import django.core.validators
from decimal import Decimal

from django.db import migrations, models

MODELS = ("evaluationsettings", "historicalevaluationsettings")
REVIEWS = ("abnormallylowreview", "historicalabnormallylowreview")


def rename_value(apps, schema_editor, old="prozorro", new="lowest_bid_gap"):
    for name in MODELS:
        apps.get_model("tenders", name).objects.filter(oab_method=old).update(oab_method=new)
    for name in REVIEWS:
        apps.get_model("tenders", name).objects.filter(detected_by_method=old).update(detected_by_method=new)


def restore_value(apps, schema_editor):
    rename_value(apps, schema_editor, old="lowest_bid_gap", new="prozorro")


class Migration(migrations.Migration):
    dependencies = [("tenders", "0007_bid_file_download_log")]

    operations = [
        *(migrations.RenameField(name, "oab_prozorro_mean_percent", "oab_lowest_gap_mean_percent") for name in MODELS),
        *(migrations.RenameField(name, "oab_prozorro_next_percent", "oab_lowest_gap_next_percent") for name in MODELS),
        migrations.RunPython(rename_value, restore_value),
        migrations.AlterField(
            model_name='abnormallylowreview',
            name='detected_by_method',
            field=models.CharField(blank=True, choices=[('reduced_mean', 'Moyenne réduite'), ('mean_minus_sd', 'Moyenne moins un écart type'), ('lowest_bid_gap', "Écart de l'offre la plus basse avec les autres offres")], max_length=16, verbose_name='méthode de détection'),
        ),
        migrations.AlterField(
            model_name='evaluationsettings',
            name='oab_lowest_gap_mean_percent',
            field=models.DecimalField(decimal_places=2, default=Decimal('40'), help_text="Méthode de l'écart : l'offre la plus basse est signalée si elle est inférieure d'au moins ce pourcentage à la moyenne des autres offres.", max_digits=5, validators=[django.core.validators.MinValueValidator(Decimal('0')), django.core.validators.MaxValueValidator(Decimal('100'))], verbose_name='offre la plus basse : écart sous la moyenne des autres offres (%)'),
        ),
        migrations.AlterField(
            model_name='evaluationsettings',
            name='oab_lowest_gap_next_percent',
            field=models.DecimalField(decimal_places=2, default=Decimal('30'), help_text="Ou si elle est inférieure d'au moins ce pourcentage à l'offre classée juste après elle.", max_digits=5, validators=[django.core.validators.MinValueValidator(Decimal('0')), django.core.validators.MaxValueValidator(Decimal('100'))], verbose_name="offre la plus basse : écart sous l'offre suivante (%)"),
        ),
        migrations.AlterField(
            model_name='evaluationsettings',
            name='oab_method',
            field=models.CharField(choices=[('reduced_mean', 'Moyenne réduite'), ('mean_minus_sd', 'Moyenne moins un écart type'), ('lowest_bid_gap', "Écart de l'offre la plus basse avec les autres offres")], default='reduced_mean', max_length=16, verbose_name='détection des offres anormalement basses'),
        ),
        migrations.AlterField(
            model_name='historicalabnormallylowreview',
            name='detected_by_method',
            field=models.CharField(blank=True, choices=[('reduced_mean', 'Moyenne réduite'), ('mean_minus_sd', 'Moyenne moins un écart type'), ('lowest_bid_gap', "Écart de l'offre la plus basse avec les autres offres")], max_length=16, verbose_name='méthode de détection'),
        ),
        migrations.AlterField(
            model_name='historicalevaluationsettings',
            name='oab_lowest_gap_mean_percent',
            field=models.DecimalField(decimal_places=2, default=Decimal('40'), help_text="Méthode de l'écart : l'offre la plus basse est signalée si elle est inférieure d'au moins ce pourcentage à la moyenne des autres offres.", max_digits=5, validators=[django.core.validators.MinValueValidator(Decimal('0')), django.core.validators.MaxValueValidator(Decimal('100'))], verbose_name='offre la plus basse : écart sous la moyenne des autres offres (%)'),
        ),
        migrations.AlterField(
            model_name='historicalevaluationsettings',
            name='oab_lowest_gap_next_percent',
            field=models.DecimalField(decimal_places=2, default=Decimal('30'), help_text="Ou si elle est inférieure d'au moins ce pourcentage à l'offre classée juste après elle.", max_digits=5, validators=[django.core.validators.MinValueValidator(Decimal('0')), django.core.validators.MaxValueValidator(Decimal('100'))], verbose_name="offre la plus basse : écart sous l'offre suivante (%)"),
        ),
        migrations.AlterField(
            model_name='historicalevaluationsettings',
            name='oab_method',
            field=models.CharField(choices=[('reduced_mean', 'Moyenne réduite'), ('mean_minus_sd', 'Moyenne moins un écart type'), ('lowest_bid_gap', "Écart de l'offre la plus basse avec les autres offres")], default='reduced_mean', max_length=16, verbose_name='détection des offres anormalement basses'),
        ),
    ]
