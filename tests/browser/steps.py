"""The steps of a procurement through the pages, shared by the whole-procedure journeys: each one is what
a person does on one or two pages, with the clicks and the typing, and nothing else (no service call)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from reportlab.pdfgen import canvas

from tests.browser.conftest import choose_suggestion, menu, seen
from tests.factories import UserFactory
from tests.programmes.factories import ProgrammeFactory
from tests.tenders.cao_factories import cao_members
from tests.vendors.factories import VendorFactory, make_compliant

PARIS = ZoneInfo("Europe/Paris")
PROGRAMME = "BNM — Bibliothèque numérique métropolitaine"
KNOWN = "Médiaflux Solutions SAS"
NEWCOMER = "Bibliolib SAS"
CRITERIA = [("Prix", "price", "40", "proportional"), ("Valeur technique", "technical", "50", ""),
            ("Performance environnementale", "environmental", "10", "")]


@dataclass(frozen=True)
class Purchase:
    reference: str
    object: str
    lot: str
    description: str
    amount_ht: str  # per period
    months: str
    cpv: str

    @property
    def tender(self) -> str:
        return f"/consultations/{self.reference}/"

    @property
    def lot_page(self) -> str:
        return f"{self.tender}lots/1/"

    @property
    def evaluation(self) -> str:
        return f"{self.lot_page}evaluation/"


def at(day: date, hour: int) -> datetime:
    return datetime.combine(day, datetime.min.time(), PARIS) + timedelta(hours=hour)


def offer_pdf(folder, name: str, text: str):
    path = folder / name
    pdf = canvas.Canvas(str(path))
    pdf.drawString(72, 760, text)
    pdf.save()
    return path


def the_metropole(*, today: date) -> None:
    """What exists before the purchase: the staff, the programme, the seat-holders of the CAO and a
    company the Métropole already knows, its certificates on file."""
    programme = ProgrammeFactory(reference="BNM", name="Bibliothèque numérique métropolitaine")
    cao_members(programme.authority)
    UserFactory(username="claire", first_name="Claire", last_name="Morel", buyer=True)
    UserFactory(username="sophie", first_name="Sophie", last_name="Lambert", evaluator=True)
    UserFactory(username="nadia", first_name="Nadia", last_name="Benali", evaluator=True)
    UserFactory(username="marc", first_name="Marc", last_name="Delorme", finance=True)
    make_compliant(VendorFactory(name=KNOWN, postal_code="69002", city="Lyon"), issued_on=today)


def write_the_need(journey, purchase: Purchase, *, today: date, shots: str) -> None:
    """The buyer writes the need, its lot, criteria and price lines: the page then advises."""
    page = journey.page
    journey.submit(menu(page).get_by_role("link", name="Consultations", exact=True))
    journey.check()
    journey.submit(page.get_by_role("link", name="Nouvelle consultation"))
    journey.check()
    page.get_by_role("textbox", name="Référence", exact=True).fill(purchase.reference)
    page.get_by_label("Programme").select_option(label=PROGRAMME)
    page.get_by_role("textbox", name="Objet", exact=True).fill(purchase.object)
    page.get_by_role("combobox", name="Nature", exact=True).select_option(label="Services")
    page.get_by_role("textbox", name="Code CPV principal", exact=True).fill(purchase.cpv)
    page.get_by_role("textbox", name="Lieu d'exécution (code)", exact=True).fill("69003")
    page.get_by_role("spinbutton", name="Durée initiale (mois)", exact=True).fill(purchase.months)
    page.get_by_role("spinbutton", name="Nombre de reconductions", exact=True).fill("0")
    page.get_by_label("Lancement de la consultation").fill(today.isoformat())
    page.get_by_label("Envoi de l'avis de publicité").fill(today.isoformat())
    journey.submit(page.get_by_role("button", name="Enregistrer"), to=purchase.tender)
    journey.check(f"{shots}-01-besoin")

    journey.submit(page.get_by_role("link", name="Ajouter un lot"))
    journey.check()
    page.get_by_role("textbox", name="Intitulé", exact=True).fill(purchase.lot)
    page.get_by_label("Description").fill(purchase.description)
    page.get_by_role("spinbutton", name="Montant estimé HT de la période initiale", exact=True).fill(purchase.amount_ht)
    journey.submit(page.get_by_role("button", name="Enregistrer"), to=purchase.lot_page)
    journey.check()
    journey.submit(page.get_by_role("link", name="Modifier les critères"))
    for index, (name, kind, points, formula) in enumerate(CRITERIA):
        page.fill(f"#id_criteres-{index}-name", name)
        page.select_option(f"#id_criteres-{index}-kind", kind)
        page.fill(f"#id_criteres-{index}-points", points)
        if formula:
            page.select_option(f"#id_criteres-{index}-price_formula", formula)
    journey.check(f"{shots}-02-criteres")
    journey.submit(page.get_by_role("button", name="Enregistrer les critères"), to=purchase.lot_page)
    journey.check()
    journey.submit(page.get_by_role("link", name="Bordereau des prix"))
    journey.check()
    for row, (label, unit, quantity) in enumerate((("Mise en place", "forfait", "1"),
                                                    ("Suivi mensuel", "mois", purchase.months)), 1):
        page.get_by_label(f"Désignation, ligne {row}", exact=True).fill(label)
        page.get_by_label(f"Unité, ligne {row}", exact=True).fill(unit)
        page.get_by_label(f"Quantité estimée, ligne {row}", exact=True).fill(quantity)
    journey.check(f"{shots}-03-bordereau")
    journey.submit(page.get_by_role("button", name="Enregistrer le bordereau"),
                   to=f"{purchase.lot_page}bordereau-des-prix/")
    journey.submit(page.get_by_role("link", name=f"Lot 1 — {purchase.lot}"))
    journey.submit(page.get_by_role("link", name=f"Consultation {purchase.reference}"))
    journey.check()


def publish(journey, purchase: Purchase, *, deadline: date, shots: str) -> None:
    """The deadline, the DCE, « Prête », « Publiée »."""
    page = journey.page
    journey.submit(page.get_by_role("link", name="Modifier le besoin"))
    journey.check()
    page.get_by_label("Date limite de réception des offres").fill(f"{deadline.isoformat()}T12:00")
    journey.submit(page.get_by_role("button", name="Enregistrer"), to=purchase.tender)
    journey.check()
    journey.submit(page.get_by_role("button", name="Générer le DCE"), to=purchase.tender)
    journey.check(f"{shots}-04-dce", at="#dce")
    journey.submit(page.get_by_role("button", name="Marquer prête"))
    journey.check()
    journey.submit(page.get_by_role("button", name="Marquer publiée"))
    journey.check(f"{shots}-05-publiee")


def receive_two_bids(journey, purchase: Purchase, folder, *, shots: str) -> None:
    """A bid from the known company, then one from a company registered on the way, with its SIRET."""
    page = journey.page
    journey.goto(purchase.tender)
    journey.submit(page.get_by_role("link", name="Enregistrer une offre reçue"))
    journey.check()
    choose_suggestion(page, "id_vendor", "médiaf", KNOWN)
    assert page.get_by_label("Candidat", exact=True).input_value() == KNOWN
    page.get_by_label("Fichiers de l'offre").set_input_files(offer_pdf(folder, "offre-mediaflux.pdf", KNOWN))
    journey.submit(page.get_by_role("button", name="Enregistrer"), to=purchase.tender)
    journey.check()
    journey.submit(page.get_by_role("link", name="Enregistrer une offre reçue"))
    page.get_by_label("Nouvelle entreprise : raison sociale").fill(NEWCOMER)
    page.get_by_label("Nouvelle entreprise : SIRET").fill("732 829 320 00074")
    page.get_by_label("Nouvelle entreprise : code postal").fill("75011")
    page.get_by_label("Nouvelle entreprise : ville").fill("Paris")
    page.get_by_label("Fichiers de l'offre").set_input_files(offer_pdf(folder, "offre-bibliolib.pdf", NEWCOMER))
    journey.check(f"{shots}-06-offre-nouvelle-entreprise", at="fieldset")
    journey.submit(page.get_by_role("button", name="Enregistrer"), to=purchase.tender)
    assert f"L'offre de {NEWCOMER} est enregistrée" in seen(page.locator(".messages"))
    journey.check(f"{shots}-07-offres-scellees", at="#offres")


def open_the_bids(journey, purchase: Purchase, amounts: dict[str, str], *, shots: str) -> None:
    """Closed, the opening's record, the bids opened, then every bid's amount in the lot's grid."""
    page = journey.page
    journey.goto(purchase.tender)
    journey.submit(page.get_by_role("button", name="Clôturer la réception des offres"))
    journey.check()
    journey.submit(page.get_by_role("link", name="Procès-verbal d'ouverture des plis"))
    journey.check()
    page.get_by_label("Personnes présentes").fill("Claire Morel (acheteuse), Julien Faure (comptable public)")
    journey.submit(page.get_by_role("button", name="Enregistrer"), to=purchase.tender)
    journey.submit(page.get_by_role("button", name="Ouvrir les plis"))
    journey.check()
    journey.goto(purchase.lot_page)
    journey.submit(page.get_by_role("link", name="Relever l'ouverture de toutes les offres du lot"),
                   to=f"{purchase.lot_page}ouverture/")
    for name, amount in amounts.items():
        page.get_by_label(f"Montant HT (€), offre de {name}").fill(amount)
        page.get_by_label(f"Taux de TVA (%), offre de {name}").fill("20")
        page.get_by_label(f"Candidature recevable, offre de {name}").select_option("oui")
    journey.check(f"{shots}-08-grille-ouverture")
    journey.submit(page.get_by_role("button", name="Enregistrer l'ouverture du lot"), to=purchase.lot_page)
    assert f"L'ouverture des {len(amounts)} offre(s) du lot 1 est enregistrée." in seen(page.locator(".messages"))
    journey.check()


