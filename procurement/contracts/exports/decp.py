"""The essential data of public contracts (données essentielles de la commande publique, DECP),
schema v2.0.4 (``procurement/contracts/schemas/decp/``): every notified contract whose initial amount
reaches the DECP threshold in force at its notification (R.2196-1), with its amendments.

``decp_marche`` is a pure function of a contract loaded by ``decp_contracts``: with its tender, its
lot's count of bids on time and criteria kinds computed by the database, and its co-holders,
amendments and subcontracts read once for all the contracts. ``decp_contracts`` reads the thresholds
once, lets the database leave out the contracts below them and yields the others as they are read, in
a fixed number of queries whatever their number; ``decp_write`` writes and validates the file one
contract at a time. Where the app has no source yet for a required field, the value is derived and
said so below:

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
from collections import defaultdict
from collections.abc import Generator, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache, reduce
from operator import or_
from pathlib import Path
from typing import TextIO

from django.db.models import Count, Exists, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from procurement.contracts.enums import DECP_GROUP
from procurement.contracts.models import Amendment, Contract, Subcontract
from procurement.contracts.rules.amounts import amount_after_amendments
from procurement.contracts.selectors.contracts import decp_fields
from procurement.core.enums import ReferenceKind
from procurement.core.json_schema import JsonSchema, SchemaError
from procurement.core.money import round_money
from procurement.core.selectors import ReferenceValues
from procurement.tenders.enums import BidStatus, CriterionKind, Procedure
from procurement.tenders.models import Bid, Criterion

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schemas" / "decp" / "schema_decp_v2.0.4.json"

PROCEDURES = {
    Procedure.DISPENSE: "Marché passé sans publicité ni mise en concurrence préalable",
    Procedure.MAPA: "Procédure adaptée",
    Procedure.OPEN: "Appel d'offres ouvert",
}


class DecpIncomplete(ValueError):
    """A contract lacks data the DECP requires; the message names the contract and the field."""


class DecpInvalid(ValueError):
    """The file would break the DECP schema; ``errors`` are the first invalid contract's, one French
    line each."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__(errors[0])


@cache
def decp_schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


class DecpThresholds:
    """The DECP threshold in force on each notification day, the thresholds read once. For a contract
    notified before the first dated row (the reference data start with the arrêtés of 22 December 2022,
    in force on 1 January 2024), the one in force on ``today``, the day of the publication."""

    kind = ReferenceKind.DECP_THRESHOLD

    def __init__(self, *, today: date):
        self.today = today
        self.values = ReferenceValues([self.kind])

    def at(self, day: date) -> Decimal:
        row = self.values.find(self.kind, at=day) or self.values.row(self.kind, at=self.today)
        return row.value

    def reached(self, contract) -> bool:
        """The contract's initial amount HT reaches the threshold of its notification day."""
        return contract.initial_amount_ht >= self.at(contract.notified_on)

    def condition(self) -> Q:
        """The contracts that may reach the threshold of their notification day, for the database to
        leave out the others; ``reached`` decides on those it keeps."""
        periods = self.values.periods(self.kind)
        within = [Q(notified_on__gte=row.valid_from)
                  & (Q() if row.valid_to is None else Q(notified_on__lte=row.valid_to)) for row in periods]
        kept = [period & _may_reach(row.value) for period, row in zip(within, periods, strict=True)]
        today = self.values.find(self.kind, at=self.today)
        earlier = _may_reach(today.value) if today else Q()  # without it, ``reached`` says it is missing
        kept.append((~reduce(or_, within) if within else Q()) & earlier)
        return reduce(or_, kept)


def _may_reach(value: Decimal) -> Q:
    """The contracts whose initial amount HT (``Contract.initial_amount_ht``) may reach ``value``: a
    framework by its maximum, a lump sum by its amount; one with a yearly maintenance is kept, its
    years being counted in Python."""
    if value <= 0:
        return Q()
    return (Q(is_framework=True, maximum_ht__gte=value) | Q(is_framework=False, amount_ht__gte=value)
            | Q(is_framework=False, maintenance_yearly_ht__gt=0))


