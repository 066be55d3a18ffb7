"""The essential data of public contracts (données essentielles de la commande publique, DECP),
schema v2.0.4 (``procurement/contracts/schemas/decp/``): every notified contract whose initial amount
reaches the DECP threshold in force at its notification (R.2196-1), with its amendments.

``decp_marche`` is a pure function of a contract loaded with its tender, lots' bids, co-holders,
amendments and subcontracts; ``decp_contracts`` loads them in a fixed number of queries. Where the
app has no source yet for a required field, the value is derived and said so below:

- ``datePublicationDonnees``: the day of the export (the app does not record publications);
- ``offresRecues``: the bids received on time for the contract's lot (at least 1: the holder's);
- ``techniques`` / ``modalitesExecution``: the tender's, otherwise "Accord-cadre" / "Bons de
  commande" for a framework and "Sans objet" for the others;
- ``typesPrix``: the tender's, otherwise "Définitif révisable" when the contract has a price
  revision clause and "Définitif ferme" when it has none;
- ``considerationsSociales`` / ``considerationsEnvironnementales``: the tender's, otherwise
  "Critère social" / "Critère environnemental" when the lot has such a criterion, otherwise
  "Pas de considération …";
- ``montant`` of a modification: the contract's amount after it (initial amount plus the
  amendments signed up to it), as the DECP asks for the new amount.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path

from django.db.models import Prefetch

from procurement.contracts.enums import DECP_GROUP
from procurement.contracts.models import Amendment, Contract, Subcontract
from procurement.contracts.rules.amounts import amount_after_amendments
from procurement.contracts.selectors.contracts import decp_fields
from procurement.core.enums import ReferenceKind
from procurement.core.money import round_money
from procurement.core.selectors import ReferenceValueMissing, reference_value
from procurement.tenders.enums import BidStatus, CriterionKind, Procedure

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schemas" / "decp" / "schema_decp_v2.0.4.json"

PROCEDURES = {
    Procedure.DISPENSE: "Marché passé sans publicité ni mise en concurrence préalable",
    Procedure.MAPA: "Procédure adaptée",
    Procedure.OPEN: "Appel d'offres ouvert",
}


class DecpIncomplete(ValueError):
    """A contract lacks data the DECP requires; the message names the contract and the field."""


@cache
def decp_schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def _threshold(day: date, *, today: date) -> Decimal:
    """The DECP threshold in force on ``day``; for a contract notified before the first dated row
    (the reference data start with the arrêtés of 22 December 2022, in force on 1 January 2024), the
    one in force on ``today``, the day of the publication."""
    try:
        return reference_value(ReferenceKind.DECP_THRESHOLD, at=day)
    except ReferenceValueMissing:
        return reference_value(ReferenceKind.DECP_THRESHOLD, at=today)


def decp_contracts(*, today: date) -> list[Contract]:
    """The notified contracts (to ``today``) whose initial amount HT reaches the DECP threshold in
    force on their notification day, oldest notification first."""
    contracts = (
        Contract.objects.filter(notified_on__isnull=False, notified_on__lte=today)
        .select_related("holder", "lot__tender__programme__authority", "revision_clause")
        .prefetch_related(
            "co_holders", "lot__bids", "lot__criteria",
            Prefetch("amendments", queryset=Amendment.objects.select_related("new_holder").order_by("number")),
            Prefetch("subcontracts", queryset=Subcontract.objects.select_related("vendor")),
        )
        .order_by("notified_on", "reference")
    )
    thresholds: dict[date, Decimal] = {}
    chosen = []
    for contract in contracts:
        day = contract.notified_on
        if day not in thresholds:
            thresholds[day] = _threshold(day, today=today)
        if contract.initial_amount_ht >= thresholds[day]:
            chosen.append(contract)
    return chosen


def _holder(vendor) -> dict:
    if vendor.siret:
        return {"titulaire": {"typeIdentifiant": "SIRET", "id": vendor.siret}}
    if vendor.vat_number:
        return {"titulaire": {"typeIdentifiant": "TVA", "id": vendor.vat_number}}
    return {"titulaire": {"typeIdentifiant": "HORS-UE", "id": vendor.name[:50]}}


def _has_revision_clause(contract) -> bool:
    from procurement.contracts.models import PriceRevisionClause

    try:
        return contract.revision_clause is not None
    except PriceRevisionClause.DoesNotExist:
        return False


def _considerations(values: list[str], criteria, kind: str, criterion_label: str, none_label: str) -> list[str]:
    if values:
        return list(dict.fromkeys(values))
    if any(criterion.kind == kind for criterion in criteria):
        return [criterion_label]
    return [none_label]


def _amount(value: Decimal) -> float:
    """A JSON number in euros, at the cent (the schema asks for a number of at least 1)."""
    return float(round_money(value))


def _modifications(contract, *, published_on: date) -> list[dict]:
    rows = []
    amount = contract.initial_amount_ht
    for amendment in contract.amendments.all():
        amount = amount_after_amendments(amount, [amendment.amount_change_ht])
        modification = {
            "id": amendment.number,
            "dateNotificationModification": amendment.signed_on.isoformat(),
            "datePublicationDonneesModification": published_on.isoformat(),
            "montant": _amount(max(amount, Decimal("1"))),
        }
        if amendment.new_holder_id:
            modification["titulaires"] = [_holder(amendment.new_holder)]
        rows.append({"modification": modification})
    return rows


def decp_marche(contract, *, published_on: date) -> dict:
    """One ``marche`` of the DECP from a contract loaded by ``decp_contracts``."""
    tender = contract.lot.tender
    authority = tender.programme.authority if tender.programme_id else None
    if authority is None or not authority.siret:
        raise DecpIncomplete(f"Marché {contract.reference} : la consultation {tender.reference} n'est rattachée à "
                             "aucun acheteur public (programme) ; le SIRET de l'acheteur manque (champ acheteur).")
    if contract.notified_on is None:
        raise DecpIncomplete(f"Marché {contract.reference} : pas encore notifié (champ dateNotification).")
    fields = decp_fields(contract)
    criteria = list(contract.lot.criteria.all())
    offers = sum(1 for bid in contract.lot.bids.all() if bid.status != BidStatus.LATE)
    framework = contract.is_framework or tender.is_framework
    marche = {
        "id": fields["id"],
        "acheteur": {"id": authority.siret},
        "nature": "Marché",
        "objet": fields["objet"],
        "codeCPV": tender.cpv_code,
        "techniques": {"technique": list(dict.fromkeys(tender.techniques))
                       or (["Accord-cadre"] if framework else ["Sans objet"])},
        "modalitesExecution": {"modaliteExecution": list(dict.fromkeys(tender.execution_modes))
                               or (["Bons de commande"] if contract.is_framework else ["Sans objet"])},
        "marcheInnovant": tender.innovative,
        "ccag": tender.ccag,
        "offresRecues": max(offers, 1),
        "attributionAvance": fields["attributionAvance"],
        "typeGroupementOperateurs": DECP_GROUP[contract.group_kind],
        "procedure": PROCEDURES.get(tender.procedure, "Procédure adaptée"),
        "lieuExecution": {"code": tender.place_code, "typeCode": tender.place_code_type},
        "dureeMois": fields["dureeMois"],
        "dateNotification": fields["dateNotification"],
        "datePublicationDonnees": published_on.isoformat(),
        "montant": _amount(contract.initial_amount_ht),
        "typesPrix": {"typePrix": list(dict.fromkeys(tender.price_types))
                      or (["Définitif révisable"] if _has_revision_clause(contract) else ["Définitif ferme"])},
        "formePrix": tender.price_form,
        "sousTraitanceDeclaree": fields["sousTraitanceDeclaree"],
        "titulaires": fields["titulaires"],
        "considerationsSociales": {"considerationSociale": _considerations(
            tender.social_considerations, criteria, CriterionKind.SOCIAL, "Critère social",
            "Pas de considération sociale")},
        "considerationsEnvironnementales": {"considerationEnvironnementale": _considerations(
            tender.environmental_considerations, criteria, CriterionKind.ENVIRONMENTAL, "Critère environnemental",
            "Pas de considération environnementale")},
    }
    if fields["attributionAvance"]:
        marche["tauxAvance"] = fields["tauxAvance"]
    modifications = _modifications(contract, published_on=published_on)
    if modifications:
        marche["modifications"] = modifications
    return marche


def decp_errors(document: dict) -> list[str]:
    """Where ``document`` breaks the DECP schema, one French line per error (empty when valid)."""
    from jsonschema import Draft7Validator

    errors = sorted(Draft7Validator(decp_schema()).iter_errors(document), key=lambda e: list(e.absolute_path))
    return [f"{'/'.join(str(p) for p in error.absolute_path) or '(racine)'} : {error.message}" for error in errors]


def decp_document(contracts, *, published_on: date) -> dict:
    """The DECP file: ``{"marches": {"marche": [...]}}`` (an empty list when no contract qualifies)."""
    return {"marches": {"marche": [decp_marche(contract, published_on=published_on) for contract in contracts]}}

