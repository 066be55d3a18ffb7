"""The grown tenders: each with its lots, criteria, bids, opening and decisions, the rows of a chunk of them
saved together; the contracts and invoices that follow are ``ContractsPart``'s and ``InvoicesPart``'s."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import models

from procurement.contracts.models import (
    Amendment,
    Contract,
    ContractRenewal,
    IndexSeries,
    Invoice,
    InvoiceLine,
    PriceRevision,
    PriceRevisionClause,
    PurchaseOrder,
    RenewalDecision,
)
from procurement.core.money import round_money
from procurement.demo.loaders.scale.common import DAY, HUNDRED, TENDER_PREFIX, THEMES, at, money, spread
from procurement.demo.loaders.scale.contracts import ContractsPart
from procurement.demo.loaders.scale.invoices import InvoicesPart
from procurement.tenders.enums import (
    BidStatus,
    Ccag,
    CriterionKind,
    LotState,
    Nature,
    PriceFormula,
    Procedure,
    TenderState,
)
from procurement.tenders.models import Bid, Criterion, Lot, OpeningRecord, Tender, TransitionLog

if TYPE_CHECKING:
    from procurement.demo.loaders.scale.grower import Grower

SUBJECTS = {
    Nature.SUPPLIES: [("Fourniture de mobilier", "39100000-3"), ("Fourniture de postes informatiques", "30213000-5"),
                      ("Acquisition de livres", "22113000-5"), ("Fourniture de véhicules", "34100000-8")],
    Nature.SERVICES: [("Maintenance des équipements", "50300000-8"), ("Prestations informatiques", "72000000-5"),
                      ("Nettoyage des locaux", "90910000-9"), ("Ressources numériques", "48000000-8")],
    Nature.WORKS: [("Travaux de réhabilitation", "45000000-7"), ("Travaux de voirie", "45233140-2"),
                   ("Rénovation énergétique", "45331000-6")],
}
CCAG = {Nature.SUPPLIES: Ccag.SUPPLIES_SERVICES, Nature.SERVICES: Ccag.SUPPLIES_SERVICES, Nature.WORKS: Ccag.WORKS}


@dataclass
class TenderContext:
    buyers: list[int]
    finance: int | None
    vendors: list[int]
    lines: dict[int, dict[str, list[int]]]
    programmes: list[int]
    series: IndexSeries | None
    authorisation: int | None


@dataclass
class Batch:
    """The rows of a chunk of tenders, saved model by model in an order the foreign keys accept."""

    rows: dict[type[models.Model], list[models.Model]] = field(default_factory=dict)

    ORDER = (Tender, Lot, Criterion, Bid, OpeningRecord, TransitionLog, Contract, ContractRenewal, RenewalDecision,
             PriceRevisionClause, PriceRevision, Amendment, PurchaseOrder, Invoice, InvoiceLine)
    NAMES = {Tender: "tenders", Lot: "lots", Criterion: "criteria", Bid: "bids", OpeningRecord: "opening_records",
             TransitionLog: "transition_logs", Contract: "contracts", ContractRenewal: "renewals",
             RenewalDecision: "renewal_decisions", PriceRevisionClause: "revision_clauses",
             PriceRevision: "price_revisions", Amendment: "amendments", PurchaseOrder: "orders",
             Invoice: "invoices", InvoiceLine: "invoice_lines"}

    def add(self, row: models.Model) -> models.Model:
        self.rows.setdefault(type(row), []).append(row)
        return row

    def save(self, grower: Grower) -> None:
        for model in self.ORDER:
            if self.rows.get(model):
                grower.save(model, self.rows[model], self.NAMES[model])


class TenderMaker(ContractsPart, InvoicesPart):
    """One grown tender and what followed it: lots, criteria, bids, the opening, the decisions, and for
    each awarded lot its contract with renewals, revisions, amendments, orders and invoices."""

    def __init__(self, grower: Grower, context: TenderContext, batch: Batch, index: int):
        self.grower, self.context, self.batch, self.index = grower, context, batch, index
        self.rng = grower.rng("tender", index)
        self.today = grower.today
        self.key = grower.keys

    def make(self) -> None:
        rng, today = self.rng, self.today
        span = (today - self.grower.start).days - 10
        start = self.grower.start + timedelta(days=int(spread(self.index) * span))
        nature = rng.choices([Nature.SUPPLIES, Nature.SERVICES, Nature.WORKS], weights=[35, 50, 15])[0]
        subject, cpv = rng.choice(SUBJECTS[nature])
        programme = rng.choice(self.context.programmes)
        buyer = rng.choice(self.context.buyers)
        lot_count = rng.randrange(2, 7)
        estimates = [money(rng, 15_000, 900_000) for _ in range(lot_count)]
        duration = rng.choice([12, 12, 24, 36, 48])
        renewals = rng.choice([0, 1, 2, 3]) if duration <= 24 else 0
        framework = rng.random() < 0.4
        if framework:  # four years at most, renewals included (R.2162-4)
            renewals = min(renewals, (48 - duration) // 12)
        total = sum(estimates) * (1 + renewals)
        procedure = Procedure.OPEN if (nature != Nature.WORKS and total >= 221_000) else Procedure.MAPA
        deadline = start + timedelta(days=35 if procedure == Procedure.OPEN else 21)
        opened = deadline + timedelta(days=rng.randrange(1, 8))
        decided = opened + timedelta(days=rng.randrange(20, 70))
        abandoned = rng.random() < 0.03 and deadline < today
        if start > today - timedelta(days=4):
            state = TenderState.DRAFT
        elif deadline >= today:
            state = TenderState.PUBLISHED
        elif opened > today:
            state = TenderState.CLOSED
        elif decided > today:
            state = TenderState.OPENED
        else:
            state = TenderState.COMPLETED
        if abandoned:
            state = TenderState.ABANDONED
        tender = self.batch.add(Tender(
            pk=self.key(Tender), reference=f"{TENDER_PREFIX}{start:%y}-{self.index + 1:05d}",
            programme_id=programme, object=f"{subject} — {THEMES[self.index % len(THEMES)].lower()}, "
                                           f"consultation {self.index + 1}",
            nature=nature, cpv_code=cpv, place_code="45000", duration_months=duration, renewals=renewals,
            renewal_months=12, is_framework=framework, procedure=procedure, consultation_start=start,
            notice_sent_on=start if state != TenderState.DRAFT else None,
            bid_deadline=at(deadline, 12), content_changed_at=at(start - timedelta(days=2)), ccag=CCAG[nature],
            state=state, buyer_id=buyer,
            abandon_reason="Besoin redéfini : la consultation est relancée." if abandoned else ""))
        self.log(tender, start, state, deadline, opened, decided, buyer)
        sealed = state in (TenderState.PUBLISHED, TenderState.CLOSED)
        with_bids = state in (TenderState.PUBLISHED, TenderState.CLOSED, TenderState.OPENED, TenderState.COMPLETED,
                              TenderState.ABANDONED) and not (state == TenderState.ABANDONED and rng.random() < 0.5)
        if state in (TenderState.OPENED, TenderState.COMPLETED):
            self.batch.add(OpeningRecord(pk=self.key(OpeningRecord), tender_id=tender.pk, opened_at=at(opened),
                                         opened_by_id=buyer, attendees="L'acheteur, le président de la CAO."))
        for number, estimate in enumerate(estimates, start=1):
            self.lot(tender, number, estimate, sealed=sealed, with_bids=with_bids, deadline=deadline, opened=opened,
                     decided=decided, buyer=buyer, nature=nature)

    def log(self, tender: Tender, start: date, state: str, deadline: date, opened: date, decided: date,
            buyer: int) -> None:
        steps = [("mark_ready", TenderState.DRAFT, TenderState.READY, start - timedelta(days=2)),
                 ("publish", TenderState.READY, TenderState.PUBLISHED, start),
                 ("close", TenderState.PUBLISHED, TenderState.CLOSED, deadline + DAY),
                 ("open_bids", TenderState.CLOSED, TenderState.OPENED, opened),
                 ("complete", TenderState.OPENED, TenderState.COMPLETED, decided)]
        for name, source, target, day in steps:
            if day > self.today or state == TenderState.DRAFT:
                break
            self.batch.add(TransitionLog(pk=self.key(TransitionLog), tender_id=tender.pk, transition=name,
                                         source=source, target=target, by_id=buyer, at=at(day, 9)))

    def lot(self, tender: Tender, number: int, estimate: Decimal, *, sealed: bool, with_bids: bool, deadline: date,
            opened: date, decided: date, buyer: int, nature: str) -> None:
        rng = self.rng
        lot_pk = self.key(Lot)
        title = f"Lot {number} — {tender.object[:60]}"
        price_points = Decimal(rng.choice([40, 50, 60]))
        self.batch.add(Criterion(pk=self.key(Criterion), lot_id=lot_pk, name="Prix", kind=CriterionKind.PRICE,
                                 points=price_points, position=1, price_formula=PriceFormula.PROPORTIONAL))
        self.batch.add(Criterion(pk=self.key(Criterion), lot_id=lot_pk, name="Valeur technique",
                                 kind=CriterionKind.TECHNICAL, points=HUNDRED - price_points, position=2))
        bids = []
        if with_bids:
            vat = Decimal("5.5") if "livres" in tender.object else Decimal("20")
            count = min(len(self.context.vendors), rng.choice([1, 2, 2, 2, 3, 3]))
            for vendor in rng.sample(self.context.vendors, count):
                received = deadline - timedelta(days=rng.randrange(1, 15))
                if received > self.today:
                    continue
                status = BidStatus.RECEIVED if sealed else rng.choices(
                    [BidStatus.COMPLIANT, BidStatus.IRREGULAR, BidStatus.INAPPROPRIATE], weights=[85, 10, 5])[0]
                bids.append(self.batch.add(Bid(
                    pk=self.key(Bid), lot_id=lot_pk, vendor_id=vendor, received_at=at(received, rng.randrange(8, 18)),
                    status=status, exclusion_declaration=True, admissible=None if sealed else True,
                    amount_ht=None if sealed else round_money(estimate * Decimal(rng.uniform(0.8, 1.25))),
                    vat_rate=None if sealed else vat, recorded_by_id=None if sealed else buyer)))
        decision = {}
        winner = None
        if tender.state == TenderState.COMPLETED:
            compliant = [bid for bid in bids if bid.status == BidStatus.COMPLIANT]
            if compliant and rng.random() < 0.47:
                winner = min(compliant, key=lambda bid: bid.amount_ht)
                decision = {"state": LotState.AWARDED, "winner_id": winner.pk,
                            "decision_reason": "Offre économiquement la plus avantageuse."}
            elif rng.random() < 0.7:
                decision = {"state": LotState.UNSUCCESSFUL, "decision_reason": "Aucune offre appropriée."}
            else:
                decision = {"state": LotState.ABANDONED, "decision_reason": "Besoin abandonné."}
            decision["decided_at"] = at(decided, 11)
        elif tender.state == TenderState.ABANDONED:
            decision = {"state": LotState.ABANDONED, "decision_reason": "Consultation déclarée sans suite."}
        lot = self.batch.add(Lot(
            pk=lot_pk, tender_id=tender.pk, number=number, title=title, estimated_amount_ht=estimate,
            options_amount_ht=round_money(estimate / 10) if rng.random() < 0.2 else Decimal("0"), **decision))
        if winner is not None:
            self.contract(tender, lot, winner, decided=decided, buyer=buyer, nature=nature)
