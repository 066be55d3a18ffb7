"""The building primitives of an eForms notice's XML (SDK 1.15): the namespaces, elements, values,
dates and times as eForms writes them, and the references between the notice's parts."""

from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone
from lxml import etree

NS = {
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "ext": "urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2",
    "efac": "http://data.europa.eu/p27/eforms-ubl-extension-aggregate-components/1",
    "efbc": "http://data.europa.eu/p27/eforms-ubl-extension-basic-components/1",
    "efext": "http://data.europa.eu/p27/eforms-ubl-extensions/1",
}
LANGUAGE = "FRA"


def _qname(name: str) -> str:
    prefix, local = name.split(":")
    return f"{{{NS[prefix]}}}{local}"


def sub(parent, name: str, text=None, **attributes):
    element = etree.SubElement(parent, _qname(name), {k.replace("_", ""): v for k, v in attributes.items()})
    if text is not None:
        element.text = text if isinstance(text, str) else xml_text(text)
    return element


def xml_text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return f"{value.quantize(Decimal('0.01'))}"
    return str(value)


def _offset(moment: datetime) -> str:
    offset = moment.strftime("%z")
    return f"{offset[:3]}:{offset[3:]}"


def xml_date(value: date | datetime, reference: datetime) -> str:
    """A date with the Paris offset, as eForms writes them (« 2024-06-21+02:00 »)."""
    if isinstance(value, datetime):
        value = timezone.localtime(value)
        return f"{value.date().isoformat()}{_offset(value)}"
    moment = timezone.make_aware(datetime(value.year, value.month, value.day, 12), reference.tzinfo)
    return f"{value.isoformat()}{_offset(moment)}"


def xml_time(moment: datetime) -> str:
    moment = timezone.localtime(moment)
    return f"{moment:%H:%M:%S}{_offset(moment)}"


def org_ref(parent, name: str, org_id: str):
    holder = sub(parent, name)
    sub(sub(holder, "cac:PartyIdentification"), "cbc:ID", org_id, schemeName="organization")
    return holder


def id_ref(parent, name: str, scheme: str, identifier: str):
    """``<name><cbc:ID schemeName=scheme>identifier</cbc:ID></name>`` (the ID alone without a name, no
    schemeName without a scheme); returns the element holding the ID."""
    holder = sub(parent, name) if name else parent
    sub(holder, "cbc:ID", identifier, **({"schemeName": scheme} if scheme else {}))
    return holder


def eforms_extension(parent):
    return sub(sub(sub(sub(parent, "ext:UBLExtensions"), "ext:UBLExtension"), "ext:ExtensionContent"),
               "efext:EformsExtension")


def lot_id(lot) -> str:
    return f"LOT-{lot.number:04d}"
