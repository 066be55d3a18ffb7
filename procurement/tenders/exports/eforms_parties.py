"""The parties of an eForms notice: the organisations (the buyer, the review body, the winners) and the
contracting party, the buyer."""

from procurement.tenders.exports.eforms_xml import LANGUAGE, NS, org_ref, sub
from procurement.tenders.rules.eforms import country_alpha3
from procurement.tenders.rules.nuts import nuts_of_postal_code

BUYER, REVIEW_BODY = "ORG-0001", "ORG-0002"
# Code list of the SDK: buyer-legal-type.
BUYER_LEGAL_TYPE = {"region": "ra", "department": "ra"}


def vendor_nuts(vendor) -> str:
    """A vendor's NUTS 3 code, derived from its postal code in France; ``""`` elsewhere."""
    return nuts_of_postal_code(vendor.postal_code) if (vendor.country or "FR").upper() == "FR" else ""


class PartiesPart:
    """The organisations and the contracting party of a ``NoticeDocument`` (its ``tender``, ``authority``,
    ``winners`` and their ``vendor_orgs``)."""

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
        org_ref(party, "cac:Party", BUYER)
