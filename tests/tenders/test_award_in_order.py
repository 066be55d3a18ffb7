"""The award in order on the lot page: the final ranking, then the award, then the letters, then the
contract, each step offered where the previous one ends and saying why it waits."""

import html
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from procurement.contracts.models import Contract
from procurement.tenders.enums import LotState, Procedure
from procurement.tenders.models import LetterDocument, Lot
from procurement.tenders.models.documents import LetterKind
from tests.clock import DEMO_NOW
from tests.documents.utils import docx_text, framework_tender, score_by_one_evaluator
from tests.tenders.factories import BidFactory
from tests.vendors.factories import VendorFactory, make_compliant

pytestmark = [pytest.mark.django_db, pytest.mark.freeze_time(DEMO_NOW)]

NO_RANKING = (
    "Aucune note n'a été soumise pour ce lot : la commission d'évaluation signe ses déclarations, note "
    "les offres et soumet ses notes avant l'attribution."
)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def text(response) -> str:
    return html.unescape(response.content.decode()).replace("\u00a0", " ").replace("\u202f", " ")


def mapa_lot():
    """An opened MAPA, one lot, three compliant bids nobody has scored yet."""
    tender = framework_tender(lots=1, opened=True, procedure=Procedure.MAPA, reference="MAPA-2026-07")
    lot = tender.lots.get()
    names = [
        ("Lectura Prêt Numérique SAS", "112000.00"),
        ("Kiosque Horizon", "118500.00"),
        ("Médiathèque et Cie", "131000.00"),
    ]
    bids = [
        BidFactory(
            lot=lot,
            compliant=True,
            amount_ht=Decimal(amount),
            vat_rate=Decimal("5.5"),
            vendor=VendorFactory(name=name, postal_code="69002", city="Lyon"),
        )
        for name, amount in names
    ]
    for bid in bids:
        make_compliant(bid.vendor, issued_on=date(2026, 10, 1))
    return lot, bids


def lot_page(lot) -> str:
    return reverse("tenders:lot-detail", args=[lot.tender.reference, lot.number])


def award_url(lot) -> str:
    return reverse("tenders:lot-transition", args=[lot.tender.reference, lot.number, "award"])


def test_a_mapa_lot_without_ranking_shows_why_the_award_waits_and_refuses_it(client_for, buyer):
    lot, bids = mapa_lot()
    client = client_for(buyer)
    page = text(client.get(lot_page(lot)))
    assert NO_RANKING in page
    assert "Étape suivante : terminer l'évaluation du lot." in page
    assert f'action="{award_url(lot)}"' not in page  # the award's form is not offered
    response = client.post(award_url(lot), {"award-winner": bids[0].pk, "award-reason": ""}, follow=True)
    assert NO_RANKING in text(response)
    assert Lot.objects.get(pk=lot.pk).state == LotState.EVALUATING


