"""eForms notices (SDK 1.15): when a tender allows one, and which of its fields the SDK makes mandatory.

The subtypes are those of directive 2014/24's open procedure: 16 (contract notice, « avis de marché »)
and 29 (contract award notice, « avis d'attribution »). The mandatory fields are read from the SDK's
own ``notice-types/<subtype>.json`` and ``fields/fields.json`` (a copy of the SDK lives beside the app,
in ``tenders/schemas/eforms-sdk-1.15.1/``), so a new SDK release changes the rule, not the code.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

SDK_DIR = Path(__file__).resolve().parent.parent / "schemas" / "eforms-sdk-1.15.1"

CONTRACT_NOTICE = "cn"
AWARD_NOTICE = "can"
SUBTYPES = {CONTRACT_NOTICE: "16", AWARD_NOTICE: "29"}
NOTICE_LABELS = {CONTRACT_NOTICE: "avis de marché", AWARD_NOTICE: "avis d'attribution"}

OPEN_PROCEDURE = "appel_offres_ouvert"
# A contract notice describes the competition: from the moment the file is ready to publish on.
CONTRACT_NOTICE_STATES = ("ready", "published", "closed", "opened", "completed")


def notice_refusal(*, notice: str, state: str, state_label: str, procedure: str) -> str:
    """Why the tender cannot give this notice now, in French; ``""`` when it can."""
    label = NOTICE_LABELS[notice]
    if procedure != OPEN_PROCEDURE:
        return (f"L'{label} eForms (sous-type {SUBTYPES[notice]}) concerne un appel d'offres ouvert au-dessus des "
                "seuils européens ; cette consultation n'en est pas un.")
    if notice == CONTRACT_NOTICE and state not in CONTRACT_NOTICE_STATES:
        return f"L'{label} est disponible quand la consultation est prête à publier (elle est {state_label})."
    if notice == AWARD_NOTICE and state != "completed":
        return (f"L'{label} est disponible quand tous les lots sont décidés et la consultation terminée "
                f"(elle est {state_label}).")
    return ""


def mandatory_in(*, notice_type: dict, fields: list[dict], subtype: str) -> frozenset[str]:
    """The ids of the fields of the subtype that the SDK marks mandatory without a condition."""
    present = set()

    def walk(node):
        if isinstance(node, dict):
            if node.get("contentType") == "field":
                present.add(node["id"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(notice_type.get("metadata", []))
    walk(notice_type.get("content", []))
    mandatory = set()
    for field in fields:
        if field["id"] not in present:
            continue
        rule = field.get("mandatory") or {}
        constraints = [c for c in rule.get("constraints", []) if subtype in c.get("noticeTypes", [])]
        if any(c.get("value") and not c.get("condition") for c in constraints) or (
                rule.get("value") and not constraints):
            mandatory.add(field["id"])
    return frozenset(mandatory)


@cache
def mandatory_fields(subtype: str) -> frozenset[str]:
    notice_type = json.loads((SDK_DIR / "notice-types" / f"{subtype}.json").read_text(encoding="utf-8"))
    fields = json.loads((SDK_DIR / "fields" / "fields.json").read_text(encoding="utf-8"))["fields"]
    return mandatory_in(notice_type=notice_type, fields=fields, subtype=subtype)


# Fields that notice-types/*.json leave optional but that the SDK's schematron rules require in the
# notices the app writes, whose conditions always hold there: a buyer in France (BT-503 its telephone,
# BT-507 its country subdivision, as for every organisation in an EEA country), electronic submission
# required (BT-18 where tenders are submitted, BT-15 where the documents are), a place of performance in
# France (BT-5071); in the award notice, the contract signed for each lot won (BT-150, BT-145).
RULE_MANDATORY = {
    "16": frozenset({"BT-503-Organization-Company", "BT-507-Organization-Company", "BT-5071-Lot", "BT-15-Lot",
                     "BT-18-Lot"}),
    "29": frozenset({"BT-503-Organization-Company", "BT-507-Organization-Company", "BT-5071-Lot",
                     "BT-150-Contract", "BT-145-Contract"}),
}


def missing_fields(*, subtype: str, values: list[tuple[str, str, object]],
                   mandatory: frozenset[str] | None = None) -> list[str]:
    """The mandatory fields among ``values`` ((business term, the app's field in French, value), once per
    lot for a lot's field) that are empty, each as « BT-… » (the app's field)."""
    mandatory = mandatory_fields(subtype) | RULE_MANDATORY.get(subtype, frozenset()) if mandatory is None else mandatory
    return [f"« {term} » ({label})" for term, label, value in values
            if term in mandatory and value in (None, "", [], ())]


# ISO 3166 alpha-2 (what the vendors keep) to alpha-3 (what eForms writes): the EU, the EEA and neighbours.
ALPHA3 = {
    "AT": "AUT", "BE": "BEL", "BG": "BGR", "CY": "CYP", "CZ": "CZE", "DE": "DEU", "DK": "DNK", "EE": "EST",
    "ES": "ESP", "FI": "FIN", "FR": "FRA", "GR": "GRC", "HR": "HRV", "HU": "HUN", "IE": "IRL", "IT": "ITA",
    "LT": "LTU", "LU": "LUX", "LV": "LVA", "MT": "MLT", "NL": "NLD", "PL": "POL", "PT": "PRT", "RO": "ROU",
    "SE": "SWE", "SI": "SVN", "SK": "SVK", "IS": "ISL", "LI": "LIE", "NO": "NOR", "CH": "CHE", "GB": "GBR",
    "MC": "MCO", "AD": "AND", "US": "USA", "CA": "CAN",
}


# The European Economic Area (the EU, Iceland, Liechtenstein, Norway): eForms counts the tenders received
# from another of its countries apart from those from outside it (BT-760 « t-oth-eea », « t-no-eea »).
EEA = frozenset({
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT", "LT", "LU",
    "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK", "IS", "LI", "NO",
})

# The review deadlines (BT-99), as the RC's « Recours » article states them (templates/docx/dce_texts.py).
REVIEW_DEADLINES = ("Le tribunal administratif dans le ressort duquel siège l'acheteur peut être saisi d'un référé "
                    "précontractuel jusqu'à la signature du marché, puis d'un recours en contestation de la validité "
                    "du contrat dans les deux mois suivant la publicité de l'attribution.")


def country_alpha3(alpha2: str) -> str:
    """``""`` when the code is not known here (the notice is then refused, naming the vendor's country)."""
    return ALPHA3.get((alpha2 or "").upper(), "")
