"""The whole of an open procedure, through the pages only, as the people who do each step: the buyer
writes the need, its lot, criteria and price lines, generates the DCE and publishes; two bids come in
(one from a company not yet known); the deadline passes, the buyer opens them in one grid; two
evaluators declare, read the bids and score them; the CAO meets and chooses; the buyer awards, sends the
letters, waits the standstill, creates, signs and notifies the contract; finance records its first
invoice. Nothing is done outside the pages but moving the server's clock between two steps.
Screenshots: docs/screenshots/ao-<step>.png."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from reportlab.pdfgen import canvas

from procurement.tenders.enums import TenderState
from procurement.tenders.models import Bid, BidFileDownload, Tender
from tests.browser.conftest import menu, seen
from tests.clock import DEMO_TODAY
from tests.factories import UserFactory
from tests.vendors.factories import VendorFactory, make_compliant

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PARIS = ZoneInfo("Europe/Paris")
REFERENCE = "BNM-2027-04"
TENDER = f"/consultations/{REFERENCE}/"
LOT = f"{TENDER}lots/1/"
EVALUATION = f"{LOT}evaluation/"
KNOWN = "Médiaflux Solutions SAS"
NEWCOMER = "Bibliolib SAS"


CRITERIA = [("Prix", "price", "40", "proportional"), ("Valeur technique", "technical", "50", ""),
            ("Performance environnementale", "environmental", "10", "")]


def offer_pdf(folder, name: str, text: str):
    path = folder / name
    pdf = canvas.Canvas(str(path))
    pdf.drawString(72, 760, text)
    pdf.save()
    return path


def people():
    UserFactory(username="claire", first_name="Claire", last_name="Morel", buyer=True)
    UserFactory(username="sophie", first_name="Sophie", last_name="Lambert", evaluator=True)
    UserFactory(username="nadia", first_name="Nadia", last_name="Benali", evaluator=True)
    UserFactory(username="marc", first_name="Marc", last_name="Delorme", finance=True)
    # A company the Métropole already knows, its certificates on file.
    make_compliant(VendorFactory(name=KNOWN, postal_code="69002", city="Lyon"), issued_on=DEMO_TODAY)


def test_an_open_procedure_from_the_need_to_the_first_invoice(journey, tmp_path):
    people()
    page = journey.page
    today = DEMO_TODAY

    # 1. The need: a portal above the EU thresholds, so an open procedure and the CAO.
    journey.login("claire")
    journey.submit(menu(page).get_by_role("link", name="Consultations", exact=True))
    journey.check()
    journey.submit(page.get_by_role("link", name="Nouvelle consultation"))
    journey.check()
    page.get_by_role("textbox", name="Référence", exact=True).fill(REFERENCE)
    page.get_by_role("textbox", name="Objet", exact=True).fill("Portail numérique des bibliothèques")
    page.get_by_role("combobox", name="Nature", exact=True).select_option(label="Services")
    page.get_by_role("textbox", name="Code CPV principal", exact=True).fill("72212000-4")
    page.get_by_role("textbox", name="Lieu d'exécution (code)", exact=True).fill("69003")
    page.get_by_role("spinbutton", name="Durée initiale (mois)", exact=True).fill("48")
    page.get_by_role("spinbutton", name="Nombre de reconductions", exact=True).fill("0")
    page.get_by_label("Lancement de la consultation").fill(today.isoformat())
    page.get_by_label("Envoi de l'avis de publicité").fill(today.isoformat())
    journey.submit(page.get_by_role("button", name="Enregistrer"), to=TENDER)
    journey.check("ao-01-besoin")

    journey.submit(page.get_by_role("link", name="Ajouter un lot"))
    journey.check()
    page.get_by_role("textbox", name="Intitulé", exact=True).fill("Portail et intégration")
    page.get_by_role("spinbutton", name="Montant estimé HT par période", exact=True).fill("350000")
    journey.submit(page.get_by_role("button", name="Enregistrer"), to=LOT)
    journey.check()
    journey.submit(page.get_by_role("link", name="Modifier les critères"))
    for index, (name, kind, points, formula) in enumerate(
            CRITERIA):
        page.fill(f"#id_criteres-{index}-name", name)
        page.select_option(f"#id_criteres-{index}-kind", kind)
        page.fill(f"#id_criteres-{index}-points", points)
        if formula:
            page.select_option(f"#id_criteres-{index}-price_formula", formula)
    journey.check("ao-02-criteres")
    journey.submit(page.get_by_role("button", name="Enregistrer les critères"), to=LOT)
    journey.check()

    # The advice gives the procedure and the earliest deadline; the buyer takes a later one.
    journey.submit(page.get_by_role("link", name=f"Consultation {REFERENCE}"))
    advice = seen(page.locator("section[aria-labelledby=avis]"))
    assert "Appel d'offres ouvert" in advice
    deadline = today + timedelta(days=45)
    while deadline.weekday() >= 5:
        deadline += timedelta(days=1)
    journey.submit(page.get_by_role("link", name="Modifier le besoin"))
    journey.check()
    page.get_by_label("Date limite de réception des offres").fill(f"{deadline.isoformat()}T12:00")
    journey.submit(page.get_by_role("button", name="Enregistrer"), to=TENDER)
    journey.check()

    journey.submit(page.get_by_role("button", name="Générer le DCE"), to=TENDER)
    journey.check("ao-03-dce", at="#dce")
    journey.submit(page.get_by_role("button", name="Marquer prête"))
    journey.check()
    journey.submit(page.get_by_role("button", name="Marquer publiée"))
    journey.check("ao-04-publiee")
    assert Tender.objects.get(reference=REFERENCE).state == TenderState.PUBLISHED

    # 2. Two bids before the deadline, deposited electronically; the second from a company not yet known.
    journey.travel(datetime.combine(deadline - timedelta(days=3), datetime.min.time(), PARIS) + timedelta(hours=10))
    journey.switch("claire")  # weeks later: a new session
    journey.goto(TENDER)
    journey.submit(page.get_by_role("link", name="Enregistrer une offre reçue"))
    journey.check()
    page.locator("#id_vendor").select_option(label=KNOWN)
    page.get_by_label("Fichiers de l'offre").set_input_files(offer_pdf(tmp_path, "offre-mediaflux.pdf", KNOWN))
    journey.submit(page.get_by_role("button", name="Enregistrer"), to=TENDER)
    journey.check()
    journey.submit(page.get_by_role("link", name="Enregistrer une offre reçue"))
    page.get_by_label("Nouvelle entreprise : raison sociale").fill(NEWCOMER)
    page.get_by_label("Nouvelle entreprise : SIRET").fill("732 829 320 00074")
    page.get_by_label("Nouvelle entreprise : code postal").fill("75011")
    page.get_by_label("Nouvelle entreprise : ville").fill("Paris")
    page.get_by_label("Fichiers de l'offre").set_input_files(offer_pdf(tmp_path, "offre-bibliolib.pdf", NEWCOMER))
    journey.check("ao-05-offre-nouvelle-entreprise", at="fieldset")
    journey.submit(page.get_by_role("button", name="Enregistrer"), to=TENDER)
    assert f"L'offre de {NEWCOMER} est enregistrée" in seen(page.locator(".messages"))
    journey.check("ao-06-offres-scellees", at="#offres")
    assert Bid.objects.count() == 2

    # 3. The deadline passes: the buyer closes, records the opening and opens the bids in one grid.
    journey.travel(datetime.combine(deadline + timedelta(days=1), datetime.min.time(), PARIS) + timedelta(hours=9))
    journey.switch("claire")
    journey.goto(TENDER)
    journey.submit(page.get_by_role("button", name="Clôturer la réception des offres"))
    journey.check()
    journey.submit(page.get_by_role("link", name="Procès-verbal d'ouverture des plis"))
    journey.check()
    page.get_by_label("Personnes présentes").fill("Claire Morel (acheteuse), Julien Faure (comptable public)")
    journey.submit(page.get_by_role("button", name="Enregistrer"), to=TENDER)
    journey.submit(page.get_by_role("button", name="Ouvrir les plis"))
    journey.check()
    journey.goto(LOT)
    journey.submit(page.get_by_role("link", name="Relever l'ouverture de toutes les offres du lot"),
                   to=f"{LOT}ouverture/")
    for name, amount in ((KNOWN, "318000"), (NEWCOMER, "342500")):
        page.get_by_label(f"Montant HT (€), offre de {name}").fill(amount)
        page.get_by_label(f"Taux de TVA (%), offre de {name}").fill("20")
        page.get_by_label(f"Candidature recevable, offre de {name}").select_option("oui")
    journey.check("ao-07-grille-ouverture")
    journey.submit(page.get_by_role("button", name="Enregistrer l'ouverture du lot"), to=LOT)
    assert "L'ouverture des 2 offre(s) du lot 1 est enregistrée." in seen(page.locator(".messages"))
    journey.check()

    # 4. The committee: two evaluators, Sophie chairs.
    journey.submit(page.get_by_role("link", name="Évaluation des offres"))
    journey.check()
    journey.submit(page.get_by_role("link", name="Commission et règles d'évaluation"))
    journey.check()
    for name in ("Sophie Lambert", "Nadia Benali"):
        page.get_by_label("Évaluateur").select_option(label=name)
        journey.submit(page.get_by_role("button", name="Ajouter à la commission"))
    journey.check("ao-08-commission")

    # Each evaluator declares, reads a bid and scores both.
    notes = {"sophie": {KNOWN: ("42", "8"), NEWCOMER: ("38", "9")},
             "nadia": {KNOWN: ("44", "7"), NEWCOMER: ("36", "8")}}
    for evaluator, grid in notes.items():
        journey.switch(evaluator)
        journey.submit(menu(page).get_by_role("link", name="Mes évaluations"))
        journey.check()
        journey.submit(page.get_by_role("link", name=f"{REFERENCE} — lot 1 — Portail et intégration"))
        journey.check()
        journey.submit(page.get_by_role("link", name="Signer ma déclaration d'intérêts"))
        journey.check()
        page.locator("#id_answer_0").check()
        journey.submit(page.locator("main form button[type=submit]"), to=EVALUATION)
        journey.submit(page.get_by_role("link", name="Noter les offres"))
        journey.check(f"ao-09-notation-{evaluator}")
        received = journey.download(page.get_by_role("link", name="offre-mediaflux.pdf"))
        assert received.read_bytes().startswith(b"%PDF-")
        for bidder, (technical, environmental) in grid.items():
            page.get_by_label(f"Note de {bidder} sur « Valeur technique »").fill(technical)
            page.get_by_label(f"Note de {bidder} sur « Performance environnementale »").fill(environmental)
        journey.submit(page.get_by_role("button", name="Enregistrer et soumettre mes notes"), to=EVALUATION)
        assert "Vos notes sont soumises" in seen(page.locator(".messages"))
    assert BidFileDownload.objects.count() == 2

    # 5. The ranking, read by the buyer.
    journey.switch("claire")
    journey.goto(EVALUATION)
    journey.submit(page.get_by_role("link", name="Classement consolidé"))
    journey.check("ao-10-classement")
    first = seen(page.locator("section[aria-labelledby=classement] tbody tr").nth(0))
    assert first.startswith("1") and KNOWN in first
    journey.finish()
