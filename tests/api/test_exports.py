"""DECP and OCDS exports: valid against the official schemas (validated offline), from the demo
and from made-up contracts."""

import json
from datetime import date
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import ManagementUtility, call_command
from django.utils import timezone
from jsonschema import Draft7Validator

from procurement.contracts.exports.decp import decp_contracts, decp_document, decp_errors, decp_schema
from procurement.contracts.exports.ocds import ocds_errors, ocds_package
from procurement.contracts.models import Amendment, Contract
from procurement.tenders.models import Tender
from tests.clock import DEMO_NOW
from tests.contracts.factories import ContractFactory, awarded_lot
from tests.programmes.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db

SHARED_DECP = Path(settings.BASE_DIR).parent / "shared" / "schemas" / "decp" / "schema_decp_v2.0.4.json"


def run(*args) -> dict:
    out = StringIO()
    call_command(*args, "--format", "json", stdout=out)
    return json.loads(out.getvalue())


def test_both_exports_of_the_demo_validate_against_the_official_schemas(demo, tmp_path, api_for, finance_user):
    decp_file, ocds_file = tmp_path / "decp.json", tmp_path / "ocds.json"
    decp = run("export_decp", "--output", str(decp_file), "--date", "2026-11-26")
    ocds = run("export_ocds", "--output", str(ocds_file))
    document, package = json.loads(decp_file.read_text()), json.loads(ocds_file.read_text())
    assert decp_errors(document) == [] and ocds_errors(package) == []
    assert decp["contracts"] == ["BNM-2023-01-L1", "BNM-2024-01-L1", "BNM-2024-01-L2", "BNM-2024-02-L1",
                                 "BNM-2024-02-L2", "BNM-2024-02-L3", "BNM-2024-02-L4"]
    assert ocds["by_tag"] == {"tender": 4, "award": 7, "contract": 7, "implementation": 4}
    portal = next(m for m in document["marches"]["marche"] if m["id"] == "BNM-2024-01-L1")
    assert (portal["montant"], portal["dureeMois"], portal["dateNotification"]) == (425900.0, 48, "2024-10-08")
    # The sealed consultation in progress says nothing of its bids.
    sealed = next(r for r in package["releases"] if r["ocid"] == "ocds-bnm000-BNM-2026-01")
    assert sealed["tender"]["status"] == "active" and "numberOfTenderers" not in sealed["tender"]
    # The API serves the same documents.
    api = api_for(finance_user)
    assert api.get("/api/decp/").json()["marches"]["marche"][1]["id"] == "BNM-2024-01-L1"
    served = api.get("/api/ocds/")
    assert served["Content-Type"] == "application/json" and ocds_errors(served.json()) == []
    assert served.json()["releases"] == package["releases"]
    portal_tender = next(r for r in package["releases"] if r["id"] == "ocds-bnm000-BNM-2024-01-tender")
    assert portal_tender["tender"]["procurementMethodDetails"] == "Appel d'offres ouvert"


@pytest.mark.skipif(not SHARED_DECP.exists(), reason="../shared absent : la copie du dépôt suffit")
def test_the_repository_copy_of_the_decp_schema_is_the_shared_one():
    assert decp_schema() == json.loads(SHARED_DECP.read_text(encoding="utf-8"))


def notified(reference: str, amount_ht: str, **kwargs) -> Contract:
    lot = awarded_lot(programme=ProgrammeFactory(), amount_ht=Decimal(amount_ht))
    return ContractFactory(reference=reference, lot=lot, notified=True, amount_ht=Decimal(amount_ht), **kwargs)


def test_only_notified_contracts_of_40000_euros_or_more_are_published():
    notified("MAR-40000", "40000.00")
    notified("MAR-39999", "39999.99")
    ContractFactory(reference="MAR-NOTYET", lot=awarded_lot(programme=ProgrammeFactory()),
                    amount_ht=Decimal("90000.00"))
    chosen = decp_contracts(today=date(2026, 11, 26))
    assert [c.reference for c in chosen] == ["MAR-40000"]


def test_an_amendment_is_published_with_the_new_amount():
    contract = notified("MAR-AVT", "98000.00")
    Amendment.objects.create(contract=contract, number=1, basis="R2194-8", object="Bouquet vidéo",
                             amount_change_ht=Decimal("4900.00"), signed_on=date(2026, 6, 1),
                             change_share=Decimal("5"), cumulated_share=Decimal("5"))
    document = decp_document(decp_contracts(today=date(2026, 11, 26)), published_on=date(2026, 11, 26))
    assert decp_errors(document) == []
    assert document["marches"]["marche"][0]["modifications"] == [{"modification": {
        "id": 1, "dateNotificationModification": "2026-06-01", "datePublicationDonneesModification": "2026-11-26",
        "montant": 102900.0}}]


def test_the_decp_uses_the_tenders_data_and_derives_what_has_no_source():
    contract = notified("MAR-DERIV", "98000.00")
    Tender.objects.filter(pk=contract.lot.tender_id).update(social_considerations=["Clause sociale"])
    marche = decp_document(decp_contracts(today=date(2026, 11, 26)), published_on=date(2026, 11, 26))[
        "marches"]["marche"][0]
    assert marche["acheteur"]["id"] == contract.lot.tender.programme.authority.siret
    assert marche["considerationsSociales"] == {"considerationSociale": ["Clause sociale"]}
    assert marche["typesPrix"] == {"typePrix": ["Définitif ferme"]}
    assert (marche["offresRecues"], marche["procedure"], marche["tauxAvance"]) == (2, "Appel d'offres ouvert", 0.05)
    assert list(Draft7Validator(decp_schema()).iter_errors({"marches": {"marche": [marche]}})) == []


@pytest.mark.freeze_time(DEMO_NOW)
def test_a_contract_without_a_public_buyer_stops_the_command_with_a_french_message(tmp_path, capsys):
    ContractFactory(reference="MAR-ORPHAN", notified=True)
    output = tmp_path / "d.json"
    with pytest.raises(SystemExit) as stop:
        ManagementUtility(["manage.py", "export_decp", "--output", str(output)]).execute()
    assert stop.value.code == 2
    assert capsys.readouterr().err.startswith("Erreur : Marché MAR-ORPHAN : la consultation")
    assert not output.exists()


def test_the_ocds_package_of_a_contract_validates_offline_with_its_stages():
    contract = notified("MAR-OCDS", "98000.00")
    Tender.objects.filter(pk=contract.lot.tender_id).update(state="completed")
    package = ocds_package(published_at=timezone.now())
    assert ocds_errors(package) == []
    tags = [release["tag"] for release in package["releases"]]
    assert tags == [["tender"], ["award"], ["contract"]]
    award = package["releases"][1]["awards"][0]
    assert (award["status"], award["value"]) == ("active", {"amount": 98000.0, "currency": "EUR"})
    assert package["releases"][0]["ocid"] == f"{settings.OCDS_OCID_PREFIX}-{contract.lot.tender.reference}"


def test_an_invalid_package_is_reported(settings):
    assert ocds_errors({"uri": "x", "version": "1.1", "publishedDate": "2026-11-26T10:00:00+01:00",
                        "publisher": {"name": "Métropole"}, "releases": [{"ocid": "o"}]})[0].startswith(
        "releases/0 : ")
