"""The pages say what the app does not do: answers and notices are published by the buyer on the
buyer profile; the app records them and gives the document to put there."""

import html
from io import BytesIO

import pytest
from django.urls import reverse
from docx import Document

from procurement.tenders.enums import TenderState
from procurement.tenders.models import Tender
from procurement.tenders.services.transitions import tender_transition
from tests.clock import DEMO_NOW
from tests.tenders.factories import LotFactory, TenderFactory
from tests.vendors.factories import VendorFactory

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode())


def ask(tender, client, vendor, question: str, asked_at: str):
    client.post(reverse("tenders:question-create", args=[tender.reference]),
                {"text": question, "asked_at": asked_at, "asked_by": vendor.pk})
    return tender.questions.get(text=question)


@pytest.mark.freeze_time(DEMO_NOW)
def test_an_answer_is_said_to_be_published_by_the_buyer_not_sent_to_the_candidates(client_for, buyer):
    tender = TenderFactory(published=True)
    client = client_for(buyer)
    question = ask(tender, client, VendorFactory(name="Bibliovox"), "Les licences sont-elles simultanées ?",
                   "2026-11-24T10:00")
    response = client.post(reverse("tenders:question-answer", args=[tender.reference, question.pk]),
                           {f"reponse-{question.pk}-answer": "Oui, trois accès simultanés par titre."}, follow=True)
    page = text(response)
    assert "communiquée à tous les candidats" not in page
    assert ("La réponse a été enregistrée. Elle n'est envoyée à personne : publiez-la sur votre profil "
            "d'acheteur, par exemple en y déposant le document « Questions et réponses » (.docx)") in page
    assert "l'application ne les envoie à personne" in page
    assert reverse("tenders:questions-answers", args=[tender.reference]) in page


@pytest.mark.freeze_time(DEMO_NOW)
def test_the_questions_and_answers_document_holds_every_answer_and_names_no_candidate(client_for, buyer):
    tender = TenderFactory(published=True, object="Bouquet de livres numériques pour les médiathèques")
    client = client_for(buyer)
    first = ask(tender, client, VendorFactory(name="Bibliovox"), "Les licences sont-elles simultanées ?",
                "2026-11-20T10:00")
    second = ask(tender, client, VendorFactory(name="Kiosque Horizon"), "Le format EPUB 3 est-il exigé ?\n"
                 "Ou le PDF suffit-il ?", "2026-11-24T15:30")
    ask(tender, client, VendorFactory(name="Lectura"), "Question restée sans réponse ?", "2026-11-24T16:00")
    for question, answer in ((first, "Oui, trois accès simultanés par titre."),
                             (second, "EPUB 3 ; le PDF est accepté pour les beaux livres.")):
        client.post(reverse("tenders:question-answer", args=[tender.reference, question.pk]),
                    {f"reponse-{question.pk}-answer": answer})

    response = client.get(reverse("tenders:questions-answers", args=[tender.reference]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert response["Content-Disposition"] == f'attachment; filename="questions-reponses-{tender.reference}.docx"'
    paragraphs = [p.text for p in Document(BytesIO(response.content)).paragraphs]
    assert paragraphs[0] == f"Consultation {tender.reference} — questions et réponses"
    assert "Date limite de réception des offres : vendredi 8 janvier 2027 à 12:00." in paragraphs
    assert paragraphs[paragraphs.index("Question n° 1 — reçue le vendredi 20 novembre 2026") + 1] == \
        "Les licences sont-elles simultanées ?"
    assert "Réponse du mercredi 25 novembre 2026" in paragraphs
    assert "Oui, trois accès simultanés par titre." in paragraphs
    assert "Le format EPUB 3 est-il exigé ?\nOu le PDF suffit-il ?" in paragraphs
    assert "EPUB 3 ; le PDF est accepté pour les beaux livres." in paragraphs
    whole = "\n".join(paragraphs)
    assert "Question restée sans réponse" not in whole
    assert "Question n° 3" not in whole
    for name in ("Bibliovox", "Kiosque Horizon", "Lectura"):
        assert name not in whole


def test_an_evaluator_cannot_download_the_questions_and_answers(client_for, evaluator):
    tender = TenderFactory(published=True)
    assert client_for(evaluator).get(reverse("tenders:questions-answers", args=[tender.reference])).status_code \
        == 403


def test_publishing_is_marking_published_and_says_the_app_sends_nothing(client_for, buyer):
    from freezegun import freeze_time

    lot = LotFactory(criteria=True, prices=True)
    tender = tender_transition(tender=lot.tender, name="mark_ready", by=buyer)
    client = client_for(buyer)
    with freeze_time("2026-12-01 09:00"):
        page = text(client.get(reverse("tenders:detail", args=[tender.reference])))
        assert '<button type="submit" class="button" aria-describedby="aide-publish">Marquer publiée</button>' in page
        assert ">Publier<" not in page
        assert ("L'application n'envoie rien : publiez l'avis et le DCE sur votre profil d'acheteur (et dans "
                "les journaux que demande l'avis de procédure), puis marquez la consultation publiée") in page
        response = client.post(reverse("tenders:transition", args=[tender.reference, "publish"]), follow=True)
    assert Tender.objects.get(pk=tender.pk).state == TenderState.PUBLISHED
    page = text(response)
    assert "« Marquer publiée » : la consultation est maintenant « Publiée »." in page
    assert '<p class="message message--info">L\'application n\'envoie rien' in page
