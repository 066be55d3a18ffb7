"""Journey (a): a procurement officer, in Chromium, from the need to the publication; then the
opening of the bids of a tender whose deadline has passed."""

from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from procurement.core.enums import ReferenceKind
from procurement.core.legal_calendar import legal_deadline, long_date
from procurement.core.money import format_eur
from procurement.core.selectors import reference_days
from procurement.tenders.enums import TenderState
from procurement.tenders.models import Bid, Tender
from tests.browser.conftest import menu, seen, tab_to
from tests.factories import UserFactory
from tests.tenders.factories import BidFactory, LotFactory, TenderFactory
from tests.vendors.factories import VendorFactory

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def eur(amount: str) -> str:
    return format_eur(Decimal(amount)).replace("\u00a0", " ").replace("\u202f", " ")


def fill_criteria(page, rows: list[tuple[str, str, str, str]]) -> None:
    for index, (name, kind, points, formula) in enumerate(rows):
        page.fill(f"#id_criteres-{index}-name", name)
        page.select_option(f"#id_criteres-{index}-kind", kind)
        page.fill(f"#id_criteres-{index}-points", points)
        if formula:
            page.select_option(f"#id_criteres-{index}-price_formula", formula)


NEW = "/consultations/BNM-2027-01"
CLOSED = "/consultations/BNM-2026-05"
CRITERIA = [("Prix", "price", "60", "proportional"), ("Valeur technique", "technical", "30", ""),
            ("Performance environnementale", "environmental", "10", "")]


