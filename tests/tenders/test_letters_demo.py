"""The BNM demo carries its documents: the DCE of every consultation, and for the three awarded
procedures the letters of each lot and the rapport de présentation of the formalised ones."""


import pytest

from procurement.tenders.models import DceGeneration, LetterDocument, Lot
from procurement.tenders.models.documents import LetterKind
from tests.documents.utils import docx_text

pytestmark = pytest.mark.django_db


def test_the_demo_generates_the_dce_and_the_letters(demo):
    references = set(DceGeneration.objects.values_list("tender__reference", flat=True))
    assert references == {"BNM-2023-01", "BNM-2024-01", "BNM-2024-02", "BNM-2026-01"}
    for lot in Lot.objects.filter(tender__reference__in=["BNM-2023-01", "BNM-2024-01", "BNM-2024-02"]):
        letters = LetterDocument.objects.filter(lot=lot)
        assert letters.filter(kind=LetterKind.AWARD, bid=lot.winner).exists(), lot
        others = lot.bids.exclude(pk=lot.winner_id).exclude(status="late")
        assert set(letters.filter(kind=LetterKind.REJECTION).values_list("bid", flat=True)) == set(
            others.values_list("pk", flat=True)), lot
        assert letters.filter(kind=LetterKind.RAPPORT).exists() == (lot.tender.reference != "BNM-2023-01")
    rejection = LetterDocument.objects.get(kind=LetterKind.REJECTION, lot__tender__reference="BNM-2024-02",
                                           lot__number=1)
    with rejection.file.open("rb") as handle:
        text = docx_text(handle.read())
    assert "Le marché est attribué à Lectura Prêt Numérique SAS" in text
    assert "Ce délai expire le mardi 1er octobre 2024 à minuit ; le marché pourra être signé à compter du " \
           "mercredi 2 octobre 2024." in text
