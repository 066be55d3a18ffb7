"""An OCDS 1.1 release package (``procurement/contracts/schemas/ocds-1.1/``): one contracting
process (ocid ``<OCDS_OCID_PREFIX>-<tender reference>``) per published tender, with a release for
each stage reached: ``tender`` (once published), ``award`` (each decided lot), ``contract`` (each
contract, with its amendments) and ``implementation`` (each contract's purchase orders, as
transactions, until the invoices and payments exist).

Nothing sealed leaves here: the number of tenderers appears only once the bids are opened; a lot's
bids are never listed. ``ocds_releases`` is a pure function of loaded rows; ``ocds_package``
loads them in a fixed number of queries."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from functools import cache, lru_cache
from pathlib import Path

from django.conf import settings
from django.db.models import Count, F, OuterRef, Subquery, TextChoices, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import get_language

from procurement.contracts.enums import AmendmentBasis, ContractState
from procurement.contracts.models import Amendment, Contract, PurchaseOrder
from procurement.core.json_schema import JsonSchema
from procurement.core.memory import cycle_collection_paused
from procurement.core.money import round_money
from procurement.programmes.models import Authority
from procurement.tenders.enums import BidStatus, LotState, Nature, Procedure, TenderState
from procurement.tenders.models import Bid, Lot, Tender, TransitionLog
from procurement.tenders.models.bids import UNSEALED_STATES
from procurement.vendors.models import Vendor

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schemas" / "ocds-1.1"
RELEASE_SCHEMA_URL = "https://standard.open-contracting.org/schema/1__1__5/release-schema.json"

TENDER_STATUS = {
    TenderState.PUBLISHED: "active", TenderState.CLOSED: "active", TenderState.OPENED: "active",
    TenderState.COMPLETED: "complete", TenderState.ABANDONED: "cancelled",
}
METHOD = {Procedure.OPEN: "open", Procedure.MAPA: "open", Procedure.DISPENSE: "direct"}
CATEGORY = {Nature.SUPPLIES: "goods", Nature.SERVICES: "services", Nature.WORKS: "works"}
AWARD_STATUS = {LotState.AWARDED: "active", LotState.UNSUCCESSFUL: "unsuccessful", LotState.ABANDONED: "cancelled"}
CONTRACT_STATUS = {
    ContractState.TO_SIGN: "pending", ContractState.SIGNED: "pending", ContractState.TRANSMITTED: "pending",
    ContractState.NOTIFIED: "active", ContractState.RENEWED: "active", ContractState.ENDED: "terminated",
    ContractState.TERMINATED: "terminated",
}


@cache
def ocds_schemas() -> tuple[dict, dict]:
    """(release package schema, release schema), read from the copies in the repository."""
    package = json.loads((SCHEMA_DIR / "release-package-schema.json").read_text(encoding="utf-8"))
    release = json.loads((SCHEMA_DIR / "release-schema.json").read_text(encoding="utf-8"))
    return package, release


@cache
def _package_schema() -> JsonSchema:
    package, release = ocds_schemas()
    return JsonSchema(package, draft=4, resources={RELEASE_SCHEMA_URL: release})


def ocds_errors(package: dict) -> list[str]:
    """Where ``package`` breaks the release package schema, one line per error (empty when valid). The
    release schema the package points to by URL is resolved from the local copy: no network."""
    return [error.line() for error in _package_schema().errors(package)]


def ocid(tender_reference: str) -> str:
    return f"{settings.OCDS_OCID_PREFIX}-{tender_reference}"


def _moment(value: date | datetime) -> str:
    """A moment in the app's time zone (TIME_ZONE, which no request changes); a day at noon."""
    zone = timezone.get_default_timezone()
    if isinstance(value, datetime):
        return value.astimezone(zone).isoformat(timespec="seconds")
    return _noon(value, zone)


@lru_cache(maxsize=8192)
def _noon(day: date, zone) -> str:
    # A package names the same days thousands of times (starts, orders, signatures).
    return datetime.combine(day, time(12, 0), tzinfo=zone).isoformat(timespec="seconds")


def _label(choices: type[TextChoices], value: str) -> str:
    return _label_in(choices, value, get_language())


@lru_cache(maxsize=256)
def _label_in(choices: type[TextChoices], value: str, language: str | None) -> str:
    # get_FOO_display() hashes every lazy label of the field's choices at each call: a quarter of the
    # package's time for thousands of tenders.
    return str(choices(value).label)


def _value(amount: Decimal) -> dict:
    return {"amount": float(round_money(amount)), "currency": "EUR"}