def seat_the_committee(journey, *, shots: str) -> None:
    """From the lot page, the tender's committee: Sophie and Nadia."""
    page = journey.page
    journey.submit(page.locator("#etapes").get_by_role("link", name="Évaluation des offres"))
    journey.check()
    journey.submit(page.get_by_role("link", name="Commission et règles d'évaluation"))
    journey.check()
    for name in ("Sophie Lambert", "Nadia Benali"):
        page.get_by_label("Évaluateur").select_option(label=name)
        journey.submit(page.get_by_role("button", name="Ajouter à la commission"))
    journey.check(f"{shots}-09-commission")


def score(journey, purchase: Purchase, evaluator: str, notes: dict[str, tuple[str, str]], *, shots: str) -> None:
    """An evaluator signs her declaration, reads a bid's file and scores every bid in the grid."""
    page = journey.page
    journey.switch(evaluator)
    journey.submit(menu(page).get_by_role("link", name="Mes évaluations"))
    journey.check()
    journey.submit(page.get_by_role("link", name=f"{purchase.reference} — lot 1 — {purchase.lot}"))
    journey.check()
    journey.submit(page.get_by_role("link", name="Signer ma déclaration d'intérêts"))
    journey.check()
    page.locator("#id_answer_0").check()
    journey.submit(page.locator("main form button[type=submit]"), to=purchase.evaluation)
    journey.submit(page.get_by_role("link", name="Noter les offres"))
    journey.check(f"{shots}-10-notation-{evaluator}")
    received = journey.download(page.get_by_role("link", name="offre-mediaflux.pdf"))
    assert received.read_bytes().startswith(b"%PDF-")
    for bidder, values in notes.items():
        for criterion, value in zip(("Valeur technique", "Performance environnementale"), values, strict=True):
            page.get_by_label(f"Note de {bidder} sur « {criterion} »").fill(value)
            page.get_by_label(f"Commentaire de {bidder} sur « {criterion} »").fill(
                f"{criterion} : appréciation motivée de l'offre de {bidder}.")
    journey.submit(page.get_by_role("button", name="Enregistrer et soumettre mes notes"), to=purchase.evaluation)
    assert "Vos notes sont soumises" in seen(page.locator(".messages"))


