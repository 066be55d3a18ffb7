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
from datetime import date, datetime, time
from decimal import Decimal
from functools import cache
from pathlib import Path

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone

from procurement.contracts.enums import ContractState
from procurement.contracts.models import Amendment, Contract, PurchaseOrder
from procurement.core.money import round_money
from procurement.tenders.enums import BidStatus, LotState, Nature, Procedure, TenderState
from procurement.tenders.models import Bid, Lot, Tender, TransitionLog
from procurement.tenders.models.bids import UNSEALED_STATES

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


def ocds_errors(package: dict) -> list[str]:
    """Where ``package`` breaks the release package schema, one line per error (empty when valid). The
    release schema the package points to by URL is resolved from the local copy: no network."""
    from jsonschema import Draft4Validator
    from referencing import Registry, Resource

    package_schema, release_schema = ocds_schemas()
    registry = Registry().with_resource(RELEASE_SCHEMA_URL, Resource.from_contents(release_schema))
    validator = Draft4Validator(package_schema, registry=registry)
    errors = sorted(validator.iter_errors(package), key=lambda e: list(e.absolute_path))
    return [f"{'/'.join(str(p) for p in error.absolute_path) or '(racine)'} : {error.message}" for error in errors]


def ocid(tender) -> str:
    return f"{settings.OCDS_OCID_PREFIX}-{tender.reference}"


def _moment(value: date | datetime) -> str:
    if not isinstance(value, datetime):
        value = timezone.make_aware(datetime.combine(value, time(12, 0)))
    return timezone.localtime(value).isoformat(timespec="seconds")


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


def _buyer(tender) -> tuple[dict | None, dict | None]:
    """(reference, party) of the tender's public buyer, or (None, None) when it has none."""
    authority = tender.programme.authority if tender.programme_id else None
    if authority is None:
        return None, None
    reference = {"id": _organisation_id(authority.siret, pk=authority.pk, kind="buyer"), "name": authority.name}
    party = {**reference, "roles": ["buyer", "procuringEntity"],
             "identifier": {"scheme": "FR-SIRET", "id": authority.siret, "legalName": authority.name},
             "address": {"streetAddress": authority.street, "locality": authority.city,
                         "postalCode": authority.postal_code, "countryName": "France"}}
    return reference, party


def _release(process, *, release_id: str, at, tag: str, parties: list[dict], **sections) -> dict:
    """A release of the contracting process of tender ``process``; ``sections`` are its tender,
    awards or contracts."""
    buyer, buyer_party = _buyer(process)
    release = {"ocid": ocid(process), "id": f"{ocid(process)}-{release_id}", "date": _moment(at), "tag": [tag],
               "initiationType": "tender", "language": "fr"}
    all_parties = ([buyer_party] if buyer_party else []) + parties
    if all_parties:
        release["parties"] = all_parties
    if buyer:
        release["buyer"] = buyer
    release.update(sections)
    return release


def _published_at(tender):
    log = next((log for log in tender.transition_logs.all() if log.transition == "publish"), None)
    return log.at if log else (tender.notice_sent_on or tender.consultation_start)