def _organisation_id(siret: str, vat_number: str = "", pk: int = 0, kind: str = "vendor") -> str:
    if siret:
        return f"FR-SIRET-{siret}"
    if vat_number:
        return f"VAT-{vat_number}"
    return f"{kind}-{pk}"


def _vendor_party(vendor, roles: list[str]) -> dict:
    party = {"id": _organisation_id(vendor.siret, vendor.vat_number, vendor.pk), "name": vendor.name,
             "roles": roles, "address": {"locality": vendor.city,
                                         "countryName": "France" if vendor.country == "FR" else vendor.country}}
    if vendor.siret:
        party["identifier"] = {"scheme": "FR-SIRET", "id": vendor.siret, "legalName": vendor.name}
    if vendor.postal_code:
        party["address"]["postalCode"] = vendor.postal_code
    if vendor.street:
        party["address"]["streetAddress"] = vendor.street
    return party


def _buyer(authority) -> tuple[dict | None, dict | None]:
    """(reference, party) of a public buyer, or (None, None) when there is none."""
    if authority is None:
        return None, None
    reference = {"id": _organisation_id(authority.siret, pk=authority.pk, kind="buyer"), "name": authority.name}
    party = {**reference, "roles": ["buyer", "procuringEntity"],
             "identifier": {"scheme": "FR-SIRET", "id": authority.siret, "legalName": authority.name},
             "address": {"streetAddress": authority.street, "locality": authority.city,
                         "postalCode": authority.postal_code, "countryName": "France"}}
    return reference, party


@dataclass(frozen=True)
class Process:
    """A contracting process, one per tender: its ocid and its public buyer as the releases name it,
    written once for all its releases."""

    ocid: str
    buyer: dict | None
    buyer_party: dict | None


# What the releases read of a vendor (``_vendor_party``).
VENDOR_COLUMNS = ("name", "siret", "vat_number", "street", "postal_code", "city", "country")


class Parties:
    """The organisations the package names, each read once and written once: the public buyers, in a
    contracting process per tender, and the vendors, per set of roles (the releases share the dicts)."""

    def __init__(self):
        self.authorities = {authority.pk: authority for authority in Authority.objects.all()}
        self.vendors = {vendor.pk: vendor for vendor in Vendor.objects.only(*VENDOR_COLUMNS)}
        self._processes: dict[tuple[str, int | None], Process] = {}
        self._vendor_parties: dict[tuple[int, tuple[str, ...]], dict] = {}

    def process(self, tender_reference: str, authority_id: int | None) -> Process:
        key = (tender_reference, authority_id)
        if key not in self._processes:
            buyer, party = _buyer(self.authorities.get(authority_id))
            self._processes[key] = Process(ocid=ocid(tender_reference), buyer=buyer, buyer_party=party)
        return self._processes[key]

    def vendor(self, vendor_id: int, *roles: str) -> dict:
        key = (vendor_id, roles)
        if key not in self._vendor_parties:
            self._vendor_parties[key] = _vendor_party(self.vendors[vendor_id], list(roles))
        return self._vendor_parties[key]


def _release(process: Process, *, release_id: str, at, tag: str, parties: list[dict], **sections) -> dict:
    """A release of ``process``; ``sections`` are its tender, awards or contracts."""
    release = {"ocid": process.ocid, "id": f"{process.ocid}-{release_id}", "date": _moment(at), "tag": [tag],
               "initiationType": "tender", "language": "fr"}
    all_parties = ([process.buyer_party] if process.buyer_party else []) + parties
    if all_parties:
        release["parties"] = all_parties
    if process.buyer:
        release["buyer"] = process.buyer
    release.update(sections)
    return release


def _published_at(tender):
    return tender.published_at or tender.notice_sent_on or tender.consultation_start


def _tender_section(tender, lots: list) -> dict:
    section = {
        "id": tender.reference, "title": tender.object[:300], "description": tender.object,
        "status": TENDER_STATUS[tender.state],
        "procurementMethod": METHOD.get(tender.procedure, "open"),
        "procurementMethodDetails": _label(Procedure, tender.procedure) if tender.procedure else "",
        "mainProcurementCategory": CATEGORY[tender.nature],
        "value": _value(sum((lot.estimated_value_ht for lot in lots), Decimal("0"))),
        "items": [{"id": str(lot.number), "description": f"Lot {lot.number} — {lot.title}",
                   "classification": {"scheme": "CPV", "id": tender.cpv_code.split("-")[0]}} for lot in lots],
        "awardCriteria": "ratedCriteria",
        "submissionMethod": ["electronicSubmission"],
    }
    if tender.bid_deadline:
        section["tenderPeriod"] = {"endDate": _moment(tender.bid_deadline)}
    if tender.state in UNSEALED_STATES:
        section["numberOfTenderers"] = tender.tenderers
    return section


