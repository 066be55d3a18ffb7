"""The whole of an open procedure, through the pages only, as the people who do each step: the buyer
writes the need, its lot, criteria and price lines, generates the DCE and publishes; two bids come in
(one from a company not yet known); the deadline passes, the buyer opens them in one grid; two
evaluators declare, read the bids and score them; the CAO meets and chooses; the buyer awards, sends the
letters, records the council's deliberation, creates the contract, signs it after the standstill, sends
it to the prefecture and notifies it; finance records its first invoice. Nothing is done outside the
pages but moving the server's clock between two steps. Screenshots: docs/screenshots/ao-<step>.png."""

import re
from datetime import timedelta

import pytest

from procurement.contracts.models import Contract, Invoice
from procurement.tenders.enums import TenderState
from procurement.tenders.models import Bid, BidFileDownload, Tender
from tests.browser.conftest import seen
from tests.browser.steps import (
    KNOWN,
    Purchase,
    at,
    award_and_send_the_letters,
    create_the_contract,
    open_the_bids,
    publish,
    read_the_ranking,
    receive_two_bids,
    record_the_deliberation,
    score,
    seat_the_committee,
    the_metropole,
    write_the_need,
)
from tests.clock import DEMO_TODAY

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PORTAL = Purchase(reference="BNM-2027-04", object="Portail numérique des bibliothèques", lot="Portail et intégration",
                  description="Portail commun aux bibliothèques des 58 communes, avec son intégration au système "
                              "de gestion des bibliothèques.", amount_ht="350000", months="48", cpv="72212000-4")


def test_an_open_procedure_from_the_need_to_the_first_invoice(journey, tmp_path):
    the_metropole(today=DEMO_TODAY)
    page = journey.page

    # 1. The need: a portal above the EU thresholds, so an open procedure and the CAO.
    journey.login("claire")
    write_the_need(journey, PORTAL, today=DEMO_TODAY, shots="ao")
    assert "Appel d'offres ouvert" in seen(page.locator("section[aria-labelledby=avis]"))
    deadline = DEMO_TODAY + timedelta(days=47)  # a Monday, after the 35 days' minimum
    publish(journey, PORTAL, deadline=deadline, shots="ao")
    assert Tender.objects.get(reference=PORTAL.reference).state == TenderState.PUBLISHED

    # 2. Two bids before the deadline (weeks later: a new session).
    journey.travel(at(deadline - timedelta(days=3), 10))
    journey.switch("claire")
    receive_two_bids(journey, PORTAL, tmp_path, shots="ao")
    assert Bid.objects.count() == 2

    # 3. The deadline passes: closed, opened, every amount in the lot's grid.
    journey.travel(at(deadline + timedelta(days=1), 9))
    journey.switch("claire")
    open_the_bids(journey, PORTAL, {KNOWN: "318000", "Bibliolib SAS": "342500"}, shots="ao")

    # 4. The committee: each evaluator reads a bid and scores both; then the buyer reads the ranking.
    seat_the_committee(journey, shots="ao")
    score(journey, PORTAL, "sophie", {KNOWN: ("42", "8"), "Bibliolib SAS": ("38", "9")}, shots="ao")
    score(journey, PORTAL, "nadia", {KNOWN: ("44", "7"), "Bibliolib SAS": ("36", "8")}, shots="ao")
    assert BidFileDownload.objects.count() == 2
    journey.switch("claire")
    first = read_the_ranking(journey, PORTAL, shots="ao")
    assert first.startswith("1") and KNOWN in first

    # 5. The CAO, convened today, meets a week later and chooses the first of the ranking.
    convened = deadline + timedelta(days=1)
    journey.travel(at(convened + timedelta(days=7), 16))
    journey.switch("claire")
    journey.goto(PORTAL.lot_page)
    cao = page.locator("#cao")
    assert "La CAO n'a pas encore choisi l'attributaire" in seen(cao)
    journey.submit(cao.get_by_role("link", name="Enregistrer la réunion de la CAO"))
    journey.check()
    page.get_by_label("Convoquée le").fill(convened.isoformat())
    page.get_by_label("Réunie le").fill(f"{(convened + timedelta(days=7)).isoformat()}T14:00")
    for box in page.get_by_role("group", name="Membres présents").get_by_role("checkbox").all():
        if "suppléant" not in box.evaluate("box => box.labels[0].textContent"):
            box.check()
    journey.submit(page.get_by_role("button", name="Calculer le quorum"))
    assert "quorum atteint" in seen(page.locator("#quorum"))
    journey.check("ao-12-cao-reunion")
    journey.submit(page.get_by_role("button", name="Enregistrer la réunion"))
    journey.check()
    journey.submit(page.locator("#decisions").get_by_role("link", name=re.compile("^Décider")))
    assert page.get_by_label("Offre retenue").locator("option:checked").inner_text().startswith(KNOWN)
    journey.check("ao-13-cao-decision")
    journey.submit(page.get_by_role("button", name="Enregistrer la décision"))
    journey.check()

    # 6. The award and the letters; the council's deliberation; the contract.
    award_and_send_the_letters(journey, PORTAL, shots="ao")
    record_the_deliberation(journey, "DEL-2027-012", adopted=convened - timedelta(days=20), shots="ao")
    create_the_contract(journey, PORTAL, authorisation="DEL-2027-012", shots="ao")
    contract = Contract.objects.get(lot__tender__reference=PORTAL.reference)
    assert contract.holder.name == KNOWN
    contract_page = f"/marches/{contract.reference}/"

    # 7. After the standstill: signed, sent to the prefecture (above the threshold), notified.
    journey.travel(at(convened + timedelta(days=30), 10))
    journey.switch("claire")
    journey.goto(contract_page)
    journey.check()
    journey.submit(page.get_by_role("button", name="Signer le marché"))
    journey.check()
    page.get_by_label("Référence de l'accusé de réception de la préfecture").fill("069-216900001-20270225-DEL012")
    journey.submit(page.get_by_role("button", name="Transmettre au contrôle de légalité"))
    journey.check()
    journey.submit(page.get_by_role("button", name="Notifier le marché"))
    journey.check("ao-18-marche-notifie")
    assert "Notifié" in seen(page.locator("h1"))

    # 8. Finance records the first invoice: the payment deadline is 30 days after its receipt.
    received = convened + timedelta(days=74)
    journey.travel(at(received + timedelta(days=1), 10))
    journey.switch("marc")
    journey.goto(contract_page)
    journey.check()
    journey.submit(page.get_by_role("link", name="Enregistrer une facture"))
    journey.check()
    page.get_by_label("Numéro de la facture").fill("MF-2027-0001")
    page.get_by_label("Émise le").fill(received.isoformat())
    page.get_by_label("Reçue le (dépôt sur Chorus Pro pour une facture électronique)").fill(received.isoformat())
    page.get_by_label("Montant HT (1er taux)").fill("95400")
    page.get_by_label("Taux de TVA (%) du 1er montant").fill("20")
    journey.submit(page.get_by_role("button", name="Enregistrer"))
    journey.check("ao-19-premiere-facture")
    due = received + timedelta(days=30)
    assert f"à payer au plus tard le {due:%d/%m/%Y}" in seen(page.locator(".messages"))
    invoice = Invoice.objects.get()
    assert invoice.contract == contract and invoice.number == "MF-2027-0001"
    journey.finish()
