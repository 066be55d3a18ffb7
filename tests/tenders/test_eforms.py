"""eForms notices: the contract notice (subtype 16) and the award notice (subtype 29), valid against the
SDK's XSDs, refused while a mandatory field is missing; ``manage.py export_eforms``."""

import filecmp
import uuid
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.db import connections
from django.urls import reverse
from lxml import etree

from procurement.contracts.models import Contract
from procurement.tenders.exports.eforms import NoticeRefused, eforms_notice, notice_errors
from procurement.tenders.exports.eforms_result import received_tenders
from procurement.tenders.exports.eforms_xml import NS
from procurement.tenders.management.commands.export_eforms import Command
from procurement.tenders.models import Tender
from procurement.tenders.rules.eforms import SDK_DIR, mandatory_fields, missing_fields, notice_refusal
from procurement.tenders.rules.nuts import nuts_of_place
from procurement.tenders.selectors import tender_for_notice

SHARED_SDK = Path(settings.BASE_DIR).parent / "shared" / "schemas" / "eforms-sdk-1.15.1"


@pytest.fixture(autouse=True)
def keep_connection(monkeypatch):
    # run_from_argv closes the connections when it ends, which would end the test's transaction.
    monkeypatch.setattr(connections, "close_all", lambda: None)


def run_cli(capsys, *args):
    """(exit status, stdout, stderr) of the command run as manage.py would."""
    try:
        Command().run_from_argv(["manage.py", "export_eforms", *args])
        status = 0
    except SystemExit as exit_:
        status = exit_.code
    return (status, *capsys.readouterr())


def notice(reference: str, kind: str) -> etree._Element:
    return etree.fromstring(eforms_notice(tender=tender_for_notice(reference=reference), notice=kind))


def text(document, path: str) -> list[str]:
    return [node.text for node in document.xpath(path, namespaces=NS)]


@pytest.mark.skipif(not SHARED_SDK.exists(), reason="the shared SDK is not beside the repository")
def test_the_repository_copy_of_the_sdk_is_the_shared_one():
    for relative in ("schemas/maindoc/UBL-ContractNotice-2.3.xsd", "schemas/maindoc/UBL-ContractAwardNotice-2.3.xsd",
                     "schemas/common/EFORMS-ExtensionAggregateComponents-2.3.xsd", "notice-types/16.json",
                     "notice-types/29.json", "fields/fields.json",
                     *(f"schematrons/static/{sch.name}" for sch in (SDK_DIR / "schematrons" / "static").glob("*.sch"))):
        assert filecmp.cmp(SDK_DIR / relative, SHARED_SDK / relative, shallow=False), relative
    for example in ("cn_24_open.xml", "can_24_minimal.xml"):
        assert filecmp.cmp(Path(__file__).parent / "eforms" / example, SHARED_SDK / "examples" / "notices" / example,
                           shallow=False), example


@pytest.mark.parametrize("example, kind", [("cn_24_open.xml", "cn"), ("can_24_minimal.xml", "can")])
@pytest.mark.skipif(not SHARED_SDK.exists(), reason="the shared SDK is not beside the repository")
def test_the_sdk_examples_validate_against_the_repository_xsds(example, kind):
    assert notice_errors((SHARED_SDK / "examples" / "notices" / example).read_bytes(), kind) == []


def test_the_sdk_says_the_buyer_name_and_review_body_are_mandatory_in_both_subtypes():
    for subtype in ("16", "29"):
        assert {"BT-500-Organization-Company", "BT-501-Organization-Company", "OPT-301-Lot-ReviewOrg",
                "BT-24-Lot"} <= mandatory_fields(subtype)
    assert "BT-142-LotResult" in mandatory_fields("29")
    assert "BT-142-LotResult" not in mandatory_fields("16")


def test_an_empty_mandatory_field_is_named_with_its_business_term_and_the_app_field():
    values = [("BT-24-Lot", "lot 1 : description du besoin", ""), ("BT-24-Lot", "lot 2 : description du besoin", "x"),
              ("BT-999-Unknown", "rien", "")]
    assert missing_fields(subtype="16", values=values) == ["« BT-24-Lot » (lot 1 : description du besoin)"]


def test_a_notice_is_refused_outside_an_open_procedure_or_before_its_state():
    assert "appel d'offres ouvert" in notice_refusal(notice="cn", state="ready", state_label="prête",
                                                     procedure="mapa")
    assert "prête à publier" in notice_refusal(notice="cn", state="draft", state_label="brouillon",
                                               procedure="appel_offres_ouvert")
    assert "tous les lots sont décidés" in notice_refusal(notice="can", state="opened", state_label="ouverte",
                                                          procedure="appel_offres_ouvert")
    assert notice_refusal(notice="can", state="completed", state_label="terminée",
                          procedure="appel_offres_ouvert") == ""


@pytest.mark.freeze_time("2026-11-25 10:00:00")
def test_the_contract_notice_of_the_portal_tender_is_valid_and_carries_its_lots(demo):
    document = notice("BNM-2024-01", "cn")
    assert notice_errors(document, "cn") == []
    assert text(document, "//efac:NoticeSubType/cbc:SubTypeCode") == ["16"]
    assert text(document, "/*/cbc:NoticeTypeCode") == ["cn-standard"]
    assert text(document, "//efac:Organization[1]/efac:Company/cac:PartyName/cbc:Name") == ["Métropole de Rivemont"]
    assert text(document, "//efac:Organization[1]/efac:Company/cac:PartyLegalEntity/cbc:CompanyID") == [
        "24999999600013"]
    assert text(document, "//efac:Organization[2]/efac:Company/cac:PartyName/cbc:Name") == [
        "Tribunal administratif d'Orléans"]
    assert text(document, "/*/cac:TenderingProcess/cbc:ProcedureCode") == ["open"]
    assert text(document, "/*/cac:ProcurementProjectLot[1]/cac:ProcurementProject/cbc:Name") == [
        "Portail et maintenance"]
    assert text(document, "/*/cac:ProcurementProjectLot[1]/cac:TenderingProcess/cac:TenderSubmissionDeadlinePeriod"
                          "/cbc:EndDate") == ["2024-06-21+02:00"]
    assert text(document, "/*/cac:ProcurementProjectLot[1]/cac:TenderingProcess/cac:TenderSubmissionDeadlinePeriod"
                          "/cbc:EndTime") == ["12:00:00+02:00"]
    assert "price" in text(document, "/*/cac:ProcurementProjectLot[1]//cac:SubordinateAwardingCriterion"
                                     "/cbc:AwardingCriterionTypeCode")
    # Sent to the Publications Office on 15 May 2024: the notice keeps that day.
    assert text(document, "/*/cbc:IssueDate") == ["2024-05-15+02:00"]
    assert text(document, "//efac:Organization[1]/efac:Company/cac:PostalAddress/cbc:CountrySubentityCode") == [
        "FRB04"]  # 37100, Indre-et-Loire
    assert text(document, "//efac:Organization[2]/efac:Company/cac:PostalAddress/cbc:CountrySubentityCode") == [
        "FRB06"]  # 45000, Loiret
    assert text(document, "//efac:Organization[1]/efac:Company/cac:Contact/cbc:Telephone") == ["02 47 21 60 00"]
    assert len(document.xpath("//efac:Organization", namespaces=NS)) == 2  # no winner in a contract notice
    assert text(document, "/*/cac:ProcurementProjectLot[1]/cac:TenderingTerms/cac:TenderRecipientParty"
                          "/cbc:EndpointID") == ["https://marches.metropole-rivemont.example/consultations/BNM-2024-01"]
    assert text(document, "/*/cac:ProcurementProjectLot[1]/cac:TenderingTerms/cac:TenderValidityPeriod"
                          "/cbc:DurationMeasure") == ["120"]
    assert text(document, "/*/cac:TenderingTerms/cac:LotDistribution/cbc:MaximumLotsSubmittedNumeric") == ["2"]


@pytest.mark.freeze_time("2026-11-25 10:00:00")
def test_the_notice_identifiers_are_version_4_uuids_kept_from_one_download_to_the_next(demo):
    tender = Tender.objects.get(reference="BNM-2024-01")
    first, again, award = notice("BNM-2024-01", "cn"), notice("BNM-2024-01", "cn"), notice("BNM-2024-01", "can")
    ids = [text(document, "/*/cbc:ID")[0] for document in (first, again, award)]
    assert ids == [str(tender.contract_notice_uuid)] * 2 + [str(tender.award_notice_uuid)]
    assert {uuid.UUID(value).version for value in ids} == {4}
    assert text(first, "/*/cbc:ContractFolderID") == text(award, "/*/cbc:ContractFolderID") == [
        str(tender.procedure_uuid)]


@pytest.mark.parametrize("code_type, code, nuts", [
    ("Code postal", "37100", "FRB04"), ("Code postal", "20090", "FRM01"), ("Code postal", "20200", "FRM02"),
    ("Code postal", "97400", "FRY40"), ("Code postal", "98000", ""), ("Code postal", "3710", ""),
    ("Code commune", "2A004", "FRM01"), ("Code commune", "37261", "FRB04"), ("Code département", "5", "FRL02"),
    ("Code département", "2b", "FRM02"), ("Code région", "24", ""), ("Code pays", "FR", ""),
])
def test_a_french_place_gives_its_departement_nuts_code(code_type, code, nuts):
    assert nuts_of_place(code_type=code_type, code=code) == nuts


def test_the_tenders_received_are_counted_by_size_origin_and_channel():
    def bid(country, sme, channel):
        return SimpleNamespace(vendor=SimpleNamespace(country=country, is_sme=sme), channel=channel)

    bids = [bid("FR", True, "electronic"), bid("DE", False, "paper"), bid("US", False, "electronic"),
            bid("", True, "electronic")]
    assert received_tenders(bids) == {"tenders": 4, "t-sme": 2, "t-large": 2, "t-oth-eea": 1, "t-no-eea": 1,
                                      "t-esubm": 3}


@pytest.mark.freeze_time("2026-11-25 10:00:00")
def test_a_missing_phone_or_contract_signature_refuses_the_notice_in_french(demo):
    tender = Tender.objects.get(reference="BNM-2024-01")
    type(tender.programme.authority).objects.filter(pk=tender.programme.authority_id).update(phone="")
    with pytest.raises(NoticeRefused, match=r"« BT-503-Organization-Company » \(acheteur public : téléphone\)"):
        eforms_notice(tender=tender_for_notice(reference="BNM-2024-01"), notice="cn")
    Contract.objects.filter(reference="BNM-2024-01-L1").update(signed_on=None)
    with pytest.raises(NoticeRefused, match=r"« BT-145-Contract » \(lot 1 : date de signature du marché\)"):
        eforms_notice(tender=tender_for_notice(reference="BNM-2024-01"), notice="can")


@pytest.mark.freeze_time("2026-11-25 10:00:00")
def test_the_award_notice_of_the_portal_tender_is_valid_and_names_each_lot_winner(demo):
    document = notice("BNM-2024-01", "can")
    assert notice_errors(document, "can") == []
    assert text(document, "//efac:NoticeSubType/cbc:SubTypeCode") == ["29"]
    tender = tender_for_notice(reference="BNM-2024-01")
    lots = list(tender.lots.all())
    assert text(document, "//efac:LotResult/cbc:TenderResultCode") == ["selec-w"] * len(lots)
    assert text(document, "//efac:LotResult/efac:ReceivedSubmissionsStatistics[efbc:StatisticsCode='tenders']"
                          "/efbc:StatisticsNumeric") == [str(len(lot.bids.all())) for lot in lots]
    assert text(document, "//efac:SettledContract/efac:ContractReference/cbc:ID") == [
        "BNM-2024-01-L1", "BNM-2024-01-L2"]
    assert not document.xpath("/*/cac:TenderingTerms", namespaces=NS)  # no exclusion grounds after the award
    assert text(document, "//efac:NoticeResult/efac:LotTender/cac:LegalMonetaryTotal/cbc:PayableAmount") == [
        f"{lot.winner.final_amount_ht:.2f}" for lot in lots]
    winners = text(document, "//efac:Organization[position() > 2]/efac:Company/cac:PartyName/cbc:Name")
    assert winners == list(dict.fromkeys(lot.winner.vendor.name for lot in lots))


@pytest.mark.freeze_time("2026-11-25 10:00:00")
def test_a_missing_lot_description_refuses_the_notice_naming_it(demo):
    tender = Tender.objects.get(reference="BNM-2024-01")
    tender.lots.filter(number=1).update(description="")
    with pytest.raises(NoticeRefused, match=r"« BT-24-Lot » \(lot 1 : description du besoin\)"):
        eforms_notice(tender=tender_for_notice(reference="BNM-2024-01"), notice="cn")


@pytest.mark.freeze_time("2026-11-25 10:00:00")
def test_the_command_writes_a_valid_award_notice(demo, capsys, tmp_path):
    target = tmp_path / "can.xml"
    status, out, err = run_cli(capsys, "--tender", "BNM-2024-01", "--notice", "can", "--output", str(target))
    assert (status, err) == (0, "")
    assert "sous-type 29" in out
    assert notice_errors(target.read_bytes(), "can") == []


@pytest.mark.freeze_time("2026-11-25 10:00:00")
def test_the_command_refuses_in_one_french_line_with_exit_2_when_a_field_is_missing(demo, capsys, tmp_path):
    authority = Tender.objects.get(reference="BNM-2024-01").programme.authority
    type(authority).objects.filter(pk=authority.pk).update(review_body_name="")
    target = tmp_path / "cn.xml"
    status, _out, err = run_cli(capsys, "--tender", "BNM-2024-01", "--notice", "cn", "--output", str(target))
    assert status == 2
    assert err.strip().count("\n") == 0
    assert "« OPT-301-Lot-ReviewOrg » (acheteur public : instance chargée des recours)" in err
    assert not target.exists()


@pytest.mark.freeze_time("2026-11-25 10:00:00")
def test_the_command_refuses_a_notice_the_tender_state_does_not_allow(demo, capsys, tmp_path):
    # Bypasses the transitions on purpose: only the state the notice reads matters here.
    Tender.objects.filter(reference="BNM-2024-01").update(state="opened")
    status, _out, err = run_cli(capsys, "--tender", "BNM-2024-01", "--notice", "can", "--output",
                               str(tmp_path / "x.xml"))
    assert status == 2
    assert "tous les lots sont décidés" in err


def test_the_command_refuses_an_unknown_tender_and_a_bad_notice(db, capsys, tmp_path):
    status, _out, err = run_cli(capsys, "--tender", "NOPE-1", "--notice", "cn", "--output", str(tmp_path / "x.xml"))
    assert (status, "n'existe pas" in err) == (2, True)
    status, _out, err = run_cli(capsys, "--tender", "NOPE-1", "--notice", "pin", "--output", str(tmp_path / "x.xml"))
    assert status == 2 and "Traceback" not in err and err.strip()


def demo_user(username: str):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username)


@pytest.mark.freeze_time("2026-11-25 10:00:00")
def test_the_tender_page_offers_both_notices_of_the_awarded_portal_tender(demo, client_for):
    client = client_for(demo_user("claire.morel"))
    page = client.get(reverse("tenders:detail", args=["BNM-2024-01"])).content.decode()
    assert "Avis européens (eForms)" in page
    for kind in ("cn", "can"):
        assert reverse("tenders:eforms-notice", args=["BNM-2024-01", kind]) in page
    response = client.get(reverse("tenders:eforms-notice", args=["BNM-2024-01", "can"]))
    assert response["Content-Disposition"] == 'attachment; filename="BNM-2024-01-eforms-can.xml"'
    assert notice_errors(response.content, "can") == []


@pytest.mark.freeze_time("2026-11-25 10:00:00")
def test_a_refused_notice_comes_back_on_the_tender_page_naming_the_missing_field(demo, client_for):
    tender = Tender.objects.get(reference="BNM-2024-01")
    tender.lots.filter(number=1).update(description="")
    client = client_for(demo_user("claire.morel"))
    response = client.get(reverse("tenders:eforms-notice", args=["BNM-2024-01", "cn"]), follow=True)
    assert "« BT-24-Lot » (lot 1 : description du besoin)" in response.content.decode()


@pytest.mark.freeze_time("2026-11-25 10:00:00")
def test_an_evaluator_cannot_download_a_notice(demo, client_for):
    client = client_for(demo_user("sophie.lambert"))
    assert client.get(reverse("tenders:eforms-notice", args=["BNM-2024-01", "cn"])).status_code == 403


@pytest.mark.freeze_time("2026-11-25 10:00:00")
def test_the_api_gives_the_notice_as_xml_and_a_refusal_as_409(demo, api_for):
    api = api_for(demo_user("claire.morel"))
    response = api.get("/api/tenders/BNM-2024-01/eforms/?notice=cn")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    assert notice_errors(response.content, "cn") == []
    Tender.objects.filter(reference="BNM-2024-01").update(state="opened")
    refused = api.get("/api/tenders/BNM-2024-01/eforms/?notice=can")
    assert refused.status_code == 409
    assert "tous les lots sont décidés" in refused.json()["detail"]
    assert api.get("/api/tenders/BNM-2024-01/eforms/?notice=pin").status_code == 400
