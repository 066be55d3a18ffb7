"""Helpers for the documents tests: the text of a .docx, and BNM-like tenders built with factories."""

from __future__ import annotations

import re
import zipfile
from datetime import date
from decimal import Decimal
from io import BytesIO

from procurement.tenders.enums import CriterionKind, ExecutionMode, LotState, PriceFormula, PriceType, Technique
from procurement.tenders.models import CommitteeMember, ConflictDeclaration, Lot, PriceItem, Score, Submission
from tests.factories import UserFactory
from tests.programmes.factories import AuthorityFactory, ProgrammeFactory
from tests.tenders.factories import BidFactory, CriterionFactory, LotFactory, TenderFactory
from tests.vendors.factories import VendorFactory

NBSP = "\u00a0"
LOTS = [
    ("Livres numériques et livres audio", "120000.00"),
    ("Presse en ligne", "60000.00"),
    ("Vidéo à la demande", "70000.00"),
    ("Autoformation", "50000.00"),
    ("Musique en ligne", "40000.00"),
]


def docx_text(data: bytes, part: str = "word/document.xml") -> str:
    """The visible text of a .docx part, one line per paragraph."""
    with zipfile.ZipFile(BytesIO(data)) as archive:
        xml = archive.read(part).decode("utf-8")
    xml = re.sub(r"</w:p>", "\n", xml)
    xml = re.sub(r"<w:tab/>", "\t", xml)
    text = re.sub(r"<[^>]+>", "", xml)
    return text.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&apos;", "'") \
        .replace("&quot;", '"')


def metropole():
    authority = AuthorityFactory(metropole=True, name="Métropole de Rivemont", street="1 place de la Métropole",
                                 postal_code="37100", city="Rivemont")
    return ProgrammeFactory(reference="BNM", name="Bibliothèque numérique métropolitaine", authority=authority)


def criteria(lot: Lot) -> None:
    """Price 40 (proportional), technical value 45 of which catalogue 30 and lending models 15,
    environmental performance 15."""
    CriterionFactory(lot=lot, name="Prix", kind=CriterionKind.PRICE, points=40,
                     price_formula=PriceFormula.PROPORTIONAL, position=1)
    technical = CriterionFactory(lot=lot, name="Valeur technique", kind=CriterionKind.TECHNICAL, points=45,
                                 position=2)
    CriterionFactory(lot=lot, parent=technical, name="Catalogue et nouveautés", points=30, position=1)
    CriterionFactory(lot=lot, parent=technical, name="Modèles de prêt et statistiques", points=15, position=2)
    CriterionFactory(lot=lot, name="Sobriété numérique et hébergement", kind=CriterionKind.ENVIRONMENTAL,
                     points=15, position=3)


def framework_tender(*, lots: int = 2, reference: str = "BNM-2024-02", buyer=None, **kwargs):
    """The online-resources framework of the BNM: one year renewable three times, unit prices."""
    tender = TenderFactory(
        reference=reference, programme=metropole(), buyer=buyer, renewals=3, renewal_months=12, is_framework=True,
        object="Ressources numériques en ligne pour les bibliothèques de la Métropole",
        price_form="Unitaire", price_types=[PriceType.REVISABLE], techniques=[Technique.FRAMEWORK],
        execution_modes=[ExecutionMode.PURCHASE_ORDERS], place_code="37100", **kwargs,
    )
    for number, (title, amount) in enumerate(LOTS[:lots], start=1):
        lot = LotFactory(tender=tender, number=number, title=title, estimated_amount_ht=Decimal(amount),
                         description=f"Accès des usagers des bibliothèques : {title.lower()}.")
        criteria(lot)
        PriceItem.objects.create(lot=lot, number=f"{number}.1", label=f"Abonnement annuel — {title}", unit="an",
                                 quantity=Decimal("1"), position=1)
        PriceItem.objects.create(lot=lot, number=f"{number}.2", label="Licence de prêt à l'unité", unit="licence",
                                 quantity=Decimal("1200"), position=2)
    return tender


def awarded_lot(*, amounts=("112000.00", "118500.00", "131000.00"), procedure=None):
    """An opened framework tender whose lot 1 is awarded to the first of three compliant bids."""
    tender = framework_tender(lots=1, opened=True, **({"procedure": procedure} if procedure else {}))
    lot = tender.lots.get()
    names = ["Lectura Prêt Numérique SAS", "Kiosque Horizon", "Médiathèque & Co <SARL>"]
    bids = [BidFactory(lot=lot, compliant=True, amount_ht=Decimal(amount), vat_rate=Decimal("5.5"),
                       vendor=VendorFactory(name=name, street="12 rue des Imprimeurs", postal_code="69002",
                                            city="Lyon"))
            for name, amount in zip(names, amounts, strict=False)]
    score_by_one_evaluator(lot, bids)
    Lot.objects.filter(pk=lot.pk).update(state=LotState.AWARDED, winner=bids[0], decided_at=None,
                                         decision_reason="Offre économiquement la plus avantageuse.")
    return Lot.objects.get(pk=lot.pk), bids


# Qualitative notes of the three bids of ``awarded_lot``: with the proportional price (40, 37.81,
# 34.20) the totals are 88.40, 81.25 and 74.20.
NOTES = {"Catalogue et nouveautés": ("24.40", "22.44", "20"), "Modèles de prêt et statistiques": ("12", "11", "10"),
         "Sobriété numérique et hébergement": ("12", "10", "10")}


def score_by_one_evaluator(lot: Lot, bids: list) -> None:
    """A committee of one who declared no conflict, scored and submitted: the ranking is final."""
    evaluator = UserFactory(evaluator=True, first_name="Sophie", last_name="Lambert")
    member = CommitteeMember.objects.create(tender=lot.tender, user=evaluator, is_chair=True)
    ConflictDeclaration.objects.create(member=member, lot=lot, has_conflict=False, bidders_shown=[])
    criteria = {criterion.name: criterion for criterion in lot.criteria.all()}
    for name, values in NOTES.items():
        for bid, value in zip(bids, values, strict=False):
            Score.objects.create(lot=lot, bid=bid, criterion=criteria[name], evaluator=evaluator,
                                 value=Decimal(value), comment=f"Note sur {name.lower()}.")
    Submission.objects.create(lot=lot, evaluator=evaluator)


def sent(day: int = 15) -> date:
    return date(2026, 12, day)
