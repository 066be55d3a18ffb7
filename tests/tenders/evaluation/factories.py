"""Factories and a worked example for the evaluation tests (set-up straight to the database)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from io import BytesIO

import factory
from openpyxl import Workbook

from procurement.tenders.models import CommitteeMember, ConflictDeclaration, Criterion, Score, Submission
from tests.factories import UserFactory
from tests.tenders.factories import BidFactory, LotFactory, TenderFactory


class CommitteeMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommitteeMember

    tender = factory.SubFactory(TenderFactory, opened=True)
    user = factory.SubFactory(UserFactory, evaluator=True)
    is_chair = False


class DeclarationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConflictDeclaration

    member = factory.SubFactory(CommitteeMemberFactory)
    lot = factory.SubFactory(LotFactory)
    has_conflict = False
    bidders_shown = factory.LazyFunction(list)


class ScoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Score

    lot = factory.SelfAttribute("bid.lot")
    bid = factory.SubFactory(BidFactory, compliant=True)
    criterion = factory.SubFactory("tests.tenders.factories.CriterionFactory", lot=factory.SelfAttribute("..lot"))
    evaluator = factory.SubFactory(UserFactory, evaluator=True)
    value = Decimal("10")
    comment = "Offre solide sur ce point."


def criteria_of(lot) -> dict[str, Criterion]:
    return {criterion.name: criterion for criterion in lot.criteria.all()}


# Notes of LotFactory(criteria=True)'s qualitative criteria, per evaluator: Catalogue /30,
# Accompagnement /15, Performance environnementale /15.
NOTES_A = {"Catalogue": ("26", "27", "28"), "Accompagnement": ("12", "12", "12"),
           "Performance environnementale": ("8", "9", "8.5")}
NOTES_B = {"Catalogue": ("26", "26", "26"), "Accompagnement": ("13", "13", "13"),
           "Performance environnementale": ("11", "11", "11")}


@dataclass
class Example:
    lot: object
    a: object             # Lectura Numérique, 100 000 € HT: 40 + 27 + 12 + 8.5 = 87.50
    b: object             # Kiosque Horizon, 112 000 € HT: 35.71 + 26 + 13 + 11 = 85.71
    evaluators: list      # Sophie (chair), Nadia, Thomas
    members: list

    @property
    def tender(self):
        return self.lot.tender


def record_notes(lot, bid, evaluator, notes: dict[str, tuple], index: int, comment: str = "") -> None:
    criteria = criteria_of(lot)
    for name, values in notes.items():
        Score.objects.create(lot=lot, bid=bid, criterion=criteria[name], evaluator=evaluator,
                             value=Decimal(values[index]),
                             comment=comment or f"Note de {evaluator.first_name} sur {name.lower()}.")


def final_ranking(lot, *, evaluator=None, share: Decimal = Decimal("0.8")) -> CommitteeMember:
    """A real final ranking for ``lot``'s rankable bids: a committee of one (the chair, a new evaluator
    unless given) who declared no conflict, noted every bid on every qualitative criterion at ``share``
    of its points, and submitted. What the award requires, for every procedure."""
    from procurement.tenders.evaluation.selectors import is_rankable
    from procurement.tenders.evaluation.services import scorable_criteria

    evaluator = evaluator or UserFactory(evaluator=True, first_name="Sophie", last_name="Lambert")
    member = (CommitteeMember.objects.filter(tender=lot.tender, user=evaluator).first()
              or CommitteeMemberFactory(tender=lot.tender, user=evaluator, is_chair=True))
    DeclarationFactory(member=member, lot=lot)
    for bid in lot.bids.on_time():
        if is_rankable(bid):
            for criterion in scorable_criteria(lot).values():
                Score.objects.create(lot=lot, bid=bid, criterion=criterion, evaluator=evaluator,
                                     value=(criterion.points * share).quantize(Decimal("0.01")),
                                     comment="Note de la commission.")
    Submission.objects.create(lot=lot, evaluator=evaluator)
    return member


def worked_example(*, submitted: int = 3, tender=None) -> Example:
    """An opened tender, a lot priced 40 (proportional) / technique 45 / environment 15, two
    compliant bids, a committee of three who declared no conflict and scored; the first
    ``submitted`` evaluators have submitted."""
    tender = tender or TenderFactory(opened=True)
    lot = LotFactory(tender=tender, criteria=True)
    a = BidFactory(lot=lot, compliant=True, vendor__name="Lectura Numérique", amount_ht=Decimal("100000.00"))
    b = BidFactory(lot=lot, compliant=True, vendor__name="Kiosque Horizon", amount_ht=Decimal("112000.00"))
    names = [("sophie", "Sophie", "Lambert"), ("nadia", "Nadia", "Benali"), ("thomas", "Thomas", "Girard")]
    evaluators = [UserFactory(username=u, first_name=f, last_name=last, evaluator=True) for u, f, last in names]
    members = [CommitteeMemberFactory(tender=tender, user=user, is_chair=index == 0)
               for index, user in enumerate(evaluators)]
    for index, (user, member) in enumerate(zip(evaluators, members, strict=True)):
        DeclarationFactory(member=member, lot=lot)
        record_notes(lot, a, user, NOTES_A, index)
        record_notes(lot, b, user, NOTES_B, index)
        if index < submitted:
            Submission.objects.create(lot=lot, evaluator=user)
    return Example(lot=lot, a=a, b=b, evaluators=evaluators, members=members)


# Nine lines, rows 6 to 14: quantity and unit price.
LINES = [("1", "10", "120.50"), ("2", "4", "80"), ("3", "12", "15.25"), ("4", "1", "1500"), ("5", "30", "9.90"),
         ("6", "2", "450"), ("7", "5", "60"), ("8", "100", "1.20"), ("9", "3", "210")]


def workbook(prices: dict[str, object] | None = None, sheet: str = "Lot 2") -> BytesIO:
    book = Workbook()
    page = book.active
    page.title = sheet
    page["A1"], page["A2"] = "BPU / DQE — TST-2026-001", "Lot 2 — Presse en ligne"
    page.append([])
    for index, (number, quantity, price) in enumerate(LINES):
        row = 6 + index
        page[f"A{row}"], page[f"B{row}"], page[f"C{row}"] = number, f"Prestation {number}", "unité"
        page[f"D{row}"] = float(quantity)
        value = (prices or {}).get(number, float(price))
        if value is not None:
            page[f"E{row}"] = value
        page[f"F{row}"] = f"=D{row}*E{row}"
    page["E15"], page["F15"] = "Total HT", "=SUM(F6:F14)"
    buffer = BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer
