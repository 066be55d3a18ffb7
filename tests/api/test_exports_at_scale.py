"""The open-data exports at a large authority's size: the DECP thresholds read once and applied by
the database, the contracts read in a fixed number of queries, the file written and validated one
contract at a time exactly as the whole document would be; the OCDS package likewise in a fixed
number of queries."""

import json
from datetime import date
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import ManagementUtility
from django.db import connection
from django.utils import timezone

from procurement.contracts.exports.decp import (
    DecpInvalid,
    DecpThresholds,
    decp_contracts,
    decp_document,
    decp_marche_errors,
    decp_write,
)
from procurement.contracts.exports.ocds import ocds_errors, ocds_package
from procurement.contracts.models import Amendment, Contract, PurchaseOrder, Subcontract
from procurement.core.enums import ReferenceKind
from procurement.core.models import ReferenceValue
from procurement.tenders.enums import BidStatus, CriterionKind
from procurement.tenders.models import Bid, Criterion, Lot, Tender
from tests.clock import DEMO_NOW
from tests.contracts.factories import ContractFactory, awarded_lot
from tests.programmes.factories import ProgrammeFactory
from tests.tenders.factories import BidFactory
from tests.vendors.factories import VendorFactory

pytestmark = pytest.mark.django_db

PUBLISHED = date(2026, 11, 26)


def notified(reference: str, amount_ht: str = "98000.00", *, on: date = date(2026, 2, 25), **kwargs) -> Contract:
    lot = awarded_lot(programme=ProgrammeFactory(), amount_ht=Decimal(amount_ht))
    return ContractFactory(reference=reference, lot=lot, notified=True, notified_on=on,
                           amount_ht=Decimal(amount_ht), **kwargs)


def fully_loaded(reference: str) -> Contract:
    """A notified contract with everything the DECP reads: a co-holder, an amendment changing the
    holder, a subcontract, a late bid and a social criterion on its lot."""
    contract = notified(reference)
    contract.co_holders.add(VendorFactory())
    Amendment.objects.create(contract=contract, number=1, basis="R2194-6", object="Cession",
                             new_holder=VendorFactory(), signed_on=date(2026, 6, 1),
                             change_share=Decimal("0"), cumulated_share=Decimal("0"))
    Subcontract.objects.create(contract=contract, vendor=VendorFactory(), services="Pose",
                               amount_ttc=Decimal("1200.00"), declared_on=date(2026, 2, 20))
    BidFactory(lot=contract.lot, status=BidStatus.LATE, amount_ht=Decimal("90000.00"))
    Criterion.objects.create(lot=contract.lot, name="Insertion", kind=CriterionKind.SOCIAL, points=Decimal("10"))
    return contract


@pytest.mark.parametrize("size", [1, 4])
def test_the_decp_reads_its_contracts_in_five_queries_whatever_their_number(django_assert_num_queries, size):
    for number in range(size):
        fully_loaded(f"MAR-Q{number}")
    # The thresholds, the co-holders, the amendments, the subcontracts, the contracts (with their lot's
    # bids on time and criteria counted by the database).
    with django_assert_num_queries(5):
        document = decp_document(decp_contracts(today=PUBLISHED), published_on=PUBLISHED)
    assert len(document["marches"]["marche"]) == size


def test_the_decp_counts_the_bids_on_time_and_reads_the_rows_of_each_contract():
    fully_loaded("MAR-FULL")
    notified("MAR-BARE")
    marches = {m["id"]: m for m in decp_document(decp_contracts(today=PUBLISHED), published_on=PUBLISHED)[
        "marches"]["marche"]}
    full, bare = marches["MAR-FULL"], marches["MAR-BARE"]
    assert full["offresRecues"] == 2  # the late bid is not counted
    assert full["considerationsSociales"] == {"considerationSociale": ["Critère social"]}
    assert full["sousTraitanceDeclaree"] is True and len(full["titulaires"]) == 2
    assert full["modifications"][0]["modification"]["titulaires"][0]["titulaire"]["typeIdentifiant"] == "SIRET"
    assert bare["considerationsSociales"] == {"considerationSociale": ["Pas de considération sociale"]}
    assert (bare["sousTraitanceDeclaree"], len(bare["titulaires"]), "modifications" in bare) == (False, 1, False)


