"""The eForms identifiers of a tender (procedure, contract notice, award notice): version-4 UUIDs drawn
once per tender. Added nullable, one random value written to each existing row, then made unique: a
default on AddField would give every existing row the same value."""

import uuid

from django.db import migrations, models

IDENTIFIERS = {
    "procedure_uuid": "identifiant européen de la procédure",
    "contract_notice_uuid": "identifiant de l'avis de marché",
    "award_notice_uuid": "identifiant de l'avis d'attribution",
}


def draw_identifiers(apps, schema_editor):
    Tender = apps.get_model("tenders", "Tender")
    for tender in Tender.objects.only("pk"):
        Tender.objects.filter(pk=tender.pk).update(**{name: uuid.uuid4() for name in IDENTIFIERS})


class Migration(migrations.Migration):

    dependencies = [
        ("tenders", "0012_letter_sent_electronically"),
    ]

    operations = [
        migrations.AddField(
            model_name="tender",
            name="buyer_profile_url",
            field=models.URLField(blank=True, help_text="Où le DCE se télécharge et où les offres se déposent ; l'avis européen (eForms) la donne.", max_length=500, verbose_name="adresse de la consultation sur le profil d'acheteur"),
        ),
        migrations.AddField(
            model_name="historicaltender",
            name="buyer_profile_url",
            field=models.URLField(blank=True, help_text="Où le DCE se télécharge et où les offres se déposent ; l'avis européen (eForms) la donne.", max_length=500, verbose_name="adresse de la consultation sur le profil d'acheteur"),
        ),
        *(migrations.AddField(model_name="tender", name=name, field=models.UUIDField(null=True, editable=False,
                                                                                     verbose_name=label))
          for name, label in IDENTIFIERS.items()),
        migrations.RunPython(draw_identifiers, migrations.RunPython.noop),
        *(migrations.AlterField(model_name="tender", name=name,
                                field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True,
                                                       verbose_name=label))
          for name, label in IDENTIFIERS.items()),
        *(migrations.AddField(model_name="historicaltender", name=name,
                              field=models.UUIDField(db_index=True, default=uuid.uuid4, editable=False,
                                                     verbose_name=label))
          for name, label in IDENTIFIERS.items()),
    ]
