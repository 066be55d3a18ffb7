"""Loads the BNM contracts through the services, from the demo tenders' awarded lots, each step at
its real date: creation, signature, legality control, notification, then in date order the clock
(renewals, ends), orders, amendments, price revisions and subcontracting, up to ``today``.
Nothing dated after ``today`` is loaded. Idempotent: a contract already there is left as it is
(the clock still runs up to ``today``)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from procurement.contracts.models import Contract, IndexSeries
from procurement.contracts.services import indices
from procurement.contracts.services.amendments import amendment_create
from procurement.contracts.services.contracts import acceptance_record, contract_create, rejection_letters_date
from procurement.contracts.services.orders import order_create
from procurement.contracts.services.subcontracts import subcontract_accept, subcontract_declare
from procurement.contracts.services.transitions import contract_transition, renew_due_contracts
from procurement.demo.loaders.fixtures import FIXTURES, at_hour, month_day, read_fixture
from procurement.programmes.models import BudgetLine, CouncilAct
from procurement.tenders.enums import LotState
from procurement.tenders.models import Lot
from procurement.vendors.models import Vendor

SIGNATURE_KEYS = ("signatory_name", "signatory_role")


def _load_series(entry: dict, *, buyer, today: date) -> IndexSeries:
    series = IndexSeries.objects.filter(code=entry["code"]).first() or indices.series_create(
        code=entry["code"], name=entry["name"], source=entry.get("source", ""), note=entry.get("note", ""), by=buyer)
    for month, value in entry["values"].items():
        day = month_day(month)
        if day <= today:  # a month's value is not known before the month
            indices.index_value_set(series=series, month=day, value=Decimal(value), note=entry.get("note", ""),
                                    by=buyer)
    return series


def _terms(entry: dict, lot: Lot) -> dict:
    terms = dict(entry.get("terms", {}))
    for key in SIGNATURE_KEYS:
        terms[key] = entry["signature"][key]
    programme = lot.tender.programme
    terms["signature_authorisation"] = CouncilAct.objects.get(  # the delegation or the deliberation
        authority=programme.authority, reference=entry["signature"]["council_act"])
    if rejection_letters_date(lot) is None and lot.decided_at:
        terms["rejection_letters_sent_on"] = timezone.localdate(lot.decided_at)  # letters sent on the award day
    line = entry.get("budget_line")
    if line:
        terms["budget_line"] = BudgetLine.objects.get(programme=lot.tender.programme, label=line)
    return terms


def _events(entry: dict) -> list[tuple[date, str, dict]]:
    """The execution steps after notification, in date order."""
    events = []
    if entry.get("accepted_on"):
        events.append((entry["accepted_on"], "acceptance", {}))
    for order in entry.get("orders", []):
        events.append((order["on"], "order", order))
    for amendment in entry.get("amendments", []):
        events.append((amendment["signed_on"], "amendment", amendment))
    for day in entry.get("revisions", []):
        events.append((day, "revision", {}))
    for sub in entry.get("subcontracts", []):
        events.append((sub["declared_on"], "subcontract", sub))
        events.append((sub["accepted_on"], "subcontract_accept", sub))
    return sorted(events, key=lambda event: event[0])


def _catch_up(contract: Contract, day: date) -> Contract:
    renew_due_contracts(today=day, contracts=Contract.objects.filter(pk=contract.pk))
    return Contract.objects.get(pk=contract.pk)


def _run(contract: Contract, kind: str, day: date, data: dict, *, buyer, today: date) -> Contract:
    if kind == "acceptance":
        return acceptance_record(contract=contract, accepted_on=day, by=buyer)
    if kind == "order":
        order_create(contract=contract, ordered_on=day, amount_ht=data["amount_ht"],
                     description=data["description"], by=buyer)
    elif kind == "amendment":
        amendment_create(contract=contract, basis=data["basis"], object=data["object"],
                         justification=data.get("justification", ""), signed_on=day, by=buyer,
                         amount_change_ht=data["amount_change_ht"],
                         yearly_maximum_change_ht=data.get("yearly_maximum_change_ht", Decimal("0")))
    elif kind == "revision":
        indices.price_revision_apply(contract=contract, revision_on=day, by=buyer, today=today)
    elif kind == "subcontract":
        subcontract_declare(contract=contract, vendor=Vendor.objects.get(name=data["vendor"]),
                            services=data["services"], amount_ttc=data["amount_ttc"], declared_on=day,
                            by=buyer)
    elif kind == "subcontract_accept":
        sub = contract.subcontracts.get(vendor__name=data["vendor"], declared_on=data["declared_on"])
        subcontract_accept(subcontract=sub, decided_on=day, payment_terms=data["payment_terms"], by=buyer)
    return contract


def _load(entry: dict, *, buyer, today: date) -> Contract:
    lot = Lot.objects.select_related("tender__programme").filter(
        tender__reference=entry["tender"], number=entry["lot"]).first()
    if lot is None or lot.state != LotState.AWARDED:
        raise ValueError(f"Le lot {entry['lot']} de {entry['tender']} n'est pas attribué : chargez d'abord les "
                         "consultations de démonstration.")
    contract = contract_create(lot=lot, by=buyer, reference=entry["reference"], start_date=entry["start_date"],
                               **_terms(entry, lot))
    clause = entry.get("revision_clause")
    if clause:
        indices.revision_clause_save(
            contract=contract, by=buyer, series=IndexSeries.objects.get(code=clause["series"]),
            base_month=month_day(clause["base_month"]), index_lag_months=clause["index_lag_months"],
            fixed_part=clause["fixed_part"], coefficient_decimals=clause["coefficient_decimals"],
            coefficient_rounding=clause["coefficient_rounding"], base_price_ht=clause["base_price_ht"],
            every_months=clause["every_months"])
    steps = [("sign", entry["signed_on"], ""), ("transmit", entry.get("transmitted_on"),
                                                 entry.get("legality_reference", "")),
             ("notify", entry["notified_on"], "")]
    for name, day, reason in steps:
        if day and day <= today:
            contract = contract_transition(contract=contract, name=name, by=buyer, on=day, now=at_hour(day, 10),
                                           reason=reason)
    if not contract.is_executing:
        return contract
    for day, kind, data in _events(entry):
        if day > today:
            break
        contract = _catch_up(contract, day)
        contract = _run(contract, kind, day, data, buyer=buyer, today=today)
    return contract


@transaction.atomic
def load_demo_contracts(*, path: Path = FIXTURES / "contracts.json", buyer, today: date) -> list[Contract]:
    """The BNM contracts (fixtures/bnm/contracts.json), from the demo tenders' awarded lots."""
    data = read_fixture(path)
    for series in data.get("index_series", []):
        _load_series(series, buyer=buyer, today=today)
    loaded = []
    for entry in data["contracts"]:
        existing = Contract.objects.filter(reference=entry["reference"]).first()
        loaded.append((existing or _load(entry, buyer=buyer, today=today)).pk)
    contracts = Contract.objects.filter(pk__in=loaded)
    renew_due_contracts(today=today, contracts=contracts)  # the clock, up to today
    return list(contracts.order_by("reference"))