def test_the_threshold_of_each_notification_day_applies_and_today_s_before_the_first_one():
    # From 2026 the threshold is 60 000 € (a newer row than the open one of 2024, which it overrides).
    ReferenceValue.objects.create(kind=ReferenceKind.DECP_THRESHOLD, value=Decimal("60000"),
                                  valid_from=date(2026, 1, 1), source="test")
    notified("MAR-2025-50K", "50000.00", on=date(2025, 6, 2))  # 40 000 € then: published
    notified("MAR-2026-50K", "50000.00", on=date(2026, 3, 2))  # 60 000 € then: left out
    notified("MAR-2026-60K", "60000.00", on=date(2026, 3, 3))
    notified("MAR-2023-50K", "50000.00", on=date(2023, 6, 1))  # before the first row: today's, 60 000 €
    notified("MAR-2023-70K", "70000.00", on=date(2023, 6, 2))
    assert [c.reference for c in decp_contracts(today=PUBLISHED)] == ["MAR-2023-70K", "MAR-2025-50K", "MAR-2026-60K"]
    thresholds = DecpThresholds(today=PUBLISHED)
    assert [thresholds.at(day) for day in (date(2023, 6, 1), date(2025, 6, 2), date(2026, 3, 2))] == [
        Decimal("60000"), Decimal("40000"), Decimal("60000")]


def test_a_lump_sum_below_the_threshold_is_published_when_its_maintenance_years_reach_it():
    # 30 000 € + 5 000 € a year of maintenance from the first anniversary over 48 months: 3 years,
    # 45 000 € HT initial amount (the database cannot count the years: Python decides).
    notified("MAR-MAINT", "30000.00", duration_months=48, maintenance_yearly_ht=Decimal("5000.00"))
    notified("MAR-SMALL", "30000.00", duration_months=48)
    chosen = list(decp_contracts(today=PUBLISHED))
    assert [(c.reference, c.initial_amount_ht) for c in chosen] == [("MAR-MAINT", Decimal("45000.00"))]


def test_a_framework_is_published_by_its_maximum():
    lot = awarded_lot(programme=ProgrammeFactory(), is_framework=True, renewals=3)
    ContractFactory(reference="MAR-AC", lot=lot, framework=True, notified=True, maximum_ht=Decimal("40000.00"),
                    yearly_maximum_ht=Decimal("10000.00"))
    lot = awarded_lot(programme=ProgrammeFactory(), is_framework=True, renewals=3)
    ContractFactory(reference="MAR-AC-PETIT", lot=lot, framework=True, notified=True,
                    maximum_ht=Decimal("39999.99"), yearly_maximum_ht=Decimal("10000.00"))
    assert [c.reference for c in decp_contracts(today=PUBLISHED)] == ["MAR-AC"]


def written(contracts) -> str:
    stream = StringIO()
    decp_write(contracts, published_on=PUBLISHED, stream=stream)
    return stream.getvalue()


def test_the_file_written_contract_by_contract_is_the_document_byte_for_byte():
    assert written([]) == json.dumps({"marches": {"marche": []}}, ensure_ascii=False, indent=2)
    # A title with a line break and a Unicode line separator: the layout's breaks only are indented.
    notified("MAR-W1", title="Ligne un\nLigne deux\u2028fin « été »")
    fully_loaded("MAR-W2")
    document = decp_document(decp_contracts(today=PUBLISHED), published_on=PUBLISHED)
    assert written(decp_contracts(today=PUBLISHED)) == json.dumps(document, ensure_ascii=False, indent=2)


