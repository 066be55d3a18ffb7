"""A tender's EU notices in eForms (SDK 1.15): the contract notice (subtype 16, open procedure under
directive 2014/24) and the contract award notice (subtype 29), mapped from the app's data after the
SDK's example notices (the XML itself is written by ``eforms_document``).

Every notice is refused, naming the business term and the app's field, while a field the SDK marks
mandatory for its subtype is empty (``rules.eforms.missing_fields``); every notice given is valid
against the SDK's XSDs (checked here before it leaves)."""

from __future__ import annotations

from datetime import datetime
from functools import cache

from django.utils import timezone
from lxml import etree

from procurement.tenders.enums import LotState
from procurement.tenders.exports.eforms_document import ROOTS, NoticeDocument
from procurement.tenders.exports.eforms_lots import place_of_performance
from procurement.tenders.exports.eforms_parties import vendor_nuts
from procurement.tenders.rules.eforms import (
    AWARD_NOTICE,
    CONTRACT_NOTICE,
    EEA,
    NOTICE_LABELS,
    OPEN_PROCEDURE,
    SDK_DIR,
    SUBTYPES,
    country_alpha3,
    missing_fields,
    notice_refusal,
)
from procurement.tenders.rules.nuts import nuts_of_postal_code


class NoticeRefused(Exception):
    """The tender cannot give this notice: its message says why, in French."""


class NoticeInvalid(Exception):
    """The notice built does not validate against the SDK's XSD (a mapping error, not the user's)."""


def notice_filename(tender, notice: str) -> str:
    return f"{tender.reference}-eforms-{notice}.xml"


def notice_availability(tender, notice: str) -> str:
    """Why the notice cannot be given now (state, procedure), in French; ``""`` when it can be asked for."""
    return notice_refusal(notice=notice, state=tender.state, state_label=tender.get_state_display().lower(),
                          procedure=tender.procedure)


def eu_notices(tender) -> list[dict]:
    """The two notices for the tender page: the open procedure's only; each with why it is not available yet."""
    if tender.procedure != OPEN_PROCEDURE:
        return []
    return [{"notice": notice, "subtype": SUBTYPES[notice], "label": NOTICE_LABELS[notice],
             "refusal": notice_availability(tender, notice)} for notice in SUBTYPES]


def eforms_notice(*, tender, notice: str, now: datetime | None = None) -> bytes:
    """The notice as XML bytes; ``NoticeRefused`` when the tender's state or a mandatory field forbids it.
    ``tender`` comes from ``selectors.tender_for_notice``."""
    if reason := notice_availability(tender, notice):
        raise NoticeRefused(reason)
    missing = missing_fields(subtype=SUBTYPES[notice], values=_values(tender, notice))
    if missing:
        raise NoticeRefused(f"L'avis eForms ne peut pas être produit : champ(s) obligatoire(s) manquant(s) : "
                            f"{', '.join(missing)}.")
    document = NoticeDocument(tender, notice, timezone.localtime(now or timezone.now())).build()
    errors = notice_errors(document, notice)
    if errors:
        raise NoticeInvalid("; ".join(errors[:5]))
    return etree.tostring(document, xml_declaration=True, encoding="UTF-8", pretty_print=True)


@cache
def notice_schema(notice: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SDK_DIR / "schemas" / "maindoc" / ROOTS[notice][2])))


def notice_errors(document, notice: str) -> list[str]:
    """The XSD's complaints about ``document`` (an element tree or XML bytes), empty when valid."""
    if isinstance(document, bytes):
        document = etree.fromstring(document)
    schema = notice_schema(notice)
    if schema.validate(document):
        return []
    return [f"ligne {error.line} : {error.message}" for error in schema.error_log]


# What the mandatory-field check reads: (business term, the app's field in French, value) ---------------

def _values(tender, notice: str) -> list[tuple[str, str, object]]:
    authority = tender.programme.authority if tender.programme_id else None
    values = [
        ("BT-500-Organization-Company", "acheteur public : nom (programme de la consultation)",
         authority and authority.name),
        ("BT-501-Organization-Company", "acheteur public : SIRET", authority and authority.siret),
        ("BT-513-Organization-Company", "acheteur public : commune", authority and authority.city),
        ("OPT-301-Lot-ReviewOrg", "acheteur public : instance chargée des recours",
         authority and authority.review_body_name),
        ("BT-513-Organization-Company", "acheteur public : commune de l'instance de recours",
         authority and authority.review_body_city),
        ("BT-503-Organization-Company", "acheteur public : téléphone", authority and authority.phone),
        ("BT-507-Organization-Company", "acheteur public : code postal en France (il donne le département, "
                                        "code NUTS)", authority and nuts_of_postal_code(authority.postal_code)),
        ("BT-507-Organization-Company", "acheteur public : code postal de l'instance de recours (il donne le "
                                        "département, code NUTS)",
         authority and nuts_of_postal_code(authority.review_body_postal_code)),
        ("BT-21-Procedure", "objet de la consultation", tender.object),
        ("BT-262-Procedure", "code CPV principal", tender.cpv_code),
        ("BT-5071-Lot", "lieu d'exécution : un code postal, un code commune ou un département en France, ou un "
                        "pays (une région est plus large qu'un département, code NUTS)",
         any(place_of_performance(tender))),
    ]
    if notice == CONTRACT_NOTICE:
        values += [
            ("BT-15-Lot", "adresse de la consultation sur le profil d'acheteur (DCE)", tender.buyer_profile_url),
            ("BT-18-Lot", "adresse de la consultation sur le profil d'acheteur (dépôt des offres)",
             tender.buyer_profile_url),
        ]
    contracts = getattr(tender, "notice_contracts", {})
    lots = list(tender.lots.all())
    values.append(("BT-137-Lot", "lots de la consultation", lots))
    for lot in lots:
        values += [
            ("BT-21-Lot", f"lot {lot.number} : intitulé", lot.title),
            ("BT-24-Lot", f"lot {lot.number} : description du besoin", lot.description),
        ]
        if notice == AWARD_NOTICE:
            values.append(("BT-539-Lot", f"lot {lot.number} : critères d'attribution",
                           [c for c in lot.criteria.all() if c.parent_id is None]))
        if notice == AWARD_NOTICE and lot.state == LotState.AWARDED and lot.winner_id:
            vendor = lot.winner.vendor
            values.append(("BT-514-Organization-Company",
                           f"lot {lot.number} : pays de l'attributaire {vendor.name} (code ISO non reconnu)",
                           country_alpha3(vendor.country)))
            if (vendor.country or "FR").upper() in EEA:
                # The app derives a country subdivision from a French postal code only.
                values.append(("BT-507-Organization-Company",
                               f"lot {lot.number} : code postal en France de l'attributaire {vendor.name} (il donne "
                               "le département, code NUTS ; hors de France, l'avis ne peut pas le déduire)",
                               vendor_nuts(vendor)))
            contract = contracts.get(lot.pk)
            values += [
                ("BT-150-Contract", f"lot {lot.number} : marché signé (son identifiant)",
                 contract and contract.reference),
                ("BT-145-Contract", f"lot {lot.number} : date de signature du marché",
                 contract and contract.signed_on),
            ]
    return values


# The XML ------------------------------------------------------------------------------------------------
