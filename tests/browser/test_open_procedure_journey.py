"""The whole of an open procedure, through the pages only, as the people who do each step: the buyer
writes the need, its lot, criteria and price lines, generates the DCE and publishes; two bids come in
(one from a company not yet known); the deadline passes, the buyer opens them in one grid; two
evaluators declare, read the bids and score them; the CAO meets and chooses; the buyer awards, sends the
letters, waits the standstill, creates, signs and notifies the contract; finance records its first
invoice. Nothing is done outside the pages but moving the server's clock between two steps.
Screenshots: docs/screenshots/ao-<step>.png."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from reportlab.pdfgen import canvas

from procurement.contracts.models import Contract, Invoice
from procurement.tenders.enums import TenderState
from procurement.tenders.models import Bid, BidFileDownload, Tender
from tests.browser.conftest import menu, seen
from tests.clock import DEMO_TODAY
from tests.factories import UserFactory
from tests.programmes.factories import ProgrammeFactory
from tests.tenders.cao_factories import cao_members
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
    """The Métropole's staff, its programme, the seat-holders of its CAO and a company it knows."""
    programme = ProgrammeFactory(reference="BNM", name="Bibliothèque numérique métropolitaine")
    cao_members(programme.authority)
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
    page.get_by_label("Programme").select_option(label="BNM — Bibliothèque numérique métropolitaine")
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
    page.get_by_label("Description").fill("Portail commun aux bibliothèques des 58 communes, avec son intégration "
                                          "au système de gestion des bibliothèques.")
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
    journey.submit(page.get_by_role("link", name="Bordereau des prix"))
    journey.check()
    for row, (label, unit, quantity) in enumerate((("Mise en place du portail", "forfait", "1"),
                                                    ("Maintenance annuelle", "an", "3")), 1):
        page.get_by_label(f"Désignation, ligne {row}", exact=True).fill(label)
        page.get_by_label(f"Unité, ligne {row}", exact=True).fill(unit)
        page.get_by_label(f"Quantité estimée, ligne {row}", exact=True).fill(quantity)
    journey.check("ao-03-bordereau")
    journey.submit(page.get_by_role("button", name="Enregistrer le bordereau"), to=f"{LOT}bordereau-des-prix/")
    journey.submit(page.get_by_role("link", name="Lot 1 — Portail et intégration"))

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
    journey.check("ao-04-dce", at="#dce")
    journey.submit(page.get_by_role("button", name="Marquer prête"))
    journey.check()
    journey.submit(page.get_by_role("button", name="Marquer publiée"))
    journey.check("ao-05-publiee")
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
    journey.check("ao-06-offre-nouvelle-entreprise", at="fieldset")
    journey.submit(page.get_by_role("button", name="Enregistrer"), to=TENDER)
    assert f"L'offre de {NEWCOMER} est enregistrée" in seen(page.locator(".messages"))
    journey.check("ao-07-offres-scellees", at="#offres")
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
    journey.check("ao-08-grille-ouverture")
    journey.submit(page.get_by_role("button", name="Enregistrer l'ouverture du lot"), to=LOT)
    assert "L'ouverture des 2 offre(s) du lot 1 est enregistrée." in seen(page.locator(".messages"))
    journey.check()

    # 4. The committee: two evaluators, Sophie chairs.
    journey.submit(page.locator("#etapes").get_by_role("link", name="Évaluation des offres"))
    journey.check()
    journey.submit(page.get_by_role("link", name="Commission et règles d'évaluation"))
    journey.check()
    for name in ("Sophie Lambert", "Nadia Benali"):
        page.get_by_label("Évaluateur").select_option(label=name)
        journey.submit(page.get_by_role("button", name="Ajouter à la commission"))
    journey.check("ao-09-commission")

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
        journey.check(f"ao-10-notation-{evaluator}")
        received = journey.download(page.get_by_role("link", name="offre-mediaflux.pdf"))
        assert received.read_bytes().startswith(b"%PDF-")
        for bidder, (technical, environmental) in grid.items():
            page.get_by_label(f"Note de {bidder} sur « Valeur technique »").fill(technical)
            page.get_by_label(f"Note de {bidder} sur « Performance environnementale »").fill(environmental)
            for criterion in ("Valeur technique", "Performance environnementale"):
                page.get_by_label(f"Commentaire de {bidder} sur « {criterion} »").fill(
                    f"{criterion} : appréciation motivée de l'offre de {bidder}.")
        journey.submit(page.get_by_role("button", name="Enregistrer et soumettre mes notes"), to=EVALUATION)
        assert "Vos notes sont soumises" in seen(page.locator(".messages"))
    assert BidFileDownload.objects.count() == 2

    # 5. The ranking, read by the buyer.
    journey.switch("claire")
    journey.goto(EVALUATION)
    journey.submit(page.get_by_role("link", name="Classement consolidé"))
    journey.check("ao-11-classement")
    first = seen(page.locator("section[aria-labelledby=classement] tbody tr").nth(0))
    assert first.startswith("1") and KNOWN in first

    # 6. The CAO meets a week later (convened today) and chooses the first of the ranking.
    convened = deadline + timedelta(days=1)
    journey.travel(datetime.combine(convened + timedelta(days=7), datetime.min.time(), PARIS) + timedelta(hours=16))
    journey.switch("claire")
    journey.goto(LOT)
    cao = page.locator("#cao")
    assert "La CAO n'a pas encore choisi l'attributaire" in seen(cao)
    journey.submit(cao.get_by_role("link", name="Enregistrer la réunion de la CAO"))
    journey.check()
    page.get_by_label("Convoquée le").fill(convened.isoformat())
    page.get_by_label("Réunie le").fill(f"{(convened + timedelta(days=7)).isoformat()}T14:00")
    attendance = page.get_by_role("group", name="Membres présents")
    for box in attendance.get_by_role("checkbox").all():
        if "Suppléant" not in box.evaluate("box => box.labels[0].textContent") :
            box.check()
    journey.submit(page.get_by_role("button", name="Calculer le quorum"))
    assert "quorum atteint" in seen(page.locator("#quorum"))
    journey.check("ao-12-cao-reunion")
    journey.submit(page.get_by_role("button", name="Enregistrer la réunion"))
    journey.check()
    journey.submit(page.locator("#decisions").get_by_role("link", name=re.compile("^Décider")))
    journey.check()
    assert page.get_by_label("Offre retenue").locator("option:checked").inner_text().startswith(KNOWN)
    journey.check("ao-13-cao-decision")
    journey.submit(page.get_by_role("button", name="Enregistrer la décision"))
    journey.check()

    # 7. The award, then the letters; the contract waits for the standstill.
    journey.goto(LOT)
    assert "Étape suivante : attribuer le lot." in seen(page.locator("#etapes"))
    journey.submit(page.locator("#decision").get_by_role("button", name="Attribuer le lot"), to=LOT)
    journey.check("ao-14-attribue", at="#etapes")
    journey.submit(page.get_by_role("button", name="Générer les courriers"), to=LOT)
    steps = seen(page.locator("#etapes"))
    assert "Étape suivante : créer le marché à partir de l'attribution" in steps
    journey.check("ao-15-courriers", at="#etapes")
    # The council's deliberation that authorises the signature, recorded where the acts are listed.
    journey.submit(menu(page).get_by_role("link", name="Programmes"))
    journey.check()
    journey.submit(page.get_by_role("link", name=re.compile("^Délégations et délibérations du conseil")))
    journey.check()
    journey.submit(page.get_by_role("link", name="Ajouter une délégation ou une délibération"))
    journey.check()
    page.get_by_label("Nature de l'acte").select_option(label="Délibération spécifique")
    page.get_by_label("Référence").fill("DEL-2027-012")
    page.get_by_label("Adoptée le").fill((convened - timedelta(days=20)).isoformat())
    page.get_by_label("Objet").fill("Autorisation de signer le marché du portail numérique des bibliothèques")
    page.get_by_label("Montant maximal HT (€)").fill("400 000")
    journey.check("ao-16-deliberation")
    journey.submit(page.get_by_role("button", name="Enregistrer"))
    journey.check()
    journey.goto(LOT)
    journey.submit(page.locator("#etapes").get_by_role("link", name="Créer le marché"))
    journey.check("ao-17-marche-formulaire")
    journey.submit(page.get_by_role("button", name="Enregistrer"))
    journey.check()
    # Its clauses: who signs, under which act.
    authorisation = page.get_by_label("Autorisation de signer")
    authorisation.select_option(authorisation.locator("option", has_text="DEL-2027-012").get_attribute("value"))
    page.get_by_label("Signataire", exact=True).fill("Anne Rivière")
    page.get_by_label("Qualité du signataire").fill("Vice-présidente déléguée à la lecture publique")
    journey.submit(page.get_by_role("button", name="Enregistrer"))
    journey.check()
    contract = Contract.objects.get(lot__tender__reference=REFERENCE)
    assert contract.holder.name == KNOWN
    contract_page = f"/marches/{contract.reference}/"

    # 8. After the standstill the contract is signed, sent to the prefecture and notified.
    journey.travel(datetime.combine(convened + timedelta(days=30), datetime.min.time(), PARIS) + timedelta(hours=10))
    journey.switch("claire")
    journey.goto(contract_page)
    journey.check()
    journey.submit(page.get_by_role("button", name="Signer le marché"))
    journey.check()
    # Above the threshold, the prefecture's legal control comes first (the acknowledgement's reference).
    page.get_by_label("Référence de l'accusé de réception de la préfecture").fill("069-216900001-20270225-DEL012")
    journey.submit(page.get_by_role("button", name="Transmettre au contrôle de légalité"))
    journey.check()
    journey.submit(page.get_by_role("button", name="Notifier le marché"))
    journey.check("ao-18-marche-notifie")
    assert "Notifié" in seen(page.locator("h1"))

    # 9. Finance records the first invoice.
    journey.travel(datetime.combine(convened + timedelta(days=75), datetime.min.time(), PARIS) + timedelta(hours=10))
    journey.switch("marc")
    journey.goto(contract_page)
    journey.check()
    journey.submit(page.get_by_role("link", name="Enregistrer une facture"))
    journey.check()
    invoice_day = (convened + timedelta(days=74)).isoformat()
    page.get_by_label("Numéro de la facture").fill("MF-2027-0001")
    page.get_by_label("Émise le").fill(invoice_day)
    page.get_by_label("Reçue le (dépôt sur Chorus Pro pour une facture électronique)").fill(invoice_day)
    page.get_by_label("Montant HT (1er taux)").fill("95400")
    page.get_by_label("Taux de TVA (%) du 1er montant").fill("20")
    journey.submit(page.get_by_role("button", name="Enregistrer"))
    journey.check("ao-19-premiere-facture")
    invoice = Invoice.objects.get()
    assert invoice.contract == contract and invoice.number == "MF-2027-0001"
    journey.finish()