def test_each_contract_is_validated_before_it_is_written_and_an_error_names_its_place():
    notified("MAR-OK1", on=date(2026, 2, 20))
    bad = notified("MAR-BAD", on=date(2026, 2, 21))
    Tender.objects.filter(pk=bad.lot.tender_id).update(cpv_code="123")  # past the model's validator
    notified("MAR-OK2", on=date(2026, 2, 22))
    with pytest.raises(DecpInvalid) as invalid:
        written(decp_contracts(today=PUBLISHED))
    assert invalid.value.errors == ["marches/marche/1/codeCPV : '123' does not match '^[0-9]{8}(-[0-9])?$'"]
    marche = decp_document([c for c in decp_contracts(today=PUBLISHED) if c.reference == "MAR-BAD"],
                           published_on=PUBLISHED)["marches"]["marche"][0]
    assert decp_marche_errors(marche, index=7) == [
        "marches/marche/7/codeCPV : '123' does not match '^[0-9]{8}(-[0-9])?$'"]


@pytest.mark.postgres
def test_a_refused_contract_closes_the_database_cursor_at_once():
    # Left to the garbage collector, the cursor would be closed in whatever transaction runs then,
    # which PostgreSQL aborts: the cursor belonged to another.
    bad = notified("MAR-BAD", on=date(2026, 2, 20))
    Tender.objects.filter(pk=bad.lot.tender_id).update(cpv_code="123")
    notified("MAR-OK", on=date(2026, 2, 21))
    with pytest.raises(DecpInvalid) as invalid:  # the traceback keeps the stopped generator alive
        written(decp_contracts(today=PUBLISHED))
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_cursors")
        assert cursor.fetchone()[0] == 0
    assert invalid.value.errors[0].startswith("marches/marche/0/codeCPV")


@pytest.mark.freeze_time(DEMO_NOW)
def test_an_invalid_contract_stops_the_command_and_leaves_the_previous_file(tmp_path, capsys):
    bad = notified("MAR-BAD")
    Tender.objects.filter(pk=bad.lot.tender_id).update(cpv_code="123")
    output = tmp_path / "decp.json"
    output.write_text("{}", encoding="utf-8")
    with pytest.raises(SystemExit) as stop:
        ManagementUtility(["manage.py", "export_decp", "--output", str(output)]).execute()
    assert stop.value.code == 2
    assert capsys.readouterr().err == ("Erreur : export non conforme au schéma DECP, rien n'est écrit : "
                                       "marches/marche/0/codeCPV : '123' does not match '^[0-9]{8}(-[0-9])?$'\n")
    assert output.read_text(encoding="utf-8") == "{}"
    assert list(Path(tmp_path).iterdir()) == [output]


@pytest.mark.parametrize("size", [1, 3])
def test_the_ocds_package_reads_its_tenders_and_contracts_in_seven_queries_whatever_their_number(
        django_assert_num_queries, size):
    for number in range(size):
        contract = fully_loaded(f"MAR-O{number}")
        Tender.objects.filter(pk=contract.lot.tender_id).update(state="completed", notice_sent_on=date(2025, 11, 3))
        for order in (1, 2):
            PurchaseOrder.objects.create(contract=contract, number=order, ordered_on=date(2026, 3, order),
                                         description="Commande", amount_ht=Decimal("100.00"), vat_rate=Decimal("20"))
    # The public buyers and the vendors; the tenders (their bidders and publication by the database) and
    # their lots; the amendments, orders and contracts (their tender and lot annotated).
    with django_assert_num_queries(7):
        package = ocds_package(published_at=timezone.now())
    assert ocds_errors(package) == []
    assert [r["tag"] for r in package["releases"]].count(["implementation"]) == size


def test_the_ocds_counts_each_bidder_once_over_the_lots_and_never_a_late_one():
    contract = notified("MAR-TEND")
    tender = contract.lot.tender
    Tender.objects.filter(pk=tender.pk).update(state="completed", notice_sent_on=date(2025, 11, 3))
    other_lot = Lot.objects.create(tender=tender, number=2, title="Lot 2", estimated_amount_ht=Decimal("1000.00"))
    bidder = contract.lot.bids.order_by("pk").first().vendor
    Bid.objects.create(lot=other_lot, vendor=bidder, received_at=timezone.now())  # the same bidder again
    BidFactory(lot=other_lot, status=BidStatus.LATE)
    package = ocds_package(published_at=timezone.now())
    release = next(r for r in package["releases"] if r["tag"] == ["tender"] and r["tender"]["id"] == tender.reference)
    assert release["tender"]["numberOfTenderers"] == 2
