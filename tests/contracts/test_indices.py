from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from openpyxl import Workbook

from procurement.contracts.models import IndexValue, PriceRevision
from procurement.contracts.services.indices import index_import, index_value_set, price_revision_apply
from tests.contracts.factories import ContractFactory, IndexSeriesFactory, RevisionClauseFactory, index_values

pytestmark = pytest.mark.django_db


def xlsx(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def stored(series) -> dict:
    return {row.month.strftime("%Y-%m"): row.value for row in IndexValue.objects.filter(series=series)}


def test_a_csv_file_of_monthly_values_is_imported(buyer):
    series = IndexSeriesFactory()
    data = b"mois;valeur;remarque\n2025-06;300,0;\n07/2025;300,6;provisoire\n"
    result = index_import(series=series, name="syntec.csv", data=data, by=buyer)
    assert (result.created, result.updated) == (2, 0)
    assert stored(series) == {"2025-06": Decimal("300.0000"), "2025-07": Decimal("300.6000")}
    assert IndexValue.objects.get(series=series, month=date(2025, 7, 1)).note == "provisoire"


def test_an_xlsx_file_is_imported_and_updates_known_months(buyer):
    series = IndexSeriesFactory()
    index_values(series, {"2025-06": "299.0"})
    data = xlsx([["Mois", "Valeur"], [date(2025, 6, 1), 300.0], ["2025-08", 300.6]])
    result = index_import(series=series, name="syntec.xlsx", data=data, by=buyer)
    assert (result.created, result.updated) == (1, 1)
    assert stored(series) == {"2025-06": Decimal("300.0000"), "2025-08": Decimal("300.6000")}


def test_errors_name_the_row_and_the_column_and_nothing_is_saved(buyer):
    series = IndexSeriesFactory()
    index_values(series, {"2025-06": "300.0"})
    data = xlsx([["mois", "valeur"], ["2025-07", 300.6], ["13/2025", 301], ["2025-09", "trois cents"],
                 ["2025-07", -2], ["2025-10", 301.12345]])
    with pytest.raises(ValidationError) as refused:
        index_import(series=series, name="syntec.xlsx", data=data, by=buyer)
    assert refused.value.messages == [
        "Ligne 3, colonne A (« mois ») : « 13/2025 » n'est pas un mois (AAAA-MM ou MM/AAAA).",
        "Ligne 4, colonne B (« valeur ») : « trois cents » n'est pas un nombre.",
        "Ligne 5, colonne A (« mois ») : le mois 07/2025 figure déjà ligne 2.",
        "Ligne 5, colonne B (« valeur ») : la valeur -2 doit être strictement positive.",
        "Ligne 6, colonne B (« valeur ») : la valeur 301.12345 a plus de 4 décimales.",
    ]
    assert stored(series) == {"2025-06": Decimal("300.0000")}


def test_a_file_without_the_expected_columns_or_of_another_kind_is_refused(buyer):
    series = IndexSeriesFactory()
    with pytest.raises(ValidationError) as refused:
        index_import(series=series, name="syntec.csv", data=b"date,indice\n2025-06,300\n", by=buyer)
    assert refused.value.messages == [
        "Ligne 1 : les colonnes « mois » et « valeur » sont attendues (colonnes trouvées : « date », « indice »)."]
    with pytest.raises(ValidationError, match=r"seuls les fichiers \.csv et \.xlsx"):
        index_import(series=series, name="syntec.pdf", data=b"%PDF-1.4", by=buyer)
    with pytest.raises(ValidationError, match="n'est pas un classeur Excel"):
        index_import(series=series, name="syntec.xlsx", data=b"mois;valeur", by=buyer)


def test_a_value_entered_by_hand_replaces_the_month_s_value(buyer):
    series = IndexSeriesFactory()
    index_value_set(series=series, month=date(2025, 6, 17), value=Decimal("300.1"), by=buyer)
    index_value_set(series=series, month=date(2025, 6, 1), value=Decimal("300.0"), by=buyer)
    assert stored(series) == {"2025-06": Decimal("300.0000")}


@pytest.fixture
def revisable(db):
    """24 months from 02/03/2026; P0 = 100 000 € HT, a = 0,15, I0 of June 2025, I three months before."""
    clause = RevisionClauseFactory(contract=ContractFactory(notified=True, duration_months=24))
    index_values(clause.series, {"2025-06": "300.0", "2026-12": "315.0"})
    return clause.contract


def test_the_revision_records_every_value_it_used(revisable, buyer):
    revision = price_revision_apply(contract=revisable, revision_on=date(2027, 3, 2), by=buyer,
                                    today=date(2027, 3, 2))
    assert (revision.series_code, revision.base_month, revision.index_month) == (
        "SYNTEC", date(2025, 6, 1), date(2026, 12, 1))
    assert (revision.base_index, revision.index, revision.fixed_part) == (
        Decimal("300.0000"), Decimal("315.0000"), Decimal("0.1500"))
    assert revision.coefficient == Decimal("1.0425")
    assert revision.rounding == "4 décimales, arrondi au plus proche (demi vers le haut)"
    assert (revision.base_price_ht, revision.price_ht) == (Decimal("100000.00"), Decimal("104250.00"))


def test_a_revision_needs_its_index_values(revisable, buyer):
    IndexValue.objects.filter(month=date(2026, 12, 1)).delete()
    with pytest.raises(ValidationError) as refused:
        price_revision_apply(contract=revisable, revision_on=date(2027, 3, 2), by=buyer, today=date(2027, 3, 2))
    assert refused.value.messages == [
        "L'indice SYNTEC de décembre 2026 (I) n'est pas saisi : enregistrez-le ou importez-le d'abord."]


def test_a_revision_happens_once_on_a_revision_date(revisable, buyer):
    with pytest.raises(ValidationError, match="n'est pas une date de révision de ce marché \\(dates : 02/03/2027\\)"):
        price_revision_apply(contract=revisable, revision_on=date(2027, 3, 1), by=buyer, today=date(2027, 3, 2))
    with pytest.raises(ValidationError, match="pas avant"):
        price_revision_apply(contract=revisable, revision_on=date(2027, 3, 2), by=buyer, today=date(2027, 3, 1))
    price_revision_apply(contract=revisable, revision_on=date(2027, 3, 2), by=buyer, today=date(2027, 3, 2))
    with pytest.raises(ValidationError, match="déjà calculée"):
        price_revision_apply(contract=revisable, revision_on=date(2027, 3, 2), by=buyer, today=date(2027, 3, 2))
    assert PriceRevision.objects.filter(contract=revisable).count() == 1
