# The buyer's review body (tribunal administratif), named in its EU notices (eForms).

import django.core.validators
from django.db import migrations, models


def review_body_fields():
    return [
        ("review_body_name", models.CharField(
            blank=True, help_text="Par exemple : Tribunal administratif d'Orléans.", max_length=200,
            verbose_name="instance chargée des recours")),
        ("review_body_postal_code", models.CharField(
            blank=True, max_length=5, validators=[django.core.validators.RegexValidator(
                "^\\d{5}$", "Un code postal compte 5 chiffres.")],
            verbose_name="code postal de l'instance de recours")),
        ("review_body_city", models.CharField(blank=True, max_length=100,
                                              verbose_name="commune de l'instance de recours")),
    ]


class Migration(migrations.Migration):

    dependencies = [
        ('programmes', '0002_governance'),
    ]

    operations = [
        migrations.AddField(model_name=model, name=name, field=field)
        for model in ("authority", "historicalauthority")
        for name, field in review_body_fields()
    ]