@dataclass(frozen=True)
class DecpRelated:
    """A contract's rows the DECP reads, read for all the contracts at once."""

    co_holders: list
    amendments: list
    subcontracts: list


def _related_rows(contracts) -> dict[int, DecpRelated]:
    """The co-holders (in the vendors' order), amendments (by number) and subcontracts of ``contracts``
    (a queryset), one query each."""
    co_holders, amendments, subcontracts = defaultdict(list), defaultdict(list), defaultdict(list)
    links = (Contract.co_holders.through.objects.filter(contract__in=contracts).select_related("vendor")
             .order_by("vendor__name", "vendor__pk"))
    for link in links:
        co_holders[link.contract_id].append(link.vendor)
    for amendment in (Amendment.objects.filter(contract__in=contracts).select_related("new_holder")
                      .order_by("contract", "number")):
        amendments[amendment.contract_id].append(amendment)
    for subcontract in Subcontract.objects.filter(contract__in=contracts).order_by("pk"):
        subcontracts[subcontract.contract_id].append(subcontract)
    return {key: DecpRelated(co_holders=co_holders[key], amendments=amendments[key], subcontracts=subcontracts[key])
            for key in co_holders.keys() | amendments.keys() | subcontracts.keys()}


NOTHING_RELATED = DecpRelated(co_holders=[], amendments=[], subcontracts=[])


def _bids_on_time():
    bids = (Bid.objects.filter(lot=OuterRef("lot")).exclude(status=BidStatus.LATE).order_by().values("lot")
            .annotate(count=Count("pk")).values("count"))
    return Coalesce(Subquery(bids), Value(0))


def _has_criterion(kind: str) -> Exists:
    return Exists(Criterion.objects.filter(lot=OuterRef("lot"), kind=kind))


# What ``decp_marche`` reads, and the states django-fsm reads when it builds each row.
DECP_COLUMNS = (
    "reference", "title", "state", "is_framework", "amount_ht", "maximum_ht", "maintenance_yearly_ht", "start_date",
    "duration_months", "renewal_months", "max_renewals", "notified_on", "advance_granted", "advance_rate",
    "group_kind", "holder__name", "holder__siret", "holder__vat_number", "lot__state", "lot__tender__reference",
    "lot__tender__state", "lot__tender__is_framework", "lot__tender__cpv_code", "lot__tender__techniques",
    "lot__tender__execution_modes", "lot__tender__innovative", "lot__tender__ccag", "lot__tender__procedure",
    "lot__tender__place_code", "lot__tender__place_code_type", "lot__tender__price_types",
    "lot__tender__price_form", "lot__tender__social_considerations", "lot__tender__environmental_considerations",
    "lot__tender__programme__authority__siret", "revision_clause__id",
)


def decp_contracts(*, today: date) -> Iterator[Contract]:
    """The notified contracts (to ``today``) whose initial amount HT reaches the DECP threshold in
    force on their notification day, oldest notification first, yielded as they are read, with
    ``bids_on_time``, ``has_social_criterion``, ``has_environmental_criterion`` and ``decp_related``."""
    thresholds = DecpThresholds(today=today)
    notified = Contract.objects.filter(notified_on__isnull=False, notified_on__lte=today).filter(
        thresholds.condition())
    related = _related_rows(notified)
    contracts = (
        notified.select_related("holder", "lot__tender__programme__authority", "revision_clause")
        .only(*DECP_COLUMNS)
        .annotate(bids_on_time=_bids_on_time(), has_social_criterion=_has_criterion(CriterionKind.SOCIAL),
                  has_environmental_criterion=_has_criterion(CriterionKind.ENVIRONMENTAL))
        .order_by("notified_on", "reference")
    )
    for contract in contracts.iterator(chunk_size=500):
        if thresholds.reached(contract):
            contract.decp_related = related.get(contract.pk, NOTHING_RELATED)
            yield contract


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