def test_an_officer_builds_generates_and_publishes_a_tender(journey):
    UserFactory(username="acheteur", first_name="Claire", last_name="Morel", buyer=True)
    today = timezone.localdate()
    earliest = legal_deadline(today, reference_days(ReferenceKind.OPEN_MIN_DAYS_ELECTRONIC, at=today)).end
    page = journey.page

    journey.login("acheteur")
    journey.submit(menu(page).get_by_role("link", name="Consultations", exact=True))
    journey.check()

    # The need, without a deadline yet: the advice gives the earliest one.
    journey.submit(page.get_by_role("link", name="Nouvelle consultation"))
    journey.check()
    page.get_by_role("textbox", name="Référence", exact=True).fill("BNM-2027-01")
    page.get_by_role("textbox", name="Objet", exact=True).fill("Ressources numériques pour le réseau des bibliothèques")
    page.get_by_role("combobox", name="Nature", exact=True).select_option(label="Services")
    page.get_by_role("textbox", name="Code CPV principal", exact=True).fill("92511000-6")
    page.get_by_role("textbox", name="Lieu d'exécution (code)", exact=True).fill("69003")
    page.get_by_role("spinbutton", name="Durée initiale (mois)", exact=True).fill("12")
    page.get_by_role("spinbutton", name="Nombre de reconductions", exact=True).fill("3")
    page.get_by_label("Lancement de la consultation").fill(today.isoformat())
    page.get_by_label("Envoi de l'avis de publicité").fill(today.isoformat())
    journey.check("01-besoin")
    journey.submit(page.get_by_role("button", name="Enregistrer"), to="/consultations/BNM-2027-01/")
    journey.check()
    assert "La consultation a été créée" in seen(page.locator(".messages"))

    # Lot 1 with the mouse, then its criteria: price 60, technical 30, environmental 10.
    journey.submit(page.get_by_role("link", name="Ajouter un lot"))
    journey.check()
    page.get_by_role("textbox", name="Intitulé", exact=True).fill("Livres numériques")
    page.get_by_label("Description du besoin").fill("Prêt de livres numériques aux usagers du réseau.")
    page.get_by_role("spinbutton", name="Montant estimé HT de la période initiale", exact=True).fill("120000")
    journey.submit(page.get_by_role("button", name="Enregistrer"), to=f"{NEW}/lots/1/")
    journey.check()
    journey.submit(page.get_by_role("link", name="Modifier les critères"))
    fill_criteria(page, CRITERIA)
    journey.check("02-criteres")
    journey.submit(page.get_by_role("button", name="Enregistrer les critères"), to=f"{NEW}/lots/1/")
    journey.check()
    criteria = seen(page.locator("section[aria-labelledby=criteres]"))
    assert "Performance environnementale" in criteria
    # Its price lines, typed in the table.
    journey.submit(page.get_by_role("link", name="Bordereau des prix"))
    journey.check()
    for row, (label, unit, quantity) in enumerate((("Abonnement annuel", "an", "1"),
                                                    ("Licence de prêt d'un livre numérique", "licence", "1200")), 1):
        page.get_by_label(f"Désignation, ligne {row}", exact=True).fill(label)
        page.get_by_label(f"Unité, ligne {row}", exact=True).fill(unit)
        page.get_by_label(f"Quantité estimée, ligne {row}", exact=True).fill(quantity)
    journey.submit(page.get_by_role("button", name="Enregistrer le bordereau"), to=f"{NEW}/lots/1/bordereau-des-prix/")
    journey.check()
    assert "(2 ligne(s))" in seen(page.locator(".messages"))
    journey.submit(page.get_by_role("link", name="Lot 1 — Livres numériques"))
    journey.check()

    # Lot 2 with the keyboard alone: Tab to each field, type, Enter submits.
    journey.submit(page.get_by_role("link", name="Consultation BNM-2027-01"))
    journey.check()
    journey.submit(page.get_by_role("link", name="Ajouter un lot"))
    journey.check()
    tab_to(page, "#id_title")
    page.keyboard.type("Presse en ligne")
    tab_to(page, "#id_description")
    page.keyboard.type("Journaux et magazines en ligne.")
    tab_to(page, "#id_estimated_amount_ht")
    page.keyboard.type("45000")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    journey.expect_path("/consultations/BNM-2027-01/lots/2/")
    journey.check()
    assert "Le lot a été enregistré" in seen(page.locator(".messages"))
    assert eur("45000") in seen(page.locator("dl.facts"))
    journey.submit(page.get_by_role("link", name="Modifier les critères"))
    journey.check()
    fill_criteria(page, CRITERIA)
    journey.submit(page.get_by_role("button", name="Enregistrer les critères"), to=f"{NEW}/lots/2/")
    journey.check()
    # Its price lines, imported from a spreadsheet saved as CSV.
    journey.submit(page.get_by_role("link", name="Bordereau des prix"))
    journey.check()
    page.get_by_label("Fichier des lignes (.xlsx ou .csv)").set_input_files(files=[{
        "name": "presse.csv", "mimeType": "text/csv",
        "buffer": "désignation;unité;quantité\nAbonnement au bouquet de presse;an;1\n".encode()}])
    journey.submit(page.get_by_role("button", name="Importer et remplacer les lignes"),
                   to=f"{NEW}/lots/2/bordereau-des-prix/")
    journey.check()
    assert "1 ligne(s) importée(s)" in seen(page.locator(".messages"))
    journey.submit(page.get_by_role("link", name="Lot 2 — Presse en ligne"))
    journey.check()

    # The advice: open procedure, (120 000 + 45 000) × 4 periods, the earliest legal deadline.
    journey.submit(page.get_by_role("link", name="Consultation BNM-2027-01"))
    journey.check()
    advice = seen(page.locator("section[aria-labelledby=avis]"))
    assert "Appel d'offres ouvert" in advice
    assert f"{eur('660000')} HT" in advice
    assert long_date(earliest) in advice
    journey.check("03-avis-de-procedure", at="#avis")

    # The deadline, from the advice.
    journey.submit(page.get_by_role("link", name="Modifier le besoin"))
    journey.check()
    page.get_by_label("Date limite de réception des offres").fill(f"{earliest.isoformat()}T12:00")
    journey.submit(page.get_by_role("button", name="Enregistrer"), to="/consultations/BNM-2027-01/")
    journey.check()

    # The documents: one click, feedback while they are generated, then the version and its pieces.
    # What the page showed while the server worked is kept across the navigation (sessionStorage).
    page.evaluate("""() => window.addEventListener("pagehide", () => {
        const form = document.querySelector("#dce form");
        sessionStorage.setItem("dce", JSON.stringify({busy: form.getAttribute("aria-busy"),
            status: form.querySelector("[role=status]").textContent, disabled: form.querySelector("button").disabled}));
    })""")
    journey.submit(page.get_by_role("button", name="Générer le DCE"), to="/consultations/BNM-2027-01/")
    during = page.evaluate("() => JSON.parse(sessionStorage.getItem('dce'))")
    assert during == {"busy": "true", "status": "Génération du DCE en cours : quelques secondes…", "disabled": True}
    journey.check()
    message = seen(page.locator(".messages"))
    assert "Le DCE version 1 est généré" in message
    dce = seen(page.locator("#dce"))
    assert "BNM-2027-01_DCE_v1.zip" in dce
    assert "BNM-2027-01_AE_lot2_v1.docx" in dce
    journey.check("04-dce", at="#dce")

    # Ready, then published.
    journey.submit(page.get_by_role("button", name="Marquer prête"))
    journey.check()
    assert "la consultation est maintenant « Prête à publier »" in seen(page.locator(".messages"))
    journey.submit(page.get_by_role("button", name="Marquer publiée"))
    journey.check()
    assert "la consultation est maintenant « Publiée »" in seen(page.locator(".messages"))
    assert "Publiée" in seen(page.locator("h1"))
    journey.check("05-consultation-publiee")
    tender = Tender.objects.get(reference="BNM-2027-01")
    assert tender.state == TenderState.PUBLISHED
    assert timezone.localtime(tender.bid_deadline).date() == earliest
    journey.finish()


