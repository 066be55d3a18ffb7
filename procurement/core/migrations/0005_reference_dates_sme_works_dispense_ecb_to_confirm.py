"""Corrections of dated reference data (LEGAL.md, corrected):

- the 3 % retention cap for SMEs comes from décret 2024-1251 of 30 December 2024 (R.2191-33), for
  consultations started from 1 April 2025, not from 2024-04-01;
- the 10 % advance for SMEs of large buyers dates from décret 2019-1344 (2020), not 2022;
- the works dispense was 70,000 € HT from 2020-07-24 to 2020-12-07 (décret 2020-893);
- the ECB rate of 2026 H2 was entered « à confirmer »: it is marked unconfirmed.

Rows are found by kind and their old start; a row an administrator already changed is left alone."""

from datetime import date
from decimal import Decimal

from django.db import migrations

RETENTION_SOURCE = ("CCP R.2191-33 (décret 2024-1251 du 30 décembre 2024, consultations engagées à compter du "
                    "1er avril 2025 ; PME, acheteurs dont les dépenses de fonctionnement dépassent 60 M€)")
ADVANCE_SOURCE = ("CCP R.2191-7 (décret 2019-1344 du 12 décembre 2019 ; acheteurs dont les dépenses de "
                  "fonctionnement dépassent 60 M€)")
WORKS_70K_SOURCE = "CCP R.2122-8 : seuil de 70 000 € HT pour les travaux (décret 2020-893 du 22 juillet 2020)"


def forwards(apps, schema_editor):
    ReferenceValue = apps.get_model("core", "ReferenceValue")
    ReferenceValue.objects.filter(kind="retention_max_rate_sme", valid_from=date(2024, 4, 1)).update(
        valid_from=date(2025, 4, 1), source=RETENTION_SOURCE)
    ReferenceValue.objects.filter(kind="advance_min_rate_sme", valid_from=date(2022, 1, 1)).update(
        valid_from=date(2020, 1, 1), source=ADVANCE_SOURCE)
    works = ReferenceValue.objects.filter(kind="dispense_threshold_works", valid_from=date(2020, 1, 1),
                                          valid_to=date(2020, 12, 7))
    if works.update(valid_to=date(2020, 7, 23)):
        ReferenceValue.objects.get_or_create(
            kind="dispense_threshold_works", valid_from=date(2020, 7, 24),
            defaults={"value": Decimal("70000"), "valid_to": date(2020, 12, 7), "source": WORKS_70K_SOURCE})
    ReferenceValue.objects.filter(kind="ecb_main_rate", valid_from=date(2026, 7, 1), value=Decimal("2.15")).update(
        confirmed=False)


def backwards(apps, schema_editor):
    ReferenceValue = apps.get_model("core", "ReferenceValue")
    ReferenceValue.objects.filter(kind="retention_max_rate_sme", valid_from=date(2025, 4, 1)).update(
        valid_from=date(2024, 4, 1))
    ReferenceValue.objects.filter(kind="advance_min_rate_sme", valid_from=date(2020, 1, 1)).update(
        valid_from=date(2022, 1, 1))
    ReferenceValue.objects.filter(kind="dispense_threshold_works", valid_from=date(2020, 7, 24)).delete()
    ReferenceValue.objects.filter(kind="dispense_threshold_works", valid_from=date(2020, 1, 1)).update(
        valid_to=date(2020, 12, 7))


class Migration(migrations.Migration):
    dependencies = [("core", "0004_reference_value_confirmed")]
    operations = [migrations.RunPython(forwards, backwards)]
