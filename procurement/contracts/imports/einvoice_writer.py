"""Writing small EN 16931 invoices — CII (the Factur-X EN 16931 profile), UBL 2.1 and Factur-X PDFs —
from plain values: the demo's files (fixtures/bnm/einvoices/make_einvoices.py) and the tests' are
built here, then checked against the official schemas by the reader like any received file."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import facturx
from lxml import etree
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from procurement.contracts.imports.einvoices import CII_NS, UBL_NS
from procurement.core.money import round_money

UBL_INVOICE = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
EN16931 = "urn:cen.eu:en16931:2017"


@dataclass(frozen=True)
class InvoiceSpec:
    number: str
    issued_on: date
    seller_name: str
    seller_siret: str
    buyer_name: str
    lines: list[tuple[Decimal, Decimal]]  # (VAT rate, amount HT)
    order_reference: str = ""
    contract_reference: str = ""
    description: str = "Prestations"
    # Only to build inconsistent files: a declared VAT total other than the computed one.
    declared_vat: Decimal | None = None
    extra: dict = field(default_factory=dict)

    def vat(self, rate: Decimal, amount: Decimal) -> Decimal:
        return round_money(amount * rate / 100)

    @property
    def total_ht(self) -> Decimal:
        return round_money(sum((amount for _, amount in self.lines), Decimal("0")))

    @property
    def total_vat(self) -> Decimal:
        if self.declared_vat is not None:
            return self.declared_vat
        return round_money(sum((self.vat(rate, amount) for rate, amount in self.lines), Decimal("0")))


def _money(value: Decimal) -> str:
    return f"{round_money(value):.2f}"


def _rate(value: Decimal) -> str:
    return f"{Decimal(value).normalize():f}"


class _Builder:
    def __init__(self, ns: dict):
        self.ns = ns

    def __call__(self, parent, tag: str, text: str | None = None, **attributes):
        prefix, name = tag.split(":")
        node = etree.SubElement(parent, f"{{{self.ns[prefix]}}}{name}", attributes)
        if text is not None:
            node.text = text
        return node


def cii_xml(spec: InvoiceSpec) -> bytes:
    """A CII invoice of the Factur-X EN 16931 profile: one line per VAT rate."""
    ns = dict(CII_NS)
    add = _Builder(ns)
    root = etree.Element(f"{{{ns['rsm']}}}CrossIndustryInvoice", nsmap=ns)
    context = add(root, "rsm:ExchangedDocumentContext")
    add(add(context, "ram:GuidelineSpecifiedDocumentContextParameter"), "ram:ID", EN16931)
    document = add(root, "rsm:ExchangedDocument")
    add(document, "ram:ID", spec.number)
    add(document, "ram:TypeCode", "380")
    add(add(document, "ram:IssueDateTime"), "udt:DateTimeString", spec.issued_on.strftime("%Y%m%d"), format="102")
    trade = add(root, "rsm:SupplyChainTradeTransaction")
    for number, (rate, amount) in enumerate(spec.lines, start=1):
        item = add(trade, "ram:IncludedSupplyChainTradeLineItem")
        add(add(item, "ram:AssociatedDocumentLineDocument"), "ram:LineID", str(number))
        add(add(item, "ram:SpecifiedTradeProduct"), "ram:Name", spec.description)
        price = add(add(item, "ram:SpecifiedLineTradeAgreement"), "ram:NetPriceProductTradePrice")
        add(price, "ram:ChargeAmount", _money(amount))
        add(add(item, "ram:SpecifiedLineTradeDelivery"), "ram:BilledQuantity", "1", unitCode="C62")
        settlement = add(item, "ram:SpecifiedLineTradeSettlement")
        tax = add(settlement, "ram:ApplicableTradeTax")
        add(tax, "ram:TypeCode", "VAT")
        add(tax, "ram:CategoryCode", "S")
        add(tax, "ram:RateApplicablePercent", _rate(rate))
        add(add(settlement, "ram:SpecifiedTradeSettlementLineMonetarySummation"), "ram:LineTotalAmount",
            _money(amount))
    agreement = add(trade, "ram:ApplicableHeaderTradeAgreement")
    seller = add(agreement, "ram:SellerTradeParty")
    add(seller, "ram:Name", spec.seller_name)
    add(add(seller, "ram:SpecifiedLegalOrganization"), "ram:ID", spec.seller_siret, schemeID="0002")
    add(add(seller, "ram:PostalTradeAddress"), "ram:CountryID", "FR")
    buyer = add(agreement, "ram:BuyerTradeParty")
    add(buyer, "ram:Name", spec.buyer_name)
    add(add(buyer, "ram:PostalTradeAddress"), "ram:CountryID", "FR")
    if spec.order_reference:
        add(add(agreement, "ram:BuyerOrderReferencedDocument"), "ram:IssuerAssignedID", spec.order_reference)
    if spec.contract_reference:
        add(add(agreement, "ram:ContractReferencedDocument"), "ram:IssuerAssignedID", spec.contract_reference)
    add(trade, "ram:ApplicableHeaderTradeDelivery")
    settlement = add(trade, "ram:ApplicableHeaderTradeSettlement")
    add(settlement, "ram:InvoiceCurrencyCode", "EUR")
    for rate, amount in spec.lines:
        tax = add(settlement, "ram:ApplicableTradeTax")
        add(tax, "ram:CalculatedAmount", _money(spec.vat(rate, amount)))
        add(tax, "ram:TypeCode", "VAT")
        add(tax, "ram:BasisAmount", _money(amount))
        add(tax, "ram:CategoryCode", "S")
        add(tax, "ram:RateApplicablePercent", _rate(rate))
    total = add(settlement, "ram:SpecifiedTradeSettlementHeaderMonetarySummation")
    add(total, "ram:LineTotalAmount", _money(spec.total_ht))
    add(total, "ram:TaxBasisTotalAmount", _money(spec.total_ht))
    add(total, "ram:TaxTotalAmount", _money(spec.total_vat), currencyID="EUR")
    add(total, "ram:GrandTotalAmount", _money(spec.total_ht + spec.total_vat))
    add(total, "ram:DuePayableAmount", _money(spec.total_ht + spec.total_vat))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def ubl_xml(spec: InvoiceSpec) -> bytes:
    """A UBL 2.1 invoice (PEPPOL BIS Billing 3.0 customization): one line per VAT rate."""
    ns = {None: UBL_INVOICE, **UBL_NS}
    add = _Builder(UBL_NS)
    root = etree.Element(f"{{{UBL_INVOICE}}}Invoice", nsmap=ns)
    add(root, "cbc:CustomizationID", f"{EN16931}#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0")
    add(root, "cbc:ProfileID", "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0")
    add(root, "cbc:ID", spec.number)
    add(root, "cbc:IssueDate", spec.issued_on.isoformat())
    add(root, "cbc:InvoiceTypeCode", "380")
    add(root, "cbc:DocumentCurrencyCode", "EUR")
    if spec.order_reference:
        add(add(root, "cac:OrderReference"), "cbc:ID", spec.order_reference)
    if spec.contract_reference:
        add(add(root, "cac:ContractDocumentReference"), "cbc:ID", spec.contract_reference)
    for role, name, siret in (("AccountingSupplierParty", spec.seller_name, spec.seller_siret),
                              ("AccountingCustomerParty", spec.buyer_name, "")):
        party = add(add(root, f"cac:{role}"), "cac:Party")
        address = add(party, "cac:PostalAddress")
        add(add(address, "cac:Country"), "cbc:IdentificationCode", "FR")
        entity = add(party, "cac:PartyLegalEntity")
        add(entity, "cbc:RegistrationName", name)
        if siret:
            add(entity, "cbc:CompanyID", siret, schemeID="0002")
    tax_total = add(root, "cac:TaxTotal")
    add(tax_total, "cbc:TaxAmount", _money(spec.total_vat), currencyID="EUR")
    for rate, amount in spec.lines:
        sub = add(tax_total, "cac:TaxSubtotal")
        add(sub, "cbc:TaxableAmount", _money(amount), currencyID="EUR")
        add(sub, "cbc:TaxAmount", _money(spec.vat(rate, amount)), currencyID="EUR")
        _ubl_category(add, add(sub, "cac:TaxCategory"), rate)
    total = add(root, "cac:LegalMonetaryTotal")
    add(total, "cbc:LineExtensionAmount", _money(spec.total_ht), currencyID="EUR")
    add(total, "cbc:TaxExclusiveAmount", _money(spec.total_ht), currencyID="EUR")
    add(total, "cbc:TaxInclusiveAmount", _money(spec.total_ht + spec.total_vat), currencyID="EUR")
    add(total, "cbc:PayableAmount", _money(spec.total_ht + spec.total_vat), currencyID="EUR")
    for number, (rate, amount) in enumerate(spec.lines, start=1):
        line = add(root, "cac:InvoiceLine")
        add(line, "cbc:ID", str(number))
        add(line, "cbc:InvoicedQuantity", "1", unitCode="C62")
        add(line, "cbc:LineExtensionAmount", _money(amount), currencyID="EUR")
        item = add(line, "cac:Item")
        add(item, "cbc:Name", spec.description)
        _ubl_category(add, add(item, "cac:ClassifiedTaxCategory"), rate)
        add(add(line, "cac:Price"), "cbc:PriceAmount", _money(amount), currencyID="EUR")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _ubl_category(add, category, rate: Decimal) -> None:
    add(category, "cbc:ID", "S")
    add(category, "cbc:Percent", _rate(rate))
    add(add(category, "cac:TaxScheme"), "cbc:ID", "VAT")


def facturx_pdf(spec: InvoiceSpec) -> bytes:
    """A readable one-page PDF with the CII XML attached as Factur-X (the library checks the XSD)."""
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4, invariant=True)
    page.setTitle(f"Facture {spec.number}")
    y = 780
    for text in (f"Facture {spec.number} du {spec.issued_on:%d/%m/%Y}",
                 f"{spec.seller_name} — SIRET {spec.seller_siret}",
                 f"À : {spec.buyer_name}", f"Engagement : {spec.order_reference or spec.contract_reference}",
                 *(f"{amount:.2f} € HT à {rate} % de TVA" for rate, amount in spec.lines),
                 f"Total HT {spec.total_ht:.2f} € — TVA {spec.total_vat:.2f} €"):
        page.drawString(60, y, text)
        y -= 20
    page.showPage()
    page.save()
    return facturx.generate_from_binary(buffer.getvalue(), cii_xml(spec), flavor="factur-x", level="en16931",
                                        check_schematron=False)