def _award_id(tender_reference: str, lot_number: int) -> str:
    return f"{tender_reference}-lot-{lot_number}"


def _award_release(process: Process, tender, lot, parties: Parties) -> dict:
    award = {"id": _award_id(tender.reference, lot.number), "title": f"Lot {lot.number} — {lot.title}",
             "status": AWARD_STATUS[lot.state], "date": _moment(lot.decided_at)}
    named = []
    if lot.state == LotState.AWARDED and lot.winner is not None:
        winner = lot.winner
        award["value"] = _value(winner.final_amount_ht) if winner.final_amount_ht is not None else None
        if award["value"] is None:
            del award["value"]
        party = parties.vendor(winner.vendor_id, "tenderer", "supplier")
        award["suppliers"] = [{"id": party["id"], "name": party["name"]}]
        named.append(party)
    if lot.decision_reason:
        award["description"] = lot.decision_reason
    return _release(process, release_id=f"award-lot-{lot.number}", at=lot.decided_at, tag="award", parties=named,
                    awards=[award])


def _contract_core(contract) -> dict:
    return {"id": contract.reference, "awardID": _award_id(contract.tender_reference, contract.lot_number)}


def _contract_release(contract, parties: Parties) -> dict:
    section = {
        **_contract_core(contract), "title": contract.title[:300], "status": CONTRACT_STATUS[contract.state],
        "period": {"startDate": _moment(contract.start_date), "endDate": _moment(contract.final_end)},
        "value": _value(contract.initial_amount_ht),
    }
    if contract.signed_on:
        section["dateSigned"] = _moment(contract.signed_on)
    amendments = [{"id": str(a.number), "date": _moment(a.signed_on), "rationale": _label(AmendmentBasis, a.basis),
                   "description": a.object} for a in contract.ocds_amendments]
    if amendments:
        section["amendments"] = amendments
    at = contract.notified_on or contract.signed_on or contract.created_at
    return _release(contract.process, release_id=f"contract-{contract.reference}", at=at, tag="contract",
                    parties=[parties.vendor(contract.holder_id, "supplier")], contracts=[section])


def _implementation_release(contract, parties: Parties) -> dict:
    holder = parties.vendor(contract.holder_id, "supplier", "payee")
    buyer = contract.process.buyer
    orders = contract.ocds_orders
    transactions = []
    for order in orders:
        transaction = {"id": f"{contract.reference}-BC{order.number}", "date": _moment(order.ordered_on),
                       "value": _value(order.amount_ht),
                       "payee": {"id": holder["id"], "name": holder["name"]}}
        if buyer:
            transaction["payer"] = buyer
        transactions.append(transaction)
    section = {**_contract_core(contract), "implementation": {"transactions": transactions}}
    return _release(contract.process, release_id=f"implementation-{contract.reference}", at=orders[-1].ordered_on,
                    tag="implementation", parties=[holder], contracts=[section])


def ocds_releases(tenders, contracts, parties: Parties) -> list[dict]:
    """Releases of the loaded ``tenders`` (``ocds_tenders``: published at least once, with their lots) and
    ``contracts`` (``ocds_contracts``), naming the ``parties``, in stage order."""
    releases = []
    for tender, lots in tenders:
        process = tender.process
        releases.append(_release(process, release_id="tender", at=_published_at(tender), tag="tender", parties=[],
                                 tender=_tender_section(tender, lots)))
        releases.extend(_award_release(process, tender, lot, parties) for lot in lots
                        if lot.state != LotState.EVALUATING and lot.decided_at)
    releases.extend(_contract_release(contract, parties) for contract in contracts)
    releases.extend(_implementation_release(contract, parties) for contract in contracts
                    if contract.state in (ContractState.NOTIFIED, ContractState.RENEWED, ContractState.ENDED,
                                          ContractState.TERMINATED) and contract.ocds_orders)
    return releases


def _tenderers():
    """The number of bidders of a tender, on time, whatever the lots they bid for."""
    bids = (Bid.objects.filter(lot__tender=OuterRef("pk")).exclude(status=BidStatus.LATE).order_by()
            .values("lot__tender").annotate(count=Count("vendor", distinct=True)).values("count"))
    return Coalesce(Subquery(bids), Value(0))


