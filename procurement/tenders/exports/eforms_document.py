"""The XML of an eForms notice (SDK 1.15), element by element after the SDK's example notices
``cn_24_open.xml`` and ``can_24_minimal.xml``: ``NoticeDocument`` writes a tender's contract notice or
contract award notice, its parts written by ``eforms_parties`` (organisations), ``eforms_lots`` (the
project and its lots) and ``eforms_result`` (the award's result) over the primitives of ``eforms_xml``.
Whether a notice may be written, and its validation, are ``exports.eforms``' business."""


from datetime import datetime, time

from django.utils import timezone
from lxml import etree

from procurement.tenders.enums import LotState
from procurement.tenders.exports.eforms_lots import LotsPart
from procurement.tenders.exports.eforms_parties import PartiesPart
from procurement.tenders.exports.eforms_result import ResultPart
from procurement.tenders.exports.eforms_xml import LANGUAGE, NS, eforms_extension, sub, xml_date, xml_time
from procurement.tenders.rules.eforms import AWARD_NOTICE, CONTRACT_NOTICE, SUBTYPES

ROOTS = {
    CONTRACT_NOTICE: ("urn:oasis:names:specification:ubl:schema:xsd:ContractNotice-2", "ContractNotice",
                      "UBL-ContractNotice-2.3.xsd"),
    AWARD_NOTICE: ("urn:oasis:names:specification:ubl:schema:xsd:ContractAwardNotice-2", "ContractAwardNotice",
                   "UBL-ContractAwardNotice-2.3.xsd"),
}


def issue_moment(tender, notice: str, now: datetime) -> datetime:
    """When the notice is issued (BT-05): a contract notice already sent to the Publications Office keeps
    the day it was sent (``notice_sent_on``; the app keeps no hour: noon), any other notice is issued now."""
    if notice == CONTRACT_NOTICE and tender.notice_sent_on:
        return timezone.make_aware(datetime.combine(tender.notice_sent_on, time(12)), now.tzinfo)
    return now


class NoticeDocument(PartiesPart, LotsPart, ResultPart):
    def __init__(self, tender, notice: str, now: datetime):
        self.tender, self.notice, self.now = tender, notice, now
        self.authority = tender.programme.authority
        self.lots = list(tender.lots.all())
        self.contracts = getattr(tender, "notice_contracts", {})
        # The winners are named in the award notice only.
        self.winners = [lot.winner for lot in self.lots if lot.state == LotState.AWARDED and lot.winner_id
                        and notice == AWARD_NOTICE]
        vendors = []
        for bid in self.winners:
            if bid.vendor not in vendors:
                vendors.append(bid.vendor)
        self.vendor_orgs = {vendor.pk: f"ORG-{index:04d}" for index, vendor in enumerate(vendors, start=3)}

    def build(self):
        namespace, root_name, _schema = ROOTS[self.notice]
        root = etree.Element(f"{{{namespace}}}{root_name}", nsmap={None: namespace, **NS})
        extension = eforms_extension(root)
        if self.notice == AWARD_NOTICE:
            self.notice_result(extension)
        sub(sub(extension, "efac:NoticeSubType"), "cbc:SubTypeCode", SUBTYPES[self.notice],
            listName="notice-subtype")
        self.organizations(sub(extension, "efac:Organizations"))
        tender = self.tender
        sub(root, "cbc:UBLVersionID", "2.3")
        sub(root, "cbc:CustomizationID", "eforms-sdk-1.15")
        notice_id = tender.contract_notice_uuid if self.notice == CONTRACT_NOTICE else tender.award_notice_uuid
        sub(root, "cbc:ID", str(notice_id), schemeName="notice-id")
        sub(root, "cbc:ContractFolderID", str(tender.procedure_uuid))
        issued = issue_moment(tender, self.notice, self.now)
        sub(root, "cbc:IssueDate", xml_date(issued, self.now))
        sub(root, "cbc:IssueTime", xml_time(issued))
        sub(root, "cbc:VersionID", "01")
        sub(root, "cbc:RegulatoryDomain", "32014L0024")
        if self.notice == CONTRACT_NOTICE:
            sub(root, "cbc:NoticeTypeCode", "cn-standard", listName="competition")
        else:
            sub(root, "cbc:NoticeTypeCode", "can-standard", listName="result")
        sub(root, "cbc:NoticeLanguageCode", LANGUAGE)
        self.contracting_party(sub(root, "cac:ContractingParty"))
        if self.notice == CONTRACT_NOTICE:
            terms = sub(root, "cac:TenderingTerms")
            # The exclusion grounds are those of the procurement documents; the award notice has none.
            requirement = sub(sub(terms, "cac:TendererQualificationRequest"), "cac:SpecificTendererRequirement")
            sub(requirement, "cbc:TendererRequirementTypeCode", "epo-procurement-document",
                listName="exclusion-grounds-source")
            # The RC lets a candidate answer one or several lots: as many as there are (BT-31).
            sub(sub(terms, "cac:LotDistribution"), "cbc:MaximumLotsSubmittedNumeric", str(len(self.lots)))
        process = sub(root, "cac:TenderingProcess")
        sub(process, "cbc:ProcedureCode", "open", listName="procurement-procedure-type")
        if self.notice == CONTRACT_NOTICE:
            sub(sub(process, "cac:ProcessJustification"), "cbc:ProcessReasonCode", "false",
                listName="accelerated-procedure")
        self.project(sub(root, "cac:ProcurementProject"), tender.reference, tender.object, tender.object,
                     tender.estimated_value_ht())
        for lot in self.lots:
            self.lot(sub(root, "cac:ProcurementProjectLot"), lot)
        if self.notice == AWARD_NOTICE:
            decided = [lot.decided_at for lot in self.lots if lot.decided_at]
            sub(sub(root, "cac:TenderResult"), "cbc:AwardDate", xml_date(max(decided) if decided else self.now,
                                                                       self.now))
        return root