def test_after_the_ranking_the_lot_is_awarded_then_letters_then_contract_from_the_page(client_for, buyer):
    lot, bids = mapa_lot()
    score_by_one_evaluator(lot, bids)
    client = client_for(buyer)
    page = text(client.get(lot_page(lot)))
    assert NO_RANKING not in page
    assert "Étape suivante : attribuer le lot." in page
    assert page.count("Le lot n'est pas encore attribué.") == 2  # the letters and the contract wait

    response = client.post(award_url(lot), {"award-winner": bids[0].pk, "award-reason": ""}, follow=True)
    page = text(response)
    assert "Le lot 1 est maintenant « Attribué »." in page
    assert "Étape suivante : générer les courriers — lettres de rejet aux autres candidats" in page
    assert "Attribué à Lectura Prêt Numérique SAS le 25/11/2026." in page
    assert reverse("contracts:create") not in page
    assert "Générez d'abord les courriers : la date d'envoi des lettres de rejet fait courir le délai" in page

    letters_url = reverse("tenders:letters-generate", args=[lot.tender.reference, 1])
    page = text(client.post(letters_url, {"sent_on": "2026-11-25"}, follow=True))
    assert "4 courrier(s) généré(s) pour le lot 1." in page
    assert "Courriers version 1 envoyés le 25/11/2026." in page
    create_url = reverse("contracts:create") + f"?lot={lot.pk}"
    assert "Étape suivante : créer le marché à partir de l'attribution" in page
    assert f'href="{create_url}"' in response_html(client, lot)

    form = text(client.get(create_url))
    assert (
        "Lot 1 de la consultation MAPA-2026-07, attribué à Lectura Prêt Numérique SAS, accord-cadre : maximum "
        "120 000,00 € HT par période, TVA 5,5 %"
    ) in form
    assert "Courriers envoyés le 25/11/2026 : pas de délai de suspension pour cette procédure." in form
    assert f'<option value="{lot.pk}" selected>' in form
    assert 'value="2026-11-25"' in form  # the start date proposed

    response = client.post(create_url, {"lot": lot.pk, "reference": "", "start_date": "2026-12-01"})
    contract = Contract.objects.get(lot=lot)
    assert (contract.holder, contract.rejection_letters_sent_on) == (bids[0].vendor, date(2026, 11, 25))
    assert response.url == reverse("contracts:update", args=[contract.reference])
    page = text(client.get(lot_page(lot)))
    assert f"Marché {contract.reference} créé (À signer)." in page
    assert f"Étape suivante : compléter les clauses du marché {contract.reference} puis le signer." in page


def response_html(client, lot) -> str:
    return client.get(lot_page(lot)).content.decode()


def test_the_contract_step_of_an_open_procedure_gives_the_end_of_the_standstill(client_for, buyer):
    lot, bids = mapa_lot()
    lot.tender.__class__.objects.filter(pk=lot.tender_id).update(procedure=Procedure.OPEN)
    score_by_one_evaluator(lot, bids)
    Lot.objects.filter(pk=lot.pk).update(state=LotState.AWARDED, winner=bids[0])
    client = client_for(buyer)
    client.post(reverse("tenders:letters-generate", args=[lot.tender.reference, 1]), {"sent_on": "2026-12-15"})
    assert LetterDocument.objects.filter(lot=lot, kind=LetterKind.AWARD).get().signable_from == date(2026, 12, 29)
    page = text(client.get(lot_page(lot)))
    assert ("Délai de suspension jusqu'au 28/12/2026 : signature possible à partir du 29/12/2026.") in page
    form = text(client.get(reverse("contracts:create") + f"?lot={lot.pk}"))
    assert 'value="2026-12-29"' in form  # no start before the contract may be signed


def test_awarding_another_bid_than_the_first_needs_a_reason_kept_in_the_rapport(client_for, buyer):
    lot, bids = mapa_lot()
    score_by_one_evaluator(lot, bids)
    client = client_for(buyer)
    response = client.post(award_url(lot), {"award-winner": bids[1].pk, "award-reason": "  "}, follow=True)
    assert (
        "L'offre retenue n'est pas la première du classement (Lectura Prêt Numérique SAS, 88,40 points sur "
        "100) : motivez ce choix."
    ) in text(response)
    assert Lot.objects.get(pk=lot.pk).state == LotState.EVALUATING

    reason = "Erreur matérielle reconnue dans l'offre de Lectura : délai de livraison impossible."
    page = text(client.post(award_url(lot), {"award-winner": bids[1].pk, "award-reason": reason}, follow=True))
    lot.refresh_from_db()
    assert (lot.state, lot.winner, lot.decision_reason) == (LotState.AWARDED, bids[1], reason)
    assert reason in page
    client.post(reverse("tenders:rapport-generate", args=[lot.tender.reference, 1]))
    rapport = LetterDocument.objects.get(lot=lot, kind=LetterKind.RAPPORT)
    assert reason in docx_text(rapport.file.read())