def _considerations(values: list[str], has_criterion: bool, criterion_label: str, none_label: str) -> list[str]:
    if values:
        return list(dict.fromkeys(values))
    if has_criterion:
        return [criterion_label]
    return [none_label]


def _amount(value: Decimal) -> float:
    """A JSON number in euros, at the cent (the schema asks for a number of at least 1)."""
    return float(round_money(value))


def _modifications(contract, amendments, *, published_on: date) -> list[dict]:
    rows = []
    amount = contract.initial_amount_ht
    for amendment in amendments:
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
    related = contract.decp_related
    fields = decp_fields(contract, co_holders=related.co_holders, subcontracts=related.subcontracts)
    offers = contract.bids_on_time
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
            tender.social_considerations, contract.has_social_criterion, "Critère social",
            "Pas de considération sociale")},
        "considerationsEnvironnementales": {"considerationEnvironnementale": _considerations(
            tender.environmental_considerations, contract.has_environmental_criterion, "Critère environnemental",
            "Pas de considération environnementale")},
    }
    if fields["attributionAvance"]:
        marche["tauxAvance"] = fields["tauxAvance"]
    modifications = _modifications(contract, related.amendments, published_on=published_on)
    if modifications:
        marche["modifications"] = modifications
    return marche


@cache
def _schema() -> JsonSchema:
    return JsonSchema(decp_schema(), draft=7)


def decp_errors(document: dict) -> list[str]:
    """Where ``document`` breaks the DECP schema, one French line per error (empty when valid)."""
    return [error.line() for error in _schema().errors(document)]


def decp_marche_errors(marche: dict, *, index: int) -> list[str]:
    """``decp_errors`` of a file whose ``marche`` number ``index`` (from 0) is this one: the schema
    constrains each ``marche`` on its own (no rule over the list), so it is validated alone, in the same
    envelope, against the same schema."""
    errors = _schema().errors({"marches": {"marche": [marche]}})
    return [SchemaError(("marches", "marche", index, *error.path[3:]), error.message).line()
            if error.path[:3] == ("marches", "marche", 0) else error.line() for error in errors]


@contextmanager
def _reading(contracts: Iterable) -> Iterator:
    """``contracts`` to iterate; ``decp_contracts`` stopped early (a contract refused) closes its
    database cursor at once, in the transaction that opened it, rather than whenever it is collected."""
    iterator = iter(contracts)
    try:
        yield iterator
    finally:
        if isinstance(iterator, Generator):
            iterator.close()


def decp_document(contracts, *, published_on: date) -> dict:
    """The DECP file: ``{"marches": {"marche": [...]}}`` (an empty list when no contract qualifies)."""
    with _reading(contracts) as iterator:
        return {"marches": {"marche": [decp_marche(contract, published_on=published_on) for contract in iterator]}}


def decp_write(contracts: Iterable, *, published_on: date, stream: TextIO) -> list[str]:
    """Writes to ``stream`` the DECP file of ``contracts``, exactly as
    ``json.dumps(decp_document(...), ensure_ascii=False, indent=2)`` would, one ``marche`` at a time,
    each validated before it is written; returns their ids. Raises ``DecpIncomplete`` or ``DecpInvalid``
    (then what was written is to be thrown away)."""
    ids = []
    with _reading(contracts) as iterator:
        for index, contract in enumerate(iterator):
            marche = decp_marche(contract, published_on=published_on)
            errors = decp_marche_errors(marche, index=index)
            if errors:
                raise DecpInvalid(errors)
            # Nested at depth 3; JSON escapes the line breaks inside strings, so every "\n" is the layout's.
            text = json.dumps(marche, ensure_ascii=False, indent=2).replace("\n", "\n" + " " * 6)
            stream.write(('{\n  "marches": {\n    "marche": [\n' if index == 0 else ",\n") + " " * 6 + text)
            ids.append(marche["id"])
    if ids:
        stream.write("\n    ]\n  }\n}")
    else:
        empty = {"marches": {"marche": []}}
        if errors := decp_errors(empty):
            raise DecpInvalid(errors)
        stream.write(json.dumps(empty, ensure_ascii=False, indent=2))
    return ids