# What the releases read of a tender, its buyer, its lots and their winners (the rows' timestamps,
# JSON lists and texts are left in the database).
TENDER_COLUMNS = (
    "reference", "object", "state", "procedure", "nature", "cpv_code", "bid_deadline", "notice_sent_on",
    "consultation_start", "duration_months", "renewals", "renewal_months",
)
LOT_COLUMNS = (
    "tender", "number", "title", "estimated_amount_ht", "renewal_amounts_ht", "options_amount_ht", "state",
    "decision_reason", "decided_at", "winner__amount_ht", "winner__negotiated_amount_ht",
    "winner__vendor",
)


def ocds_tenders(parties: Parties) -> list[tuple[Tender, list[Lot]]]:
    """The published tenders, each with ``tenderers`` (``_tenderers``), ``published_at`` (its « publish »
    transition, if any) and its ``process`` (``parties``), beside its lots (by number, with their
    winning bid and its vendor), read in one query for all the tenders. A lot knows its tender, the
    tender not its lots: without a cycle, the rows are freed as soon as the package is written, without
    the garbage collector."""
    published = Tender.objects.exclude(state__in=[TenderState.DRAFT, TenderState.READY]).filter(
        notice_sent_on__isnull=False)
    publication = TransitionLog.objects.filter(tender=OuterRef("pk"), transition="publish").order_by("at", "pk")
    tenders = list(published.only(*TENDER_COLUMNS)
                   .annotate(tenderers=_tenderers(), published_at=Subquery(publication.values("at")[:1]),
                             authority_id=F("programme__authority"))
                   .order_by("consultation_start", "reference"))
    lots = defaultdict(list)
    for lot in (Lot.objects.filter(tender__in=published).select_related("winner").only(*LOT_COLUMNS)
                .order_by("number")):
        lots[lot.tender_id].append(lot)
    for tender in tenders:
        tender.process = parties.process(tender.reference, tender.authority_id)
        for lot in lots[tender.pk]:
            lot.tender = tender  # its periods read the tender's
    return [(tender, lots[tender.pk]) for tender in tenders]


# What the releases read of a contract and its holder (the contract's lot, tender and buyer are
# annotated: ``ocds_contracts``).
CONTRACT_COLUMNS = (
    "reference", "title", "state", "start_date", "duration_months", "renewal_months", "max_renewals",
    "is_framework", "maximum_ht", "amount_ht", "maintenance_yearly_ht", "signed_on", "notified_on", "created_at",
    "holder",
)


def ocds_contracts(parties: Parties) -> list[Contract]:
    """Every contract, each with its ``process`` (``parties``: its tender's ocid and buyer),
    ``ocds_amendments`` (by number) and ``ocds_orders`` (number, day and amount, by day): their rows are
    read once for all the contracts, the tenders and lots not at all."""
    amendments, orders = defaultdict(list), defaultdict(list)
    for amendment in Amendment.objects.only("contract", "number", "signed_on", "basis", "object").order_by(
            "contract", "number"):
        amendments[amendment.contract_id].append(amendment)
    for order in PurchaseOrder.objects.order_by("ordered_on", "number").values_list(
            "contract", "number", "ordered_on", "amount_ht", named=True):
        orders[order.contract].append(order)
    contracts = list(Contract.objects.only(*CONTRACT_COLUMNS)
                     .annotate(tender_reference=F("lot__tender__reference"), lot_number=F("lot__number"),
                               authority_id=F("lot__tender__programme__authority"))
                     .order_by("start_date", "reference"))
    for contract in contracts:
        contract.process = parties.process(contract.tender_reference, contract.authority_id)
        contract.ocds_amendments, contract.ocds_orders = amendments[contract.pk], orders[contract.pk]
    return contracts


def ocds_package(*, published_at: datetime) -> dict:
    """The release package of every published tender and every contract."""
    with cycle_collection_paused():
        parties = Parties()
        tenders = ocds_tenders(parties)
        contracts = ocds_contracts(parties)
        authority = next((parties.authorities[t.authority_id] for t, _lots in tenders if t.authority_id), None)
        return {
            "uri": settings.OCDS_PACKAGE_URI,
            "version": "1.1",
            "publishedDate": _moment(published_at),
            "publisher": {"name": authority.name if authority else settings.OCDS_PUBLISHER_NAME},
            "license": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
            "releases": ocds_releases(tenders, contracts, parties),
        }
