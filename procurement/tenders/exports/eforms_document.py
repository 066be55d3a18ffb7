"""The XML of an eForms notice (SDK 1.15), element by element after the SDK's example notices
``cn_24_open.xml`` and ``can_24_minimal.xml``: the namespaces, the building primitives and
``NoticeDocument``, which writes a tender's contract notice or contract award notice. Whether a notice may
be written, and its validation, are ``exports.eforms``' business."""


from datetime import date, datetime, time
from decimal import Decimal

from django.utils import timezone
from lxml import etree

from procurement.contracts.enums import SubcontractStatus
from procurement.tenders.enums import CriterionKind, DepositChannel, LotState, PlaceCodeType
from procurement.tenders.rules.eforms import (
    AWARD_NOTICE,
    CONTRACT_NOTICE,
    EEA,
    REVIEW_DEADLINES,
    SUBTYPES,
    country_alpha3,
)
from procurement.tenders.rules.nuts import nuts_of_place, nuts_of_postal_code
from procurement.tenders.services.document_context import OFFER_VALIDITY_DAYS

NS = {
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "ext": "urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2",
    "efac": "http://data.europa.eu/p27/eforms-ubl-extension-aggregate-components/1",
    "efbc": "http://data.europa.eu/p27/eforms-ubl-extension-basic-components/1",
    "efext": "http://data.europa.eu/p27/eforms-ubl-extensions/1",
}
ROOTS = {
    CONTRACT_NOTICE: ("urn:oasis:names:specification:ubl:schema:xsd:ContractNotice-2", "ContractNotice",
                      "UBL-ContractNotice-2.3.xsd"),
    AWARD_NOTICE: ("urn:oasis:names:specification:ubl:schema:xsd:ContractAwardNotice-2", "ContractAwardNotice",
                   "UBL-ContractAwardNotice-2.3.xsd"),
}
LANGUAGE = "FRA"
BUYER, REVIEW_BODY = "ORG-0001", "ORG-0002"
# Code lists of the SDK: buyer-legal-type, award-criterion-type, winner-selection-status.
BUYER_LEGAL_TYPE = {"region": "ra", "department": "ra"}
CRITERION_TYPE = {CriterionKind.PRICE: "price"}
LOT_RESULT = {LotState.AWARDED: "selec-w", LotState.UNSUCCESSFUL: "clos-nw", LotState.ABANDONED: "clos-nw"}


def _qname(name: str) -> str:
    prefix, local = name.split(":")
    return f"{{{NS[prefix]}}}{local}"


def sub(parent, name: str, text=None, **attributes):
    element = etree.SubElement(parent, _qname(name), {k.replace("_", ""): v for k, v in attributes.items()})
    if text is not None:
        element.text = text if isinstance(text, str) else _text(text)
    return element


def _text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return f"{value.quantize(Decimal('0.01'))}"
    return str(value)


def _offset(moment: datetime) -> str:
    offset = moment.strftime("%z")
    return f"{offset[:3]}:{offset[3:]}"


def _date(value: date | datetime, reference: datetime) -> str:
    """A date with the Paris offset, as eForms writes them (« 2024-06-21+02:00 »)."""
    if isinstance(value, datetime):
        value = timezone.localtime(value)
        return f"{value.date().isoformat()}{_offset(value)}"
    moment = timezone.make_aware(datetime(value.year, value.month, value.day, 12), reference.tzinfo)
    return f"{value.isoformat()}{_offset(moment)}"


def _time(moment: datetime) -> str:
    moment = timezone.localtime(moment)
    return f"{moment:%H:%M:%S}{_offset(moment)}"


def _org_ref(parent, name: str, org_id: str):
    holder = sub(parent, name)
    sub(sub(holder, "cac:PartyIdentification"), "cbc:ID", org_id, schemeName="organization")
    return holder


def issue_moment(tender, notice: str, now: datetime) -> datetime:
    """When the notice is issued (BT-05): a contract notice already sent to the Publications Office keeps
    the day it was sent (``notice_sent_on``; the app keeps no hour: noon), any other notice is issued now."""
    if notice == CONTRACT_NOTICE and tender.notice_sent_on:
        return timezone.make_aware(datetime.combine(tender.notice_sent_on, time(12)), now.tzinfo)
    return now


def place_of_performance(tender) -> tuple[str, str]:
    """(NUTS 3 code, « other place » code BT-727) of the tender's place of performance: a postal code, a
    commune or a département gives its département's NUTS code; a country, « anywhere in the country »;
    ("", "") for a region, wider than a NUTS 3 area (the notice is then refused)."""
    if tender.place_code_type == PlaceCodeType.COUNTRY:
        return "", "anyw-cou"
    return nuts_of_place(code_type=tender.place_code_type, code=tender.place_code), ""