def _tender_section(tender) -> dict:
    lots = list(tender.lots.all())
    section = {
        "id": tender.reference, "title": tender.object[:300], "description": tender.object,
        "status": TENDER_STATUS[tender.state],
        "procurementMethod": METHOD.get(tender.procedure, "open"),
        "procurementMethodDetails": tender.get_procedure_display() if tender.procedure else "",
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
        section["numberOfTenderers"] = len({bid.vendor_id for lot in lots for bid in lot.bids.all()
                                            if bid.status != BidStatus.LATE})
    return section


def _award_id(tender, lot) -> str:
    return f"{tender.reference}-lot-{lot.number}"


def _award_release(tender, lot) -> dict:
    award = {"id": _award_id(tender, lot), "title": f"Lot {lot.number} — {lot.title}",
             "status": AWARD_STATUS[lot.state], "date": _moment(lot.decided_at)}
    parties = []
    if lot.state == LotState.AWARDED and lot.winner is not None:
        winner = lot.winner
        award["value"] = _value(winner.final_amount_ht) if winner.final_amount_ht is not None else None
        if award["value"] is None:
            del award["value"]
        party = _vendor_party(winner.vendor, ["tenderer", "supplier"])
        award["suppliers"] = [{"id": party["id"], "name": party["name"]}]
        parties.append(party)
    if lot.decision_reason:
        award["description"] = lot.decision_reason
    return _release(tender, release_id=f"award-lot-{lot.number}", at=lot.decided_at, tag="award", parties=parties,
                    awards=[award])


def _contract_core(contract) -> dict:
    return {"id": contract.reference, "awardID": _award_id(contract.lot.tender, contract.lot)}


def _contract_release(contract) -> dict:
    tender = contract.lot.tender
    section = {
        **_contract_core(contract), "title": contract.title[:300], "status": CONTRACT_STATUS[contract.state],
        "period": {"startDate": _moment(contract.start_date), "endDate": _moment(contract.final_end)},
        "value": _value(contract.initial_amount_ht),
    }
    if contract.signed_on:
        section["dateSigned"] = _moment(contract.signed_on)
    amendments = [{"id": str(a.number), "date": _moment(a.signed_on), "rationale": a.get_basis_display(),
                   "description": a.object} for a in contract.amendments.all()]
    if amendments:
        section["amendments"] = amendments
    at = contract.notified_on or contract.signed_on or contract.created_at
    return _release(tender, release_id=f"contract-{contract.reference}", at=at, tag="contract",
                    parties=[_vendor_party(contract.holder, ["supplier"])], contracts=[section])


def _implementation_release(contract) -> dict:
    tender = contract.lot.tender
    holder = _vendor_party(contract.holder, ["supplier", "payee"])
    buyer, _party = _buyer(tender)
    orders = list(contract.orders.all())
    transactions = []
    for order in orders:
        transaction = {"id": f"{contract.reference}-BC{order.number}", "date": _moment(order.ordered_on),
                       "value": _value(order.amount_ht),
                       "payee": {"id": holder["id"], "name": holder["name"]}}
        if buyer:
            transaction["payer"] = buyer
        transactions.append(transaction)
    section = {**_contract_core(contract), "implementation": {"transactions": transactions}}
    return _release(tender, release_id=f"implementation-{contract.reference}", at=orders[-1].ordered_on,
                    tag="implementation", parties=[holder], contracts=[section])


def ocds_releases(tenders, contracts) -> list[dict]:
    """Releases of the loaded ``tenders`` (published at least once) and ``contracts``, in stage order."""
    releases = []
    for tender in tenders:
        releases.append(_release(tender, release_id="tender", at=_published_at(tender), tag="tender", parties=[],
                                 tender=_tender_section(tender)))
        releases.extend(_award_release(tender, lot) for lot in tender.lots.all()
                        if lot.state != LotState.EVALUATING and lot.decided_at)
    releases.extend(_contract_release(contract) for contract in contracts)
    releases.extend(_implementation_release(contract) for contract in contracts
                    if contract.state in (ContractState.NOTIFIED, ContractState.RENEWED, ContractState.ENDED,
                                          ContractState.TERMINATED) and contract.orders.all())
    return releases


def ocds_tenders():
    bids = Bid.objects.only("id", "lot_id", "vendor_id", "status")
    lots = Lot.objects.select_related("winner__vendor").prefetch_related(Prefetch("bids", queryset=bids)
                                                                         ).order_by("number")
    return (Tender.objects.exclude(state__in=[TenderState.DRAFT, TenderState.READY])
            .filter(notice_sent_on__isnull=False)
            .select_related("programme__authority")
            .prefetch_related(Prefetch("lots", queryset=lots),
                              Prefetch("transition_logs", queryset=TransitionLog.objects.filter(transition="publish")))
            .order_by("consultation_start", "reference"))


def ocds_contracts():
    return (Contract.objects.select_related("holder", "lot__tender__programme__authority")
            .prefetch_related(Prefetch("amendments", queryset=Amendment.objects.order_by("number")),
                              Prefetch("orders", queryset=PurchaseOrder.objects.order_by("ordered_on", "number")))
            .order_by("start_date", "reference"))


def ocds_package(*, published_at: datetime) -> dict:
    """The release package of every published tender and every contract."""
    tenders = list(ocds_tenders())
    contracts = list(ocds_contracts())
    authority = next((t.programme.authority for t in tenders if t.programme_id and t.programme.authority_id), None)
    return {
        "uri": settings.OCDS_PACKAGE_URI,
        "version": "1.1",
        "publishedDate": _moment(published_at),
        "publisher": {"name": authority.name if authority else settings.OCDS_PUBLISHER_NAME},
        "license": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
        "releases": ocds_releases(tenders, contracts),
    }
