import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('programmes', '0003_authority_review_body'),
    ]

    operations = [
        migrations.AddField(
            model_name='authority',
            name='phone',
            field=models.CharField(blank=True, help_text="Le standard de l'acheteur, donné dans les avis européens (eForms).", max_length=30, validators=[django.core.validators.RegexValidator('^((\\(\\+?[0-9]+\\))|\\+?[0-9]+)( - |-| )?(((\\([0-9]+\\))|[0-9]+)( - |-| )?)*([0-9]+)( )?$', "Un numéro de téléphone s'écrit avec des chiffres, séparés par des espaces ou des tirets (ex. 02 47 21 60 00 ou +33 2 47 21 60 00).")], verbose_name='téléphone'),
        ),
        migrations.AddField(
            model_name='historicalauthority',
            name='phone',
            field=models.CharField(blank=True, help_text="Le standard de l'acheteur, donné dans les avis européens (eForms).", max_length=30, validators=[django.core.validators.RegexValidator('^((\\(\\+?[0-9]+\\))|\\+?[0-9]+)( - |-| )?(((\\([0-9]+\\))|[0-9]+)( - |-| )?)*([0-9]+)( )?$', "Un numéro de téléphone s'écrit avec des chiffres, séparés par des espaces ou des tirets (ex. 02 47 21 60 00 ou +33 2 47 21 60 00).")], verbose_name='téléphone'),
        ),
    ]
