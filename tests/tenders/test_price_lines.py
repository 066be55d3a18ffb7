"""A lot's price lines (BPU / DQE): the page « Bordereau des prix », its import, the generated
workbook and documents, the « Prête » guard and the RC's dates on non-working days."""

import html
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document
from openpyxl import Workbook, load_workbook

from procurement.tenders.enums import TenderState
from procurement.tenders.models import PriceItem, Tender
from procurement.tenders.rules.guards import tender_refusals
from procurement.tenders.services.dce import dce_generate
from procurement.tenders.services.price_lines import LineRow, price_lines_replace
from tests.clock import DEMO_NOW
from tests.factories import UserFactory
from tests.tenders.factories import LotFactory, TenderFactory, paris

pytestmark = [pytest.mark.django_db, pytest.mark.freeze_time(DEMO_NOW)]


def text(response) -> str:
    return html.unescape(response.content.decode())


def url(lot) -> str:
    return reverse("tenders:lot-prices", args=[lot.tender.reference, lot.number])


def lines(lot) -> list[tuple]:
    return [(item.number, item.label, item.unit, item.quantity, item.position)
            for item in PriceItem.objects.filter(lot=lot).order_by("position")]


def formset_data(rows: list[dict], *, initial: int = 0, total: int | None = None) -> dict:
    total = total if total is not None else max(len(rows), initial) + 5
    data = {"lignes-TOTAL_FORMS": str(total), "lignes-INITIAL_FORMS": str(initial), "lignes-MIN_NUM_FORMS": "0",
            "lignes-MAX_NUM_FORMS": "500", "action": "save"}
    for index in range(total):
        row = rows[index] if index < len(rows) else {}
        for name in ("number", "label", "unit", "quantity", "ORDER"):
            data[f"lignes-{index}-{name}"] = row.get(name, "")
        if row.get("DELETE"):
            data[f"lignes-{index}-DELETE"] = "on"
    return data


def add_lines(lot, rows) -> None:
    price_lines_replace(lot=lot, by=UserFactory(buyer=True), rows=[LineRow(*row) for row in rows])


def xlsx_upload(rows: list[list], name: str = "lignes.xlsx") -> SimpleUploadedFile:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(),
                              content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@pytest.fixture
