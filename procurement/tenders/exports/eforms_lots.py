"""The procurement project and the lots of an eForms notice: the place of performance, each lot's
tendering terms and process, its award criteria."""

from procurement.tenders.enums import CriterionKind, PlaceCodeType
from procurement.tenders.exports.eforms_parties import REVIEW_BODY
from procurement.tenders.exports.eforms_xml import (
    LANGUAGE,
    eforms_extension,
    lot_id,
    org_ref,
    sub,
    xml_date,
    xml_text,
    xml_time,
)
from procurement.tenders.rules.eforms import CONTRACT_NOTICE, REVIEW_DEADLINES, country_alpha3
from procurement.tenders.rules.nuts import nuts_of_place
from procurement.tenders.services.document_context import OFFER_VALIDITY_DAYS

# Code list of the SDK: award-criterion-type.
CRITERION_TYPE = {CriterionKind.PRICE: "price"}


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


class LotsPart:
    """The procurement project and the lots of a ``NoticeDocument`` (its ``tender``, ``notice`` and
    ``now``)."""

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
        sub(element, "cbc:ID", lot_id(lot), schemeName="Lot")
        self.lot_terms(sub(element, "cac:TenderingTerms"), lot)
        process = sub(element, "cac:TenderingProcess")
        if self.notice == CONTRACT_NOTICE:
            sub(process, "cbc:SubmissionMethodCode", "required", listName="esubmission")
        sub(process, "cbc:GovernmentAgreementConstraintIndicator", True)
        if self.notice == CONTRACT_NOTICE and tender.bid_deadline:
            deadline = sub(process, "cac:TenderSubmissionDeadlinePeriod")
            sub(deadline, "cbc:EndDate", xml_date(tender.bid_deadline, self.now))
            sub(deadline, "cbc:EndTime", xml_time(tender.bid_deadline))
            opening = getattr(tender, "opening_record", None)
            if opening is not None:
                event = sub(process, "cac:OpenTenderEvent")
                sub(event, "cbc:OccurrenceDate", xml_date(opening.opened_at, self.now))
                sub(event, "cbc:OccurrenceTime", xml_time(opening.opened_at))
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
                    f"Options et prestations supplémentaires : {xml_text(lot.options_amount_ht)} € HT sur toute la "
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
        org_ref(appeal, "cac:AppealReceiverParty", REVIEW_BODY)
        if contract_notice:
            sub(sub(terms, "cac:Language"), "cbc:ID", LANGUAGE)
            post_award = sub(terms, "cac:PostAwardProcess")
            sub(post_award, "cbc:ElectronicOrderUsageIndicator", False)
            sub(post_award, "cbc:ElectronicPaymentUsageIndicator", True)

    @staticmethod
    def criterion(parent, criterion):
        element = sub(parent, "cac:SubordinateAwardingCriterion")
        weight = sub(eforms_extension(element), "efac:AwardCriterionParameter")
        sub(weight, "efbc:ParameterCode", "per-exa", listName="number-weight")
        sub(weight, "efbc:ParameterNumeric", f"{criterion.points.normalize():f}")
        sub(element, "cbc:AwardingCriterionTypeCode", CRITERION_TYPE.get(criterion.kind, "quality"),
            listName="award-criterion-type")
        sub(element, "cbc:Name", criterion.name, languageID=LANGUAGE)
        sub(element, "cbc:Description", f"{criterion.name} : {criterion.points.normalize():f} points.",
            languageID=LANGUAGE)