def test_an_officer_records_the_opening_and_the_amounts_of_the_bids(journey):
    UserFactory(username="acheteur", first_name="Claire", last_name="Morel", buyer=True)
    tender = TenderFactory(reference="BNM-2026-05", closed=True,
                           object="Plateforme de presse en ligne pour les bibliothèques")
    lot = LotFactory(tender=tender, number=1, title="Presse en ligne", criteria=True)
    LotFactory(tender=tender, number=2, title="Livres numériques", criteria=True)
    BidFactory(lot=lot, vendor=VendorFactory(name="Cyberlibris SAS"))
    BidFactory(lot=lot, vendor=VendorFactory(name="Europresse SARL"))
    page = journey.page

    journey.login("acheteur")
    journey.goto(f"/consultations/{tender.reference}/")
    journey.check()
    register = seen(page.locator("#offres"))
    assert "Cyberlibris SAS" in register and "Europresse SARL" in register
    assert "scellées" in register

    # The opening record, with the keyboard alone.
    journey.submit(page.get_by_role("link", name="Procès-verbal d'ouverture des plis"))
    journey.check()
    tab_to(page, "#id_attendees")
    page.keyboard.type("Claire Morel (acheteuse), Julien Faure (comptable public)")
    tab_to(page, "main form button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    journey.expect_path("/consultations/BNM-2026-05/")
    journey.check()
    assert "Le procès-verbal est enregistré" in seen(page.locator(".messages"))
    journey.submit(page.get_by_role("button", name="Ouvrir les plis"))
    journey.check()
    assert "la consultation est maintenant « Offres ouvertes »" in seen(page.locator(".messages"))

    # The amounts read in the bids.
    for vendor, amount, vat in (("Cyberlibris SAS", "98000", "5.5"), ("Europresse SARL", "104500.50", "20")):
        journey.submit(page.get_by_role("link", name=f"Saisir l'ouverture — {vendor}"))
        journey.check()
        page.get_by_label("Montant HT (€)").fill(amount)
        page.get_by_label("Taux de TVA (%)").fill(vat)
        page.get_by_label("Oui").check()
        page.get_by_label("Statut de l'offre").select_option("compliant")
        journey.submit(page.get_by_role("button", name="Enregistrer"), to=f"{CLOSED}/lots/1/")
        journey.check()
        assert f"L'offre de {vendor} a été enregistrée." in seen(page.locator(".messages"))
        journey.submit(page.get_by_role("link", name="Consultation BNM-2026-05"))
        journey.check()

    rows = {row.locator("th").inner_text(): seen(row) for row in page.locator("#offres tbody tr").all()
            if row.locator("th").count()}
    assert eur("98000") in rows["Cyberlibris SAS"]
    assert eur("5390") in rows["Cyberlibris SAS"]  # VAT at 5.5 %
    assert eur("103390") in rows["Cyberlibris SAS"]  # TTC
    assert eur("104500.50") in rows["Europresse SARL"]
    assert eur("125400.60") in rows["Europresse SARL"]  # TTC at 20 %
    journey.check("06-registre-des-offres-ouvert", at="#offres")
    assert sorted(Bid.objects.values_list("amount_ht", flat=True)) == [Decimal("98000.00"), Decimal("104500.50")]

    # The register of bids, as the spreadsheet the officer downloads.
    saved = journey.download(page.get_by_role("link", name="Télécharger le registre des dépôts (.xlsx)"))
    assert saved.name == "registre-depots-BNM-2026-05.xlsx"
    sheet = load_workbook(saved).active
    header = [cell.value for cell in sheet[2]]
    register = {row[1]: dict(zip(header, row, strict=True)) for row in sheet.iter_rows(min_row=3, values_only=True)}
    assert register["Cyberlibris SAS"]["Montant TTC"] == 103390
    assert register["Europresse SARL"]["Montant HT"] == Decimal("104500.50")
    journey.finish()
