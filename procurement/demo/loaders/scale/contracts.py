"""The contract of each awarded lot of a grown tender: its state and calendar (renewals carried out, decisions,
end), price revisions, an amendment now and then, and a framework's purchase orders with their invoices."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from procurement.contracts.enums import (
    AmendmentBasis,
    ContractState,
    GuaranteeKind,
    MaintenanceStart,
    RenewalDecisionKind,
    RenewalMode,
)
from procurement.contracts.models import (
    Amendment,
    Contract,
    ContractRenewal,
    PriceRevision,
    PriceRevisionClause,
    PurchaseOrder,
    RenewalDecision,
)
from procurement.contracts.rules import schedule
from procurement.core.money import round_money
from procurement.demo.loaders.scale.common import TENDER_PREFIX
from procurement.programmes.enums import BudgetSection
from procurement.tenders.enums import Nature
from procurement.tenders.models import Bid, Lot, Tender


class ContractsPart:
    """The contracts of a ``TenderMaker`` (its ``rng``, ``today``, ``key``, ``context``, ``batch`` and ``index``;
    the invoices are ``InvoicesPart``'s)."""

    def contract(self, tender: Tender, lot: Lot, winner: Bid, *, decided: date, buyer: int, nature: str) -> None:
        rng, today = self.rng, self.today
        lines = self.context.lines.get(tender.programme_id, {})
        section = BudgetSection.OPERATING if nature == Nature.SERVICES else BudgetSection.INVESTMENT
        choices = lines.get(section) or [pk for pks in lines.values() for pk in pks]
        renewal_mode = RenewalMode.NONE if not tender.renewals else (
            RenewalMode.TACIT if rng.random() < 0.7 else RenewalMode.EXPRESS)
        signed = decided + timedelta(days=rng.randrange(12, 30))
        transmitted = signed + timedelta(days=2) if winner.amount_ht >= 216_000 else None
        notified = (transmitted or signed) + timedelta(days=rng.randrange(2, 8))
        start = notified + timedelta(days=rng.randrange(0, 30))
        fields = {
            "pk": self.key(Contract), "reference": f"{TENDER_PREFIX}{self.index + 1:05d}-{lot.number}",
            "lot_id": lot.pk, "title": lot.title, "holder_id": winner.vendor_id,
            "budget_line_id": rng.choice(choices) if choices else None,
            "is_framework": tender.is_framework, "vat_rate": winner.vat_rate, "start_date": start,
            "duration_months": tender.duration_months, "renewal_mode": renewal_mode, "renewal_months": 12,
            "max_renewals": tender.renewals, "notice_months": 3, "rejection_letters_sent_on": decided,
            "signature_authorisation_id": self.context.authorisation, "signatory_name": "Le Président",
            "signatory_role": "Président de la Métropole", "created_by_id": buyer, "state": ContractState.TO_SIGN}
        if tender.is_framework:
            fields["yearly_maximum_ht"] = winner.amount_ht
            fields["maximum_ht"] = round_money(winner.amount_ht * (1 + tender.renewals) * tender.duration_months / 12)
        else:
            fields["amount_ht"] = winner.amount_ht
            operating = lines.get(BudgetSection.OPERATING)
            if nature == Nature.SUPPLIES and operating and rng.random() < 0.2:
                fields.update(maintenance_yearly_ht=round_money(winner.amount_ht / 10),
                              maintenance_start=MaintenanceStart.START,
                              maintenance_budget_line_id=rng.choice(operating))
        if not tender.is_framework:  # the advance is due above 50,000 € HT: granted, or declined by the holder
            fields.update(advance_granted=True, advance_rate=Decimal("30.00")) if rng.random() < 0.3 else (
                fields.update(advance_declined=True))
        if nature == Nature.WORKS:
            fields.update(guarantee_kind=GuaranteeKind.RETENTION, retention_rate=Decimal("5.00"))
        if signed <= today:
            fields.update(state=ContractState.SIGNED, signed_on=signed)
            if transmitted and transmitted <= today:
                fields.update(state=ContractState.TRANSMITTED, transmitted_on=transmitted,
                              legality_reference=f"045-214500001-{transmitted:%Y%m%d}-{self.index:05d}-CC")
            if notified <= today:
                fields.update(state=ContractState.NOTIFIED, notified_on=notified)
        periods = schedule.periods(start=start, duration_months=tender.duration_months, renewal_months=12,
                                   renewals=tender.renewals)
        if "notified_on" not in fields:
            self.batch.add(Contract(**fields, period_end=periods[0].end))
            return
        active_until = self.calendar(fields, periods, buyer)
        contract = self.batch.add(Contract(**fields))
        if active_until < start:
            return
        if not contract.is_framework and self.context.series is not None and rng.random() < 0.3:
            self.revisions(contract, active_until)
        if rng.random() < 0.08 and start + timedelta(days=200) <= active_until:
            self.batch.add(Amendment(
                pk=self.key(Amendment), contract_id=contract.pk, number=1, basis=AmendmentBasis.NON_SUBSTANTIAL,
                object="Ajustement des quantités", amount_change_ht=round_money(
                    (contract.amount_ht or contract.maximum_ht) * Decimal("0.03")),
                signed_on=start + timedelta(days=200), change_share=Decimal("3.00"), cumulated_share=Decimal("3.00"),
                by_id=buyer))
        if contract.is_framework:
            self.orders(contract, active_until, buyer)
        else:
            self.lump_sum_invoices(contract, active_until)

    def calendar(self, fields: dict, periods: list[schedule.Period], buyer: int) -> date:
        """Puts in ``fields`` the state, the renewals carried out up to today and the calendar, adds the
        renewals and the decisions; returns the last day of execution."""
        rng, today, pk = self.rng, self.today, fields["pk"]
        mode, most, notice = fields["renewal_mode"], fields["max_renewals"], fields["notice_months"]
        refused = rng.randrange(1, most + 1) if most and rng.random() < 0.2 else None
        count, current, ended = 0, periods[0], None
        for period in periods:
            current = period
            if period.end >= today:
                break
            following = period.number  # the renewal that would follow this period
            deadline = schedule.decision_deadline(end=period.end, notice_months=notice)
            if following == refused:
                self.batch.add(RenewalDecision(
                    pk=self.key(RenewalDecision), contract_id=pk, renewal_number=following,
                    decision=RenewalDecisionKind.REFUSE, decided_on=deadline - timedelta(days=15), deadline=deadline,
                    reason="Besoin couvert autrement.", by_id=buyer))
            if following > most or following == refused:
                ended = period.end
                break
            count += 1
            if mode == RenewalMode.EXPRESS:
                self.batch.add(RenewalDecision(
                    pk=self.key(RenewalDecision), contract_id=pk, renewal_number=following,
                    decision=RenewalDecisionKind.RENEW, decided_on=deadline - timedelta(days=20), deadline=deadline,
                    by_id=buyer))
            self.batch.add(ContractRenewal(pk=self.key(ContractRenewal), contract_id=pk, number=count,
                                           starts_on=periods[count].start, ends_on=periods[count].end, mode=mode,
                                           by_id=None if mode == RenewalMode.TACIT else buyer))
        fields.update(renewal_count=count, period_end=current.end)
        if ended:
            fields.update(state=ContractState.ENDED, ended_on=ended)
            return ended
        fields["state"] = ContractState.RENEWED if count else ContractState.NOTIFIED
        if rng.random() < 0.02 and today - timedelta(days=30) > fields["start_date"]:
            fields.update(state=ContractState.TERMINATED, terminated_on=today - timedelta(days=30),
                          termination_reason="Résiliation pour motif d'intérêt général.")
            return fields["terminated_on"]
        if mode != RenewalMode.NONE and count < most:
            deadline = schedule.decision_deadline(end=current.end, notice_months=notice)
            if count + 1 == refused and deadline - timedelta(days=15) <= today:
                self.batch.add(RenewalDecision(
                    pk=self.key(RenewalDecision), contract_id=pk, renewal_number=count + 1,
                    decision=RenewalDecisionKind.REFUSE, decided_on=deadline - timedelta(days=15),
                    deadline=deadline, reason="Besoin couvert autrement.", by_id=buyer))
            else:
                fields["renewal_deadline"] = deadline
        return today

    def revisions(self, contract: Contract, until: date) -> None:
        series = self.context.series
        base_month = contract.start_date.replace(day=1)
        self.batch.add(PriceRevisionClause(
            pk=self.key(PriceRevisionClause), contract_id=contract.pk, series_id=series.pk, base_month=base_month,
            index_lag_months=3, fixed_part=Decimal("0.1500"), base_price_ht=contract.amount_ht, every_months=12))
        base_index = Decimal("100.0000")
        for step, day in enumerate(schedule.anniversaries(start=contract.start_date, until=until), start=1):
            index = (base_index * Decimal("1.025") ** step).quantize(Decimal("0.0001"))
            raw = Decimal("0.15") + Decimal("0.85") * index / base_index
            coefficient = raw.quantize(Decimal("0.0001"))
            self.batch.add(PriceRevision(
                pk=self.key(PriceRevision), contract_id=contract.pk, revision_on=day, series_code=series.code,
                base_month=base_month, index_month=(day - relativedelta(months=3)).replace(day=1),
                base_index=base_index, index=index, fixed_part=Decimal("0.1500"),
                raw_coefficient=raw.quantize(Decimal("0.0000000001")), coefficient=coefficient,
                rounding="Arrondi au plus proche, 4 décimales", base_price_ht=contract.amount_ht,
                price_ht=round_money(contract.amount_ht * coefficient)))

    def orders(self, contract: Contract, until: date, buyer: int) -> None:
        rng = self.rng
        days = (until - contract.start_date).days
        count = max(1, round(days / 365 * rng.uniform(2.8, 6.0)))
        amount = round_money(contract.yearly_maximum_ht / Decimal(8))
        dates = sorted(contract.start_date + timedelta(days=rng.randrange(0, days + 1)) for _ in range(count))
        for number, day in enumerate(dates, start=1):
            order = self.batch.add(PurchaseOrder(
                pk=self.key(PurchaseOrder), contract_id=contract.pk, number=number, ordered_on=day,
                description=f"Bon de commande n° {number}", amount_ht=amount, vat_rate=contract.vat_rate, by_id=buyer))
            parts = rng.choice([1, 2, 3, 3, 4, 5])
            for part in range(parts):
                issued = day + timedelta(days=15 + 20 * part + rng.randrange(0, 10))
                if issued > self.today:
                    break
                self.invoice(contract, issued, round_money(amount / parts), order=order)
