"""The legal figures in force (LEGAL.md), as dated rows. Later changes come as new migrations
or through the admin; code never holds these numbers."""

from datetime import date
from decimal import Decimal

from django.db import migrations

EU_2021 = "Règlements délégués de la Commission de 2021 (seuils 2022-2023)"
EU_2023 = "Règlements délégués de la Commission de 2023 ; CCP annexe 2"
EU_2025 = "Règlements délégués (UE) 2025/2150 à 2025/2152 ; avis JORF du 26 décembre 2025"
D2019 = "CCP R.2122-8 (décret 2019-1344)"
D2025 = "CCP R.2122-8 modifié par le décret 2025-1386 du 29 décembre 2025"
EU_2019 = "Règlements délégués de la Commission de 2019 (seuils 2020-2021)"
P0 = (date(2020, 1, 1), date(2021, 12, 31))
P1 = (date(2022, 1, 1), date(2023, 12, 31))
P2 = (date(2024, 1, 1), date(2025, 12, 31))
P3 = (date(2026, 1, 1), date(2027, 12, 31))
ALWAYS = (date(2016, 4, 1), None)  # ordonnance and décret of 2016, codified in the CCP in 2019

ROWS = [
    # kind, value, (from, to), source
    ("eu_threshold_supplies_services_subcentral", "214000", P0, EU_2019),
    ("eu_threshold_supplies_services_subcentral", "215000", P1, EU_2021),
    ("eu_threshold_supplies_services_subcentral", "221000", P2, EU_2023),
    ("eu_threshold_supplies_services_subcentral", "216000", P3, EU_2025),
    ("eu_threshold_supplies_services_central", "139000", P0, EU_2019),
    ("eu_threshold_supplies_services_central", "140000", P1, EU_2021),
    ("eu_threshold_supplies_services_central", "143000", P2, EU_2023),
    ("eu_threshold_supplies_services_central", "140000", P3, EU_2025),
    ("eu_threshold_works", "5350000", P0, EU_2019),
    ("eu_threshold_works", "5382000", P1, EU_2021),
    ("eu_threshold_works", "5538000", P2, EU_2023),
    ("eu_threshold_works", "5404000", P3, EU_2025),
    ("eu_threshold_social_services", "750000", (date(2020, 1, 1), None), "Directive 2014/24/UE art. 4 ; CCP R.2123-1 3°"),
    # Legality control follows the sub-central supplies-and-services threshold (D.2131-5-1).
    ("legality_control_threshold", "214000", P0, "CGCT L.2131-2, D.2131-5-1"),
    ("legality_control_threshold", "215000", P1, "CGCT L.2131-2, D.2131-5-1"),
    ("legality_control_threshold", "221000", P2, "CGCT L.2131-2, D.2131-5-1"),
    ("legality_control_threshold", "216000", P3, "CGCT L.2131-2, D.2131-5-1"),
    ("dispense_threshold_supplies_services", "40000", (date(2020, 1, 1), date(2026, 3, 31)), D2019),
    ("dispense_threshold_supplies_services", "60000", (date(2026, 4, 1), None), D2025),
    ("dispense_threshold_works", "40000", (date(2020, 1, 1), date(2020, 12, 7)), D2019),
    ("dispense_threshold_works", "100000", (date(2020, 12, 8), date(2025, 12, 31)),
     "CCP R.2122-8 : seuil temporaire de 100 000 € HT pour les travaux (décret 2020-1412, prorogé jusqu'au 31/12/2025)"),
    ("dispense_threshold_works", "100000", (date(2026, 1, 1), None), D2025),
    ("mapa_publicity_threshold", "90000", ALWAYS, "CCP R.2131-12"),
    ("small_lot_supplies_services", "80000", ALWAYS, "CCP R.2123-1 2°"),
    ("small_lot_works", "1000000", ALWAYS, "CCP R.2123-1 2°"),
    ("small_lots_max_share", "20", ALWAYS, "CCP R.2123-1 2°"),
    ("decp_threshold", "40000", (date(2024, 1, 1), None), "CCP R.2196-1 ; arrêtés du 22 décembre 2022"),
    ("decp_publication_months", "2", (date(2024, 1, 1), None), "CCP R.2196-1 ; arrêtés du 22 décembre 2022"),
    ("open_min_days", "35", ALWAYS, "CCP R.2161-2"),
    ("open_min_days_electronic", "30", ALWAYS, "CCP R.2161-3 (transmission électronique obligatoire depuis 2018)"),
    ("open_min_days_pin_or_urgency", "15", ALWAYS, "CCP R.2161-3"),
    ("mapa_suggested_min_days", "15", ALWAYS, "CCP R.2123-4 (délai raisonnable fixé par l'acheteur ; usage)"),
    ("answer_limit_days", "6", ALWAYS, "CCP R.2132-6"),
    ("answer_limit_days_urgency", "4", ALWAYS, "CCP R.2132-6"),
    ("standstill_days_electronic", "11", ALWAYS, "CCP R.2182-1"),
    ("standstill_days_other", "16", ALWAYS, "CCP R.2182-1"),
    ("award_notice_days", "30", ALWAYS, "CCP R.2183-1"),
    ("payment_deadline_days", "30", (date(2013, 3, 16), None), "CCP R.2192-10"),
    ("late_payment_compensation", "40", (date(2013, 3, 16), None), "CCP D.2192-35"),
    ("late_interest_margin", "8", (date(2013, 3, 16), None), "CCP R.2192-31"),
    ("ecb_main_rate", "2.50", (date(2023, 1, 1), date(2023, 6, 30)), "BCE, taux au 1er janvier 2023"),
    ("ecb_main_rate", "4.00", (date(2023, 7, 1), date(2023, 12, 31)), "BCE, taux au 1er juillet 2023"),
    ("ecb_main_rate", "4.50", (date(2024, 1, 1), date(2024, 6, 30)), "BCE, taux au 1er janvier 2024"),
    ("ecb_main_rate", "4.25", (date(2024, 7, 1), date(2024, 12, 31)), "BCE, taux au 1er juillet 2024"),
    ("ecb_main_rate", "3.15", (date(2025, 1, 1), date(2025, 6, 30)), "BCE, taux au 1er janvier 2025"),
    ("ecb_main_rate", "2.15", (date(2025, 7, 1), date(2025, 12, 31)), "BCE, taux au 1er juillet 2025"),
    ("ecb_main_rate", "2.15", (date(2026, 1, 1), date(2026, 6, 30)), "BCE, taux au 1er janvier 2026"),
    ("ecb_main_rate", "2.15", (date(2026, 7, 1), date(2026, 12, 31)), "BCE, taux au 1er juillet 2026 (à confirmer)"),
    ("vigilance_validity_months", "6", (date(2012, 1, 1), None), "Code du travail D.8222-5"),
    ("vigilance_min_amount", "5000", (date(2012, 1, 1), None), "Code du travail R.8222-1"),
    ("environmental_criterion_required", "1", (date(2026, 8, 21), None),
     "Loi 2021-1104 « Climat et résilience » art. 35 ; CCP L.2152-7, R.2152-7"),
    ("framework_max_years", "4", ALWAYS, "CCP R.2162-4"),
    ("de_minimis_supplies_services", "10", ALWAYS, "CCP R.2194-8"),
    ("de_minimis_works", "15", ALWAYS, "CCP R.2194-8"),
    ("modification_max_share", "50", ALWAYS, "CCP R.2194-3, R.2194-5"),
    ("cao_opinion_share", "5", ALWAYS, "CGCT L.1414-4"),
    ("advance_min_amount", "50000", ALWAYS, "CCP R.2191-3"),
    ("advance_min_months", "2", ALWAYS, "CCP R.2191-3"),
    ("advance_min_rate", "5", ALWAYS, "CCP R.2191-7"),
    ("advance_min_rate_sme", "10", (date(2022, 1, 1), None), "CCP R.2191-7 (acheteurs dont les dépenses de fonctionnement dépassent 60 M€)"),
    ("retention_max_rate", "5", ALWAYS, "CCP R.2191-32"),
    ("retention_max_rate_sme", "3", (date(2024, 4, 1), None), "CCP R.2191-32 (PME, acheteurs dont les dépenses dépassent 60 M€)"),
    ("subcontract_direct_payment", "600", ALWAYS, "CCP R.2193-10"),
    ("vat_standard", "20", (date(2014, 1, 1), None), "CGI art. 278"),
    ("vat_intermediate", "10", (date(2014, 1, 1), None), "CGI art. 279"),
    ("vat_reduced", "5.5", (date(2014, 1, 1), None), "CGI art. 278-0 bis A"),
    ("vat_press", "2.1", (date(2014, 1, 1), None), "CGI art. 298 septies"),
]


def seed(apps, schema_editor):
    ReferenceValue = apps.get_model("core", "ReferenceValue")
    for kind, value, (valid_from, valid_to), source in ROWS:
        ReferenceValue.objects.update_or_create(
            kind=kind, valid_from=valid_from,
            defaults={"value": Decimal(value), "valid_to": valid_to, "source": source},
        )


def unseed(apps, schema_editor):
    ReferenceValue = apps.get_model("core", "ReferenceValue")
    for kind, _value, (valid_from, _to), _source in ROWS:
        ReferenceValue.objects.filter(kind=kind, valid_from=valid_from).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
