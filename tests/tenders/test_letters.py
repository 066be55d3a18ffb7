"""The letters of a decided lot and its rapport de présentation, from a ranking built by hand."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from procurement.documents import catalog
from procurement.documents.enums import TemplateKind
from procurement.tenders.enums import LotState, Procedure
from procurement.tenders.models import LetterDocument, Lot
from procurement.tenders.models.documents import LetterKind
from procurement.tenders.rules.deadlines import standstill
from procurement.tenders.rules.ranking import CriterionScore, LotRanking, RankedBid
from procurement.tenders.services.letters import letters_generate, rapport_presentation_generate
from tests.documents.utils import NBSP, awarded_lot, docx_text, sent

pytestmark = pytest.mark.django_db


def read(document) -> str:
    with document.file.open("rb") as handle:
        return docx_text(handle.read())


def scores(price, technical, environmental):
    return [CriterionScore(1, "Prix", Decimal("40"), Decimal(price)),
            CriterionScore(2, "Valeur technique", Decimal("45"), Decimal(technical)),
            CriterionScore(3, "Sobriété numérique et hébergement", Decimal("15"), Decimal(environmental))]


def ranking_of(lot, bids, *, final=True):
    winner, second, third = bids
    return LotRanking(lot_id=lot.pk, tender_reference="BNM-2024-02", lot_number=1, lot_title=lot.title, final=final,
                      ranked=[
                          RankedBid(winner.pk, winner.vendor.name, winner.vendor.siret, Decimal("88.40"), 1,
                                    scores("40.00", "36.40", "12.00")),
                          RankedBid(second.pk, second.vendor.name, second.vendor.siret, Decimal("81.25"), 2,
                                    scores("37.81", "33.44", "10.00")),
                          RankedBid(third.pk, third.vendor.name, third.vendor.siret, Decimal("74.20"), 3,
                                    scores("34.20", "30.00", "10.00")),
                      ])


@pytest.fixture
def awarded(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    lot, bids = awarded_lot()
    return lot, bids, ranking_of(lot, bids)


def test_standstill_of_letters_sent_on_15_december_2026_ends_on_monday_28():
    # 15 + 11 = 26 December 2026, a Saturday: the period ends on Monday 28; signing from Tuesday 29.
    window = standstill(procedure=Procedure.OPEN, sent_on=date(2026, 12, 15), bid_count=3)
    assert (window.days, window.end, window.signable_from) == (11, date(2026, 12, 28), date(2026, 12, 29))
    assert window.context()["end"] == "lundi 28 décembre 2026"
    assert window.context()["signable_from"] == "mardi 29 décembre 2026"


def test_no_standstill_for_a_single_bid_or_an_adapted_procedure():
    assert not standstill(procedure=Procedure.OPEN, sent_on=date(2026, 12, 15), bid_count=1).required
    assert not standstill(procedure=Procedure.MAPA, sent_on=date(2026, 12, 15), bid_count=3).required


def test_a_letter_not_sent_electronically_gives_16_days():
    # 15 + 16 = 31 December 2026, a Thursday; signing from Friday 1 January 2027.
    window = standstill(procedure=Procedure.OPEN, sent_on=date(2026, 12, 15), bid_count=3, electronic=False)
    assert (window.days, window.end, window.signable_from) == (16, date(2026, 12, 31), date(2027, 1, 1))


def test_the_award_letter_gives_the_longest_standstill_of_the_lot(awarded, buyer):
    lot, bids, ranking = awarded
    documents = letters_generate(lot=lot, ranking=ranking, sent_on=sent(15), by=buyer, not_electronic=[bids[2].pk])
    by_bid = {(d.kind, d.bid_id): d for d in documents}
    electronic, paper = by_bid[(LetterKind.REJECTION, bids[1].pk)], by_bid[(LetterKind.REJECTION, bids[2].pk)]
    assert (electronic.sent_electronically, electronic.standstill_end) == (True, date(2026, 12, 28))
    assert (paper.sent_electronically, paper.standstill_end, paper.signable_from) == (
        False, date(2026, 12, 31), date(2027, 1, 1))
    award = by_bid[(LetterKind.AWARD, bids[0].pk)]
    assert (award.standstill_end, award.signable_from) == (date(2026, 12, 31), date(2027, 1, 1))
    assert "Ce délai expire le jeudi 31 décembre 2026 à minuit" in read(paper)


def test_the_lot_page_records_which_letters_were_not_sent_electronically(awarded, buyer, client_for):
    lot, bids, _ranking = awarded
    client = client_for(buyer)
    page = client.get(reverse("tenders:lot-detail", args=[lot.tender.reference, lot.number])).content.decode()
    assert "Lettres de rejet envoyées autrement que par voie électronique" in page
    assert f'name="not_electronic" value="{bids[2].pk}"' in page
    url = reverse("tenders:letters-generate", args=[lot.tender.reference, lot.number])
    response = client.post(url, {"sent_on": "2026-12-15", "not_electronic": ["abc"]}, follow=True)
    assert "« Envoi autrement que par voie électronique » : choix invalide." in response.content.decode()
    response = client.post(url, {"sent_on": "2026-12-15", "not_electronic": [str(bids[0].pk)]}, follow=True)
    assert "une offre choisie n&#x27;est pas une offre rejetée de ce lot" in response.content.decode()
    assert not LetterDocument.objects.exists()
    client.post(url, {"sent_on": "2026-12-15", "not_electronic": [str(bids[2].pk)]})
    assert LetterDocument.objects.get(kind=LetterKind.REJECTION, bid=bids[2]).sent_electronically is False
    assert LetterDocument.objects.get(kind=LetterKind.REJECTION, bid=bids[1]).sent_electronically is True


def test_an_awarded_lot_gets_a_rejection_letter_per_other_bid_the_award_letter_and_the_ae(awarded, buyer):
    lot, bids, ranking = awarded
    documents = letters_generate(lot=lot, ranking=ranking, sent_on=sent(15), by=buyer)
    kinds = sorted((document.kind, document.bid_id) for document in documents)
    assert kinds == sorted([(LetterKind.REJECTION, bids[1].pk), (LetterKind.REJECTION, bids[2].pk),
                            (LetterKind.AWARD, bids[0].pk), (LetterKind.AE, bids[0].pk)])
    assert {document.version for document in documents} == {1}
    rejection = next(d for d in documents if d.bid_id == bids[1].pk)
    assert rejection.name == "BNM-2024-02_lot1_REJET_kiosque-horizon_v1.docx"
    assert (rejection.sent_on, rejection.standstill_end, rejection.signable_from) == (
        date(2026, 12, 15), date(2026, 12, 28), date(2026, 12, 29))


def test_the_rejection_letter_gives_the_scores_the_rank_the_winner_and_the_standstill(awarded, buyer):
    lot, bids, ranking = awarded
    letters_generate(lot=lot, ranking=ranking, sent_on=sent(15), by=buyer)
    text = read(LetterDocument.objects.get(kind=LetterKind.REJECTION, bid=bids[1]))
    assert "Kiosque Horizon" in text
    assert "Le mardi 15 décembre 2026" in text
    assert "Votre offre est classée au rang 2 sur 3, avec une note globale de 81,25 points sur 100" in text
    assert "Prix\n40\n37,81\n" in text
    assert "Le marché est attribué à Lectura Prêt Numérique SAS, dont l'offre obtient 88,40 points sur 100" in text
    assert f"pour un montant de 112{NBSP}000,00{NBSP}€ HT" in text
    assert "Valeur technique\n45\n36,40\n" in text
    assert "Ce délai expire le lundi 28 décembre 2026 à minuit ; le marché pourra être signé à compter du " \
           "mardi 29 décembre 2026." in text
    assert "{{" not in text and "{%" not in text


def test_a_bidder_name_with_markup_characters_is_printed_as_text(awarded, buyer):
    lot, bids, ranking = awarded
    letters_generate(lot=lot, ranking=ranking, sent_on=sent(15), by=buyer)
    text = read(LetterDocument.objects.get(kind=LetterKind.REJECTION, bid=bids[2]))
    assert "Médiathèque & Co <SARL>" in text


def test_the_award_letter_and_the_ae_write_the_amount_in_figures_and_in_words(awarded, buyer):
    lot, _, ranking = awarded
    letters_generate(lot=lot, ranking=ranking, sent_on=sent(15), by=buyer)
    award = read(LetterDocument.objects.get(kind=LetterKind.AWARD))
    assert f"112{NBSP}000,00{NBSP}€ HT (cent douze mille euros hors taxes)" in award
    assert "il vous sera adressé pour signature à compter du mardi 29 décembre 2026" in award
    ae = read(LetterDocument.objects.get(kind=LetterKind.AE))
    assert "Lectura Prêt Numérique SAS" in ae
    assert f"118{NBSP}160,00{NBSP}€" in ae  # 112 000 € HT + 5,5 % VAT
    assert "cent dix-huit mille cent soixante euros toutes taxes comprises" in ae
    assert f"5,5{NBSP}%" in ae


def test_a_bid_set_aside_before_the_ranking_gets_its_reason(awarded, buyer):
    lot, bids, ranking = awarded
    bids[2].status, bids[2].status_reason = "irregular", "Acte d'engagement non signé."
    bids[2].save()
    partial = LotRanking(**{**ranking.__dict__, "ranked": ranking.ranked[:2]})
    letters_generate(lot=lot, ranking=partial, sent_on=sent(15), by=buyer)
    text = read(LetterDocument.objects.get(kind=LetterKind.REJECTION, bid=bids[2]))
    assert "écartée avant le classement : Irrégulière — Acte d'engagement non signé." in text


def test_each_generation_of_letters_is_a_new_version(awarded, buyer):
    lot, _, ranking = awarded
    letters_generate(lot=lot, ranking=ranking, sent_on=sent(15), by=buyer)
    again = letters_generate(lot=lot, ranking=ranking, sent_on=sent(16), by=buyer)
    assert {document.version for document in again} == {2}
    assert LetterDocument.objects.filter(lot=lot, version=1).count() == 4


def test_an_abandoned_lot_gets_a_sans_suite_letter_per_bid(awarded, buyer):
    lot, _, ranking = awarded
    Lot.objects.filter(pk=lot.pk).update(state=LotState.ABANDONED, winner=None,
                                         decision_reason="Le besoin a été redéfini.")
    documents = letters_generate(lot=lot, ranking=ranking, sent_on=sent(15), by=buyer)
    assert [document.kind for document in documents] == [LetterKind.ABANDON] * 3
    text = read(documents[0])
    assert "l'acheteur a décidé de déclarer la procédure sans suite pour ce lot." in text
    assert "Motif : Le besoin a été redéfini." in text


def test_a_lot_still_evaluated_has_no_letter(awarded, buyer):
    lot, _, ranking = awarded
    Lot.objects.filter(pk=lot.pk).update(state=LotState.EVALUATING, winner=None)
    with pytest.raises(ValidationError, match="pas encore décidé"):
        letters_generate(lot=lot, ranking=ranking, sent_on=sent(15), by=buyer)
    assert not LetterDocument.objects.exists()


def test_a_ranking_of_another_lot_is_refused(awarded, buyer):
    lot, _, ranking = awarded
    other = LotRanking(**{**ranking.__dict__, "lot_id": lot.pk + 1000})
    with pytest.raises(ValidationError, match="ne concerne pas ce lot"):
        letters_generate(lot=lot, ranking=other, sent_on=sent(15), by=buyer)


def test_the_rapport_de_presentation_prints_the_ranking_and_the_choice(awarded, buyer):
    lot, _, ranking = awarded
    document = rapport_presentation_generate(lot=lot, ranking=ranking, by=buyer, on=date(2026, 12, 14))
    assert document.name == "BNM-2024-02_lot1_RAPPORT-PRESENTATION_v1.docx"
    text = read(document)
    assert "Article R.2184-1 du code de la commande publique" in text
    assert "Appel d'offres ouvert" in text
    assert "2\nKiosque Horizon\n" in text and f"118{NBSP}500,00{NBSP}€\n81,25" in text
    assert f"pour un montant de 112{NBSP}000,00{NBSP}€ HT (cent douze mille euros hors taxes)" in text
    assert "Motifs du choix : Offre économiquement la plus avantageuse." in text
    assert "Rapport établi le lundi 14 décembre 2026" in text


def test_the_letter_contexts_have_the_shape_the_catalog_documents(awarded, buyer, monkeypatch):
    lot, _, ranking = awarded
    from procurement.tenders.services import letters

    contexts, original = [], letters.render_docx
    monkeypatch.setattr(letters, "render_docx", lambda template, context: contexts.append(context)
                        or original(template, context))
    letters_generate(lot=lot, ranking=ranking, sent_on=sent(15), by=buyer)
    rapport_presentation_generate(lot=lot, ranking=ranking, by=buyer)
    marks = {"result": TemplateKind.REJECTION_LETTER, "offer": TemplateKind.AE,
             "ranking": TemplateKind.RAPPORT_PRESENTATION}
    checked = set()
    for context in contexts:
        kind = next((kind for key, kind in marks.items() if key in context), TemplateKind.AWARD_LETTER)
        assert set(context) == catalog.names(kind), kind
        assert catalog.mismatches(context, catalog.example_context(kind)) == [], kind
        checked.add(kind)
    assert len(checked) == 4


def test_the_letters_wait_for_the_final_ranking(awarded, buyer):
    lot, bids, _ = awarded
    blind = ranking_of(lot, bids, final=False)
    with pytest.raises(ValidationError, match="Le classement du lot n'est pas définitif"):
        letters_generate(lot=lot, ranking=blind, sent_on=sent(15), by=buyer)
    with pytest.raises(ValidationError, match="Le classement du lot n'est pas définitif"):
        rapport_presentation_generate(lot=lot, ranking=blind, by=buyer)
    assert not LetterDocument.objects.exists()


def test_the_evaluation_ranking_of_the_awarded_lot_is_final_with_its_totals(awarded):
    from procurement.tenders.evaluation.selectors import lot_ranking

    lot, bids, _ = awarded
    ranking = lot_ranking(lot)
    assert ranking.final
    assert [(ranked.bid_id, str(ranked.total), ranked.rank) for ranked in ranking.ranked] == [
        (bids[0].pk, "88.40", 1), (bids[1].pk, "81.25", 2), (bids[2].pk, "74.20", 3)]