def read_the_ranking(journey, purchase: Purchase, *, shots: str) -> str:
    """The buyer reads the consolidated ranking; returns its first row."""
    page = journey.page
    journey.goto(purchase.evaluation)
    journey.submit(page.get_by_role("link", name="Classement consolidé"))
    journey.check(f"{shots}-11-classement")
    return seen(page.locator("section[aria-labelledby=classement] tbody tr").nth(0))


def award_and_send_the_letters(journey, purchase: Purchase, *, shots: str) -> None:
    page = journey.page
    journey.goto(purchase.lot_page)
    assert "Étape suivante : attribuer le lot." in seen(page.locator("#etapes"))
    journey.submit(page.locator("#decision").get_by_role("button", name="Attribuer le lot"), to=purchase.lot_page)
    journey.check(f"{shots}-14-attribue", at="#etapes")
    journey.submit(page.get_by_role("button", name="Générer les courriers"), to=purchase.lot_page)
    assert "Étape suivante : créer le marché à partir de l'attribution" in seen(page.locator("#etapes"))
    journey.check(f"{shots}-15-courriers", at="#etapes")


def record_the_deliberation(journey, reference: str, *, adopted: date, shots: str) -> None:
    """The council's act that authorises the signature, added where the acts are listed."""
    page = journey.page
    journey.submit(menu(page).get_by_role("link", name="Programmes"))
    journey.check()
    journey.submit(page.get_by_role("link", name=re.compile("^Délégations et délibérations du conseil")))
    journey.check()
    journey.submit(page.get_by_role("link", name="Ajouter une délégation ou une délibération"))
    journey.check()
    page.get_by_label("Nature de l'acte").select_option(label="Délibération spécifique")
    page.get_by_label("Référence").fill(reference)
    page.get_by_label("Adoptée le").fill(adopted.isoformat())
    page.get_by_label("Objet").fill("Autorisation de signer le marché")
    page.get_by_label("Montant maximal HT (€)").fill("400 000")
    journey.check(f"{shots}-16-deliberation")
    journey.submit(page.get_by_role("button", name="Enregistrer"))
    journey.check()


def create_the_contract(journey, purchase: Purchase, *, authorisation: str, shots: str) -> None:
    """From the lot page's last step, the contract, then its clauses: who signs, under which act."""
    page = journey.page
    journey.goto(purchase.lot_page)
    journey.submit(page.locator("#etapes").get_by_role("link", name="Créer le marché"))
    journey.check(f"{shots}-17-marche-formulaire")
    journey.submit(page.get_by_role("button", name="Enregistrer"))
    journey.check()
    # The council's acts are searched with suggestions: the reference typed, Down and Enter choose it.
    choose_suggestion(page, "id_signature_authorisation", authorisation, f"Délibération spécifique {authorisation}")
    assert page.locator("input[name=signature_authorisation]").input_value() != ""
    page.get_by_label("Signataire", exact=True).fill("Anne Rivière")
    page.get_by_label("Qualité du signataire").fill("Vice-présidente déléguée à la lecture publique")
    journey.submit(page.get_by_role("button", name="Enregistrer"))
    journey.check()