def place_country(tender) -> str:
    if tender.place_code_type == PlaceCodeType.COUNTRY:
        return country_alpha3(tender.place_code)
    return "FRA"


def vendor_nuts(vendor) -> str:
    """A vendor's NUTS 3 code, derived from its postal code in France; ``""`` elsewhere."""
    return nuts_of_postal_code(vendor.postal_code) if (vendor.country or "FR").upper() == "FR" else ""


def _extension(parent):
    return sub(sub(sub(sub(parent, "ext:UBLExtensions"), "ext:UBLExtension"), "ext:ExtensionContent"),
               "efext:EformsExtension")


class NoticeDocument:
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
        extension = _extension(root)
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
        sub(root, "cbc:IssueDate", _date(issued, self.now))
        sub(root, "cbc:IssueTime", _time(issued))
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
            sub(sub(root, "cac:TenderResult"), "cbc:AwardDate", _date(max(decided) if decided else self.now,
                                                                       self.now))
        return root

    # Organisations: the buyer, the review body, the winners.
    def organizations(self, parent):
        authority = self.authority
        buyer_email = self.tender.buyer.email if self.tender.buyer_id else ""
        self.company(parent, BUYER, authority.name, authority.siret, authority.street, authority.city,
                     authority.postal_code, buyer_email, phone=authority.phone,
                     nuts=nuts_of_postal_code(authority.postal_code))
        self.company(parent, REVIEW_BODY, authority.review_body_name, "", "", authority.review_body_city,
                     authority.review_body_postal_code, "", nuts=nuts_of_postal_code(authority.review_body_postal_code))
        for bid in self.winners:
            vendor = bid.vendor
            org_id = self.vendor_orgs[vendor.pk]
            if parent.xpath("efac:Organization/efac:Company/cac:PartyIdentification/cbc:ID[text()=$id]",
                            namespaces=NS, id=org_id):
                continue
            self.company(parent, org_id, vendor.name, vendor.siret or vendor.vat_number, vendor.street,
                         vendor.city, vendor.postal_code, "", country=vendor.country or "FR",
                         nuts=vendor_nuts(vendor), size="sme" if vendor.is_sme else "large")

    def company(self, parent, org_id, name, siret, street, city, postal_code, email, country="FR", *,
                nuts="", phone="", size=""):
        company = sub(sub(parent, "efac:Organization"), "efac:Company")
        if size:  # BT-165, a winner's size: the app knows whether it is an SME
            sub(company, "efbc:CompanySizeCode", size, listName="economic-operator-size")
        sub(sub(company, "cac:PartyIdentification"), "cbc:ID", org_id, schemeName="organization")
        sub(sub(company, "cac:PartyName"), "cbc:Name", name, languageID=LANGUAGE)
        address = sub(company, "cac:PostalAddress")
        if street:
            sub(address, "cbc:StreetName", street)
        sub(address, "cbc:CityName", city)
        if postal_code:
            sub(address, "cbc:PostalZone", postal_code)
        if nuts:
            sub(address, "cbc:CountrySubentityCode", nuts, listName="nuts")
        sub(sub(address, "cac:Country"), "cbc:IdentificationCode", country_alpha3(country), listName="country")
        # The SIRET is the French organisation identifier (BT-501).
        sub(sub(company, "cac:PartyLegalEntity"), "cbc:CompanyID", siret or "non disponible",
            **({"schemeName": "SIRET"} if siret else {}))
        if email or phone:
            contact = sub(company, "cac:Contact")
            if phone:
                sub(contact, "cbc:Telephone", phone)
            if email:
                sub(contact, "cbc:ElectronicMail", email)

    def contracting_party(self, party):
        legal_type = BUYER_LEGAL_TYPE.get(self.authority.kind, "la")
        sub(sub(party, "cac:ContractingPartyType"), "cbc:PartyTypeCode", legal_type, listName="buyer-legal-type")
        sub(sub(party, "cac:ContractingActivity"), "cbc:ActivityTypeCode", "gen-pub", listName="authority-activity")
        _org_ref(party, "cac:Party", BUYER)

    def project(self, project, identifier, name, description, value, months=None):
        tender = self.tender
        sub(project, "cbc:ID", identifier, schemeName="InternalID")
        sub(project, "cbc:Name", name, languageID=LANGUAGE)
        sub(project, "cbc:Description", description, languageID=LANGUAGE)
        sub(project, "cbc:ProcurementTypeCode", tender.nature, listName="contract-nature")
        if self.notice == CONTRACT_NOTICE:
            sub(sub(project, "cac:RequestedTenderTotal"), "cbc:EstimatedOverallContractAmount", value,
                currencyID="EUR")
        sub(sub(project, "cac:MainCommodityClassification"), "cbc:ItemClassificationCode",
            tender.cpv_code.split("-")[0], listName="cpv")
        location = sub(project, "cac:RealizedLocation")
        sub(location, "cbc:Description", f"{tender.get_place_code_type_display()} {tender.place_code}",
            languageID=LANGUAGE)
        address = sub(location, "cac:Address")
        nuts, other_place = place_of_performance(tender)
        if nuts:
            sub(address, "cbc:CountrySubentityCode", nuts, listName="nuts")
        if other_place:
            sub(address, "cbc:Region", other_place)
        sub(sub(address, "cac:Country"), "cbc:IdentificationCode", place_country(tender), listName="country")
        return project

    def lot(self, element, lot):
        tender = self.tender
        sub(element, "cbc:ID", _lot_id(lot), schemeName="Lot")
        self.lot_terms(sub(element, "cac:TenderingTerms"), lot)
        process = sub(element, "cac:TenderingProcess")
        if self.notice == CONTRACT_NOTICE:
            sub(process, "cbc:SubmissionMethodCode", "required", listName="esubmission")
        sub(process, "cbc:GovernmentAgreementConstraintIndicator", True)
        if self.notice == CONTRACT_NOTICE and tender.bid_deadline:
            deadline = sub(process, "cac:TenderSubmissionDeadlinePeriod")
            sub(deadline, "cbc:EndDate", _date(tender.bid_deadline, self.now))
            sub(deadline, "cbc:EndTime", _time(tender.bid_deadline))
            opening = getattr(tender, "opening_record", None)
            if opening is not None:
                event = sub(process, "cac:OpenTenderEvent")
                sub(event, "cbc:OccurrenceDate", _date(opening.opened_at, self.now))
                sub(event, "cbc:OccurrenceTime", _time(opening.opened_at))
        sub(sub(process, "cac:AuctionTerms"), "cbc:AuctionConstraintIndicator", False)
        sub(sub(process, "cac:ContractingSystem"), "cbc:ContractingSystemTypeCode",
            "fa-wo-rc" if tender.is_framework else "none", listName="framework-agreement")
        sub(sub(process, "cac:ContractingSystem"), "cbc:ContractingSystemTypeCode", "none", listName="dps-usage")
        project = self.project(sub(element, "cac:ProcurementProject"), str(lot.number), lot.title,
                               lot.description, lot.estimated_value_ht)
        period = sub(project, "cac:PlannedPeriod")
        sub(period, "cbc:DurationMeasure", str(tender.duration_months), unitCode="MONTH")
        if self.notice == CONTRACT_NOTICE and (tender.renewals or lot.options_amount_ht):
            extension = sub(project, "cac:ContractExtension")
            if lot.options_amount_ht:
                sub(extension, "cbc:OptionsDescription",
                    f"Options et prestations supplémentaires : {_text(lot.options_amount_ht)} € HT sur toute la "
                    "durée.", languageID=LANGUAGE)
            if tender.renewals:
                sub(extension, "cbc:MaximumNumberNumeric", str(tender.renewals))
                sub(sub(sub(extension, "cac:Renewal"), "cac:Period"), "cbc:Description",
                    f"Reconductible {tender.renewals} fois par période de {tender.renewal_months} mois.",
                    languageID=LANGUAGE)

    def lot_terms(self, terms, lot):
        contract_notice = self.notice == CONTRACT_NOTICE
        sub(terms, "cbc:FundingProgramCode", "no-eu-funds", listName="eu-funded")
        if contract_notice:
            # The DCE is free on the buyer profile, at the consultation's address (BT-15).
            documents = sub(terms, "cac:CallForTendersDocumentReference")
            sub(documents, "cbc:ID", f"DCE-{self.tender.reference}")
            sub(documents, "cbc:DocumentType", "non-restricted-document")
            sub(sub(sub(documents, "cac:Attachment"), "cac:ExternalReference"), "cbc:URI",
                self.tender.buyer_profile_url)
            for list_name, code in (("reserved-procurement", "none"),
                                    ("selection-criteria-source", "epo-procurement-document")):
                requirement = sub(sub(terms, "cac:TendererQualificationRequest"), "cac:SpecificTendererRequirement")
                sub(requirement, "cbc:TendererRequirementTypeCode", code, listName=list_name)
            for list_name, code in (("reserved-execution", "no"), ("einvoicing", "required"),
                                    ("ecatalog-submission", "not-allowed")):
                sub(sub(terms, "cac:ContractExecutionRequirement"), "cbc:ExecutionRequirementCode", code,
                    listName=list_name)
        criterion_group = sub(sub(terms, "cac:AwardingTerms"), "cac:AwardingCriterion")
        for criterion in sorted((c for c in lot.criteria.all() if c.parent_id is None), key=lambda c: c.position):
            self.criterion(criterion_group, criterion)
        if contract_notice:
            # Tenders are submitted on the buyer profile (BT-18), and stay valid as long as the RC says (BT-98).
            sub(sub(terms, "cac:TenderRecipientParty"), "cbc:EndpointID", self.tender.buyer_profile_url)
            sub(sub(terms, "cac:TenderValidityPeriod"), "cbc:DurationMeasure", str(OFFER_VALIDITY_DAYS),
                unitCode="DAY")
        appeal = sub(terms, "cac:AppealTerms")
        sub(sub(appeal, "cac:PresentationPeriod"), "cbc:Description", REVIEW_DEADLINES, languageID=LANGUAGE)
        _org_ref(appeal, "cac:AppealReceiverParty", REVIEW_BODY)
        if contract_notice:
            sub(sub(terms, "cac:Language"), "cbc:ID", LANGUAGE)
            post_award = sub(terms, "cac:PostAwardProcess")
            sub(post_award, "cbc:ElectronicOrderUsageIndicator", False)
            sub(post_award, "cbc:ElectronicPaymentUsageIndicator", True)

    @staticmethod
    def criterion(parent, criterion):
        element = sub(parent, "cac:SubordinateAwardingCriterion")
        weight = sub(_extension(element), "efac:AwardCriterionParameter")
        sub(weight, "efbc:ParameterCode", "per-exa", listName="number-weight")
        sub(weight, "efbc:ParameterNumeric", f"{criterion.points.normalize():f}")
        sub(element, "cbc:AwardingCriterionTypeCode", CRITERION_TYPE.get(criterion.kind, "quality"),
            listName="award-criterion-type")
        sub(element, "cbc:Name", criterion.name, languageID=LANGUAGE)
        sub(element, "cbc:Description", f"{criterion.name} : {criterion.points.normalize():f} points.",
            languageID=LANGUAGE)

    # The results: one per lot, the winning tender, its contract and its tenderer.
    def notice_result(self, extension):
        result = sub(extension, "efac:NoticeResult")
        total = sum((bid.final_amount_ht or Decimal("0") for bid in self.winners), Decimal("0"))
        sub(result, "cbc:TotalAmount", total, currencyID="EUR")
        awarded = [lot for lot in self.lots if lot.state == LotState.AWARDED and lot.winner_id]
        for lot in self.lots:
            lot_result = sub(result, "efac:LotResult")
            _ref(lot_result, "", "result", f"RES-{lot.number:04d}")
            sub(lot_result, "cbc:TenderResultCode", LOT_RESULT.get(lot.state, "open-nw"),
                listName="winner-selection-status")
            if lot in awarded:
                _ref(lot_result, "efac:LotTender", "tender", f"TEN-{lot.number:04d}")
            for code, count in received_tenders(lot.bids.all()).items():
                statistics = sub(lot_result, "efac:ReceivedSubmissionsStatistics")
                sub(statistics, "efbc:StatisticsCode", code, listName="received-submission-type")
                sub(statistics, "efbc:StatisticsNumeric", str(count))
            if lot in awarded:
                _ref(lot_result, "efac:SettledContract", "contract", f"CON-{lot.number:04d}")
            _ref(lot_result, "efac:TenderLot", "Lot", _lot_id(lot))
        # The schema wants every winning tender, then every contract, then every tendering party.
        for lot in awarded:
            tender = _ref(result, "efac:LotTender", "tender", f"TEN-{lot.number:04d}")
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
            _ref(tender, "efac:TenderingParty", "tendering-party", f"TPA-{lot.number:04d}")
            _ref(tender, "efac:TenderLot", "Lot", _lot_id(lot))
            _ref(tender, "efac:TenderReference", "", tender_reference(self.tender, lot, lot.winner))
        for lot in awarded:
            contract = _ref(result, "efac:SettledContract", "contract", f"CON-{lot.number:04d}")
            signed = self.contracts[lot.pk]
            sub(contract, "cbc:IssueDate", _date(signed.signed_on, self.now))  # BT-145, conclusion
            _ref(contract, "efac:ContractReference", "", signed.reference)  # BT-150
            _ref(contract, "efac:LotTender", "tender", f"TEN-{lot.number:04d}")
        for lot in awarded:
            party = _ref(result, "efac:TenderingParty", "tendering-party", f"TPA-{lot.number:04d}")
            _ref(party, "efac:Tenderer", "organization", self.vendor_orgs[lot.winner.vendor_id])


def _ref(parent, name: str, scheme: str, identifier: str):
    """``<name><cbc:ID schemeName=scheme>identifier</cbc:ID></name>`` (the ID alone without a name, no
    schemeName without a scheme); returns the element holding the ID."""
    holder = sub(parent, name) if name else parent
    sub(holder, "cbc:ID", identifier, **({"schemeName": scheme} if scheme else {}))
    return holder


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


def _lot_id(lot) -> str:
    return f"LOT-{lot.number:04d}"
