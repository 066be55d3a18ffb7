"""The result of an eForms award notice: one result per lot, the winning tenders, their contracts and
their tendering parties, the tenders received."""

from decimal import Decimal

from procurement.contracts.enums import SubcontractStatus
from procurement.tenders.enums import DepositChannel, LotState
from procurement.tenders.exports.eforms_xml import id_ref, lot_id, sub, xml_date
from procurement.tenders.rules.eforms import EEA

# Code list of the SDK: winner-selection-status.
LOT_RESULT = {LotState.AWARDED: "selec-w", LotState.UNSUCCESSFUL: "clos-nw", LotState.ABANDONED: "clos-nw"}


class ResultPart:
    """The notice result of a ``NoticeDocument`` (its ``tender``, ``lots``, ``winners``, their
    ``vendor_orgs``, the ``contracts`` signed and ``now``)."""

    # The results: one per lot, the winning tender, its contract and its tenderer.
    def notice_result(self, extension):
        result = sub(extension, "efac:NoticeResult")
        total = sum((bid.final_amount_ht or Decimal("0") for bid in self.winners), Decimal("0"))
        sub(result, "cbc:TotalAmount", total, currencyID="EUR")
        awarded = [lot for lot in self.lots if lot.state == LotState.AWARDED and lot.winner_id]
        for lot in self.lots:
            lot_result = sub(result, "efac:LotResult")
            id_ref(lot_result, "", "result", f"RES-{lot.number:04d}")
            sub(lot_result, "cbc:TenderResultCode", LOT_RESULT.get(lot.state, "open-nw"),
                listName="winner-selection-status")
            if lot in awarded:
                id_ref(lot_result, "efac:LotTender", "tender", f"TEN-{lot.number:04d}")
            for code, count in received_tenders(lot.bids.all()).items():
                statistics = sub(lot_result, "efac:ReceivedSubmissionsStatistics")
                sub(statistics, "efbc:StatisticsCode", code, listName="received-submission-type")
                sub(statistics, "efbc:StatisticsNumeric", str(count))
            if lot in awarded:
                id_ref(lot_result, "efac:SettledContract", "contract", f"CON-{lot.number:04d}")
            id_ref(lot_result, "efac:TenderLot", "Lot", lot_id(lot))
        # The schema wants every winning tender, then every contract, then every tendering party.
        for lot in awarded:
            tender = id_ref(result, "efac:LotTender", "tender", f"TEN-{lot.number:04d}")
            sub(tender, "cbc:RankCode", "1")
            sub(sub(tender, "cac:LegalMonetaryTotal"), "cbc:PayableAmount", lot.winner.final_amount_ht,
                currencyID="EUR")
            signed = self.contracts.get(lot.pk)
            # BT-773: subcontracting declared (DC4) for the contract signed from this tender, or none.
            declared = signed is not None and any(subcontract.status != SubcontractStatus.REFUSED
                                                  for subcontract in signed.subcontracts.all())
            subcontracting = sub(tender, "efac:SubcontractingTerm")
            sub(subcontracting, "efbc:TermCode", "yes" if declared else "no", listName="applicability")
            if declared:  # its share is kept TTC per subcontract, not as the notice states it (BT-730, BT-731)
                sub(subcontracting, "efbc:PercentageKnownIndicator", False)
                sub(subcontracting, "efbc:ValueKnownIndicator", False)
            id_ref(tender, "efac:TenderingParty", "tendering-party", f"TPA-{lot.number:04d}")
            id_ref(tender, "efac:TenderLot", "Lot", lot_id(lot))
            id_ref(tender, "efac:TenderReference", "", tender_reference(self.tender, lot, lot.winner))
        for lot in awarded:
            contract = id_ref(result, "efac:SettledContract", "contract", f"CON-{lot.number:04d}")
            signed = self.contracts[lot.pk]
            sub(contract, "cbc:IssueDate", xml_date(signed.signed_on, self.now))  # BT-145, conclusion
            id_ref(contract, "efac:ContractReference", "", signed.reference)  # BT-150
            id_ref(contract, "efac:LotTender", "tender", f"TEN-{lot.number:04d}")
        for lot in awarded:
            party = id_ref(result, "efac:TenderingParty", "tendering-party", f"TPA-{lot.number:04d}")
            id_ref(party, "efac:Tenderer", "organization", self.vendor_orgs[lot.winner.vendor_id])


def tender_reference(tender, lot, bid) -> str:
    """The tender's identifier (BT-3201): the consultation, the lot and the bid's number in the app."""
    return f"{tender.reference}-L{lot.number}-O{bid.pk}"


def received_tenders(bids) -> dict[str, int]:
    """The counts of tenders received for a lot (BT-759, by type BT-760), from the registered bids: all,
    from SMEs and from the others, from another EEA country than France and from outside the EEA, and
    those deposited electronically."""
    bids = list(bids)
    countries = [(bid.vendor.country or "FR").upper() for bid in bids]
    return {
        "tenders": len(bids),
        "t-sme": sum(1 for bid in bids if bid.vendor.is_sme),
        "t-large": sum(1 for bid in bids if not bid.vendor.is_sme),
        "t-oth-eea": sum(1 for country in countries if country in EEA and country != "FR"),
        "t-no-eea": sum(1 for country in countries if country not in EEA),
        "t-esubm": sum(1 for bid in bids if bid.channel == DepositChannel.ELECTRONIC),
    }