def lot(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return LotFactory(tender=TenderFactory(reference="BPU-2026-01"), criteria=True,
                      description="Prêt de livres numériques aux usagers des bibliothèques du réseau.")


# The page ------------------------------------------------------------------------------------


def test_the_lot_page_links_to_the_price_lines_page(client_for, buyer, lot):
    page = text(client_for(buyer).get(reverse("tenders:lot-detail", args=[lot.tender.reference, lot.number])))
    assert f'href="{url(lot)}"' in page
    assert "Lignes de prix (BPU / DQE) : 0." in page


def test_a_buyer_adds_lines_numbered_by_their_position(client_for, buyer, lot):
    response = client_for(buyer).post(url(lot), formset_data([
        {"label": "Abonnement annuel", "unit": "an", "quantity": "1"},
        {"number": "1.2", "label": "Licence de prêt", "unit": "licence", "quantity": "1200,5"},
    ]))
    assert response.status_code == 302
    assert lines(lot) == [("1", "Abonnement annuel", "an", Decimal("1.00"), 1),
                          ("1.2", "Licence de prêt", "licence", Decimal("1200.50"), 2)]
    lot.tender.refresh_from_db()
    assert lot.tender.content_changed_at is not None


def test_a_buyer_edits_reorders_and_deletes_lines(client_for, buyer, lot):
    add_lines(lot, [("1", "Abonnement", "an", Decimal("1")), ("2", "Licence", "licence", Decimal("10")),
                    ("3", "Formation", "journée", Decimal("2"))])
    response = client_for(buyer).post(url(lot), formset_data([
        {"number": "1", "label": "Abonnement annuel", "unit": "an", "quantity": "1", "ORDER": "2"},
        {"number": "2", "label": "Licence", "unit": "licence", "quantity": "10", "ORDER": "3", "DELETE": True},
        {"number": "3", "label": "Formation", "unit": "journée", "quantity": "4", "ORDER": "1"},
    ], initial=3))
    assert response.status_code == 302
    assert lines(lot) == [("3", "Formation", "journée", Decimal("4.00"), 1),
                          ("1", "Abonnement annuel", "an", Decimal("1.00"), 2)]


def test_a_duplicate_price_number_is_refused_naming_both_rows_and_nothing_changes(client_for, buyer, lot):
    add_lines(lot, [("1", "Abonnement", "an", Decimal("1"))])
    response = client_for(buyer).post(url(lot), formset_data([
        {"number": "7", "label": "Abonnement", "unit": "an", "quantity": "1"},
        {"number": "7", "label": "Licence", "unit": "licence", "quantity": "3"},
    ], initial=1))
    assert response.status_code == 200
    assert "Ligne 2 : le n° de prix « 7 » est déjà celui de ligne 1." in text(response)
    assert lines(lot) == [("1", "Abonnement", "an", Decimal("1.00"), 1)]


def test_a_negative_quantity_is_refused_in_its_cell(client_for, buyer, lot):
    response = client_for(buyer).post(url(lot), formset_data([{"label": "Licence", "unit": "u", "quantity": "-2"}]))
    assert response.status_code == 200
    assert "Assurez-vous que cette valeur est supérieure ou égale à 0." in text(response)
    assert lines(lot) == []


def test_the_lines_cannot_change_after_publication(client_for, buyer, lot):
    add_lines(lot, [("1", "Abonnement", "an", Decimal("1"))])
    Tender.objects.filter(pk=lot.tender.pk).update(state=TenderState.PUBLISHED)
    client = client_for(buyer)
    page = text(client.get(url(lot)))
    assert "Le bordereau des prix ne se modifie plus : la consultation est « Publiée »." in page
    assert "lignes-TOTAL_FORMS" not in page
    response = client.post(url(lot), formset_data([{"label": "Autre", "unit": "u", "quantity": "3"}], initial=0),
                           follow=True)
    assert "Le bordereau des prix ne se modifie plus : la consultation est « Publiée »." in text(response)
    assert lines(lot) == [("1", "Abonnement", "an", Decimal("1.00"), 1)]
    imported = client.post(url(lot), {"action": "import", "file": xlsx_upload([["désignation", "unité", "quantité"],
                                                                               ["Autre", "u", 1]])}, follow=True)
    assert "Le bordereau des prix ne se modifie plus" in text(imported)
    assert lines(lot) == [("1", "Abonnement", "an", Decimal("1.00"), 1)]


def test_an_evaluator_may_not_post_lines(client_for, lot):
    from tests.factories import UserFactory

    response = client_for(UserFactory(evaluator=True)).post(url(lot), formset_data([]))
    assert response.status_code == 404  # a draft is invisible to evaluators


# The import ----------------------------------------------------------------------------------


def test_a_spreadsheet_with_french_column_names_replaces_the_lines(client_for, buyer, lot):
    add_lines(lot, [("9", "Ancienne ligne", "u", Decimal("1"))])
    upload = xlsx_upload([["Désignation", "Unité", "Quantité"], ["Abonnement annuel", "an", 1],
                          [None, None, None], ["Licence de prêt", "licence", 1200.5]])
    response = client_for(buyer).post(url(lot), {"action": "import", "file": upload}, follow=True)
    assert "2 ligne(s) importée(s) dans le bordereau des prix du lot 1." in text(response)
    assert lines(lot) == [("1", "Abonnement annuel", "an", Decimal("1.00"), 1),
                          ("2", "Licence de prêt", "licence", Decimal("1200.50"), 2)]


def test_a_csv_with_semicolons_and_decimal_commas_is_imported(client_for, buyer, lot):
    data = "n° de prix;désignation;unité;quantité\n2.1;Accès presse;accès;1 200,25\n".encode("cp1252")
    upload = SimpleUploadedFile("lignes.csv", data, content_type="text/csv")
    client_for(buyer).post(url(lot), {"action": "import", "file": upload})
    assert lines(lot) == [("2.1", "Accès presse", "accès", Decimal("1200.25"), 1)]


def test_bad_cells_are_each_named_and_nothing_is_stored(client_for, buyer, lot):
    add_lines(lot, [("1", "Abonnement", "an", Decimal("1"))])
    upload = xlsx_upload([["désignation", "unité", "quantité"], ["Licence", "licence", "beaucoup"],
                          ["", "u", 3], ["Formation", "journée", -1], ["Atelier", "", 1.234]])
    response = client_for(buyer).post(url(lot), {"action": "import", "file": upload})
    page = text(response)
    assert "Ligne 2, cellule C2 : la quantité « beaucoup » n'est pas un nombre." in page
    assert "Ligne 3, cellule A3 : la désignation est vide." in page
    assert "Ligne 4, cellule C4 : la quantité « -1 » ne peut pas être négative." in page
    assert "Ligne 5, cellule B5 : l'unité est vide." in page
    assert "Ligne 5, cellule C5 : la quantité « 1.234 » a plus de deux décimales." in page
    assert lines(lot) == [("1", "Abonnement", "an", Decimal("1.00"), 1)]


def test_a_missing_column_is_named(client_for, buyer, lot):
    upload = xlsx_upload([["désignation", "prix"], ["Licence", 3]])
    page = text(client_for(buyer).post(url(lot), {"action": "import", "file": upload}))
    assert "Ligne 1 : colonne(s) absente(s) : unité, quantité." in page
    assert lines(lot) == []


def test_an_upload_over_the_size_limit_is_refused(client_for, buyer, lot, settings):
    settings.MAX_UPLOAD_BYTES = 1000
    upload = SimpleUploadedFile("lignes.csv", ("désignation;unité;quantité\n" + "Ligne;u;1\n" * 200).encode())
    page = text(client_for(buyer).post(url(lot), {"action": "import", "file": upload})).replace("\xa0", " ")
    assert "« Fichier des lignes » : le fichier « lignes.csv » pèse 2,0 Kio, au-delà du maximum de 1000 octets." in page
    assert lines(lot) == []


def test_a_file_that_is_not_a_workbook_is_refused(client_for, buyer, lot):
    upload = SimpleUploadedFile("lignes.xlsx", b"not a zip at all")
    page = text(client_for(buyer).post(url(lot), {"action": "import", "file": upload}))
    assert "le contenu du fichier « lignes.xlsx » n'est pas celui d'un fichier XLSX." in page


def test_the_model_file_has_the_french_columns(client_for, buyer, lot):
    response = client_for(buyer).get(reverse("tenders:price-lines-model", args=[lot.tender.reference]))
    sheet = load_workbook(BytesIO(response.content)).active
    assert [cell.value for cell in sheet[1]] == ["N° de prix", "Désignation", "Unité", "Quantité"]


# The generated documents ---------------------------------------------------------------------


def read(field) -> bytes:
    field.open("rb")
    try:
        return field.read()
    finally:
        field.close()


def test_the_workbook_carries_the_lines_with_only_the_price_cells_unlocked(lot, buyer):
    add_lines(lot, [("1", "=SUM(A1:A9)", "an", Decimal("1")), ("2", "Licence de prêt", "licence", Decimal("1200"))])
    generation = dce_generate(tender=lot.tender, by=buyer)
    sheet = load_workbook(BytesIO(read(generation.files.get(kind="bpu_dqe").file)))["Lot 1"]
    assert [sheet[f"A{row}"].value for row in (6, 7)] == ["1", "2"]
    assert sheet["B7"].value == "Licence de prêt" and sheet["D7"].value == 1200
    assert sheet["B6"].value == "=SUM(A1:A9)" and sheet["B6"].data_type == "s"
    assert sheet.protection.sheet is True
    assert sheet["E6"].protection.locked is False and sheet["E7"].protection.locked is False
    assert sheet["B6"].protection.locked is True and sheet["D7"].protection.locked is True
    assert sheet["F7"].value == "=D7*E7"
    assert sheet["F8"].value == "=SUM(F6:F7)"


def docx_lines(data: bytes) -> str:
    document = Document(BytesIO(data))
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(parts)


def test_the_cctp_lists_the_lines_and_the_rc_scores_every_criterion_without_placeholders(lot, buyer):
    add_lines(lot, [("1.1", "Abonnement annuel à la plateforme", "an", Decimal("1")),
                    ("1.2", "Licence de prêt d'un livre numérique", "licence", Decimal("1200"))])
    generation = dce_generate(tender=lot.tender, by=buyer)
    cctp = docx_lines(read(generation.files.get(kind="cctp").file))
    spaced = cctp.replace("\u202f", " ").replace("\xa0", " ")
    assert "1.2 | Licence de prêt d'un livre numérique | licence | 1 200" in spaced
    assert "Prêt de livres numériques aux usagers des bibliothèques du réseau." in cctp
    rc = docx_lines(read(generation.files.get(kind="rc").file))
    assert ("Prix | 40 | Formule proportionnelle au prix le plus bas : N = Nmax × Pmin / P ; N est la note, "
            "Nmax = 40 points, P le prix HT de l'offre") in rc
    assert "Valeur technique | 45 | Somme des notes des sous-critères ci-dessous (45 points)." in rc
    assert ("dont Catalogue | 30 | Note de 0 à 30 points au vu du mémoire technique, donnée par chaque membre de "
            "la commission d'évaluation ; la note retenue est la moyenne de leurs notes") in rc
    assert "Performance environnementale | 15 | Note de 0 à 15 points au vu des engagements environnementaux" in rc
    for data in (cctp, rc, docx_lines(read(generation.files.get(kind="ccap").file)),
                 docx_lines(read(generation.files.get(kind="ae").file))):
        assert "[" not in data
    assert generation.placeholders == []


# « Prête » -----------------------------------------------------------------------------------


def test_ready_is_refused_without_price_lines_then_with_a_placeholder_then_accepted(client_for, buyer, lot):
    tender = lot.tender
    client = client_for(buyer)
    lot.description = ""
    lot.save()
    dce_generate(tender=tender, by=buyer)
    tender.refresh_from_db()
    refusals = tender_refusals(tender, "mark_ready")
    assert refusals[0] == (
        "Lot 1 : le bordereau des prix (BPU / DQE) n'a aucune ligne, alors que le lot est jugé sur son prix ; "
        "saisissez ou importez ses lignes (page « Bordereau des prix » du lot).")
    assert "RC : [À compléter : description du besoin du lot.]" in refusals[1]
    page = text(client.get(reverse("tenders:detail", args=[tender.reference])))
    assert "le bordereau des prix (BPU / DQE) n'a aucune ligne" in page
    refused = client.post(reverse("tenders:transition", args=[tender.reference, "mark_ready"]), follow=True)
    assert "n'a aucune ligne" in text(refused)
    assert Tender.objects.get(pk=tender.pk).state == TenderState.DRAFT

    add_lines(lot, [("1", "Abonnement annuel", "an", Decimal("1"))])
    lot.description = "Prêt de livres numériques."
    lot.save()
    dce_generate(tender=tender, by=buyer)
    accepted = client.post(reverse("tenders:transition", args=[tender.reference, "mark_ready"]), follow=True)
    assert accepted.status_code == 200
    assert Tender.objects.get(pk=tender.pk).state == TenderState.READY


def test_the_api_refuses_ready_with_the_same_reason(api_for, buyer, lot):
    response = api_for(buyer).post(f"/api/tenders/{lot.tender.reference}/transition/",
                                   {"transition": "mark_ready"}, format="json")
    assert response.status_code == 409
    assert ("Lot 1 : le bordereau des prix (BPU / DQE) n'a aucune ligne, alors que le lot est jugé sur son prix ; "
            "saisissez ou importez ses lignes (page « Bordereau des prix » du lot).") in str(response.json())


# Dates on non-working days --------------------------------------------------------------------


def test_rc_dates_on_a_weekend_or_a_holiday_are_flagged_before_publishing(client_for, buyer, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    tender = TenderFactory(reference="BPU-2026-02", notice_sent_on=paris(2026, 12, 5).date(),
                           bid_deadline=paris(2027, 1, 1, 12, 0))
    page = text(client_for(buyer).get(reverse("tenders:detail", args=[tender.reference])))
    assert "L'envoi de l'avis de publicité tombe le samedi 5 décembre 2026, un samedi" in page
    assert "Le dernier jour des réponses aux questions tombe le samedi 26 décembre 2026, un samedi" in page
    assert "La date limite de réception des offres tombe le vendredi 1er janvier 2027, un jour férié (" in page


def test_working_days_are_not_flagged(client_for, buyer):
    # Notice on Tuesday 1 December, answers until Friday 8 January, deadline on Thursday 14 January.
    tender = TenderFactory(reference="BPU-2026-03", bid_deadline=paris(2027, 1, 14, 12, 0))
    page = text(client_for(buyer).get(reverse("tenders:detail", args=[tender.reference])))
    assert "dates-non-ouvrees" not in page
