import json
from datetime import date
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest

from procurement.contracts.imports.einvoice_writer import InvoiceSpec, cii_xml, facturx_pdf, ubl_xml
from procurement.contracts.imports.einvoices import read_einvoice, split_order_reference
from procurement.contracts.management.commands.import_invoices import Command
from procurement.contracts.models import Invoice, InvoiceFile
from procurement.contracts.services.invoice_imports import invoice_import
from tests.contracts.factories import ContractFactory

EXAMPLES = Path(__file__).parent / "einvoices"
PEPPOL_EXAMPLE = EXAMPLES / "peppol-bis3-base-example.xml"
EN16931_CII_EXAMPLE = EXAMPLES / "en16931-cii-business-example-01.xml"
EN16931_UBL_EXAMPLE = EXAMPLES / "en16931-ubl-tc434-example9.xml"
TODAY = date(2026, 6, 15)


def spec(contract, **overrides) -> InvoiceSpec:
    values = {"number": "F-2026-001", "issued_on": date(2026, 6, 1), "seller_name": contract.holder.name,
              "seller_siret": contract.holder.siret, "buyer_name": "Métropole",
              "lines": [(Decimal("20"), Decimal("1000.00")), (Decimal("5.5"), Decimal("200.00"))],
              "contract_reference": contract.reference}
    return InvoiceSpec(**{**values, **overrides})


def test_the_official_peppol_example_is_read_with_its_amounts_per_vat_rate():
    reading = read_einvoice(PEPPOL_EXAMPLE.read_bytes())
    assert reading.problems == []
    invoice = reading.invoice
    assert (invoice.syntax, invoice.number, invoice.issued_on) == ("ubl", "Snippet1", date(2017, 11, 13))
    assert invoice.lines == [(Decimal("25.0"), Decimal("1325"))]
    assert invoice.total_vat == Decimal("331.25")


@pytest.mark.parametrize("example, expected", [
    # Three lines at 19 %, one negative (12122.59 - 606.13 + 177.41): the header breakdown sums them; the
    # German seller's register number (57151520) is not a SIRET.
    (EN16931_CII_EXAMPLE, ("cii", "2016166", date(2015, 1, 9), "EUR", "XXX AG", (), "",
                           [(Decimal("19.00"), Decimal("11693.87"))], Decimal("11693.87"), Decimal("2221.84"))),
    # Nor is the Dutch seller's (« 32081330 Amersfoort »).
    (EN16931_UBL_EXAMPLE, ("ubl", "20150483", date(2015, 4, 1), "EUR", "Bluem BV", (), "iExpress 20110412",
                           [(Decimal("21"), Decimal("147.00"))], Decimal("147.00"), Decimal("30.87")))])
def test_the_official_en16931_examples_are_read_with_their_amounts_per_vat_rate(example, expected):
    reading = read_einvoice(example.read_bytes())
    assert reading.problems == []
    invoice = reading.invoice
    assert (invoice.syntax, invoice.number, invoice.issued_on, invoice.currency, invoice.seller_name,
            invoice.seller_sirets, invoice.contract_reference, invoice.lines, invoice.total_ht,
            invoice.total_vat) == expected
    assert invoice.amount_ht == expected[-2]


def test_a_cii_naming_no_factur_x_profile_is_still_checked_against_the_en16931_schema():
    data = EN16931_CII_EXAMPLE.read_bytes().replace(b"<ram:ID>2016166</ram:ID>", b"")
    reading = read_einvoice(data)
    assert reading.invoice is None
    assert reading.problems[0].startswith("Le fichier CII n'est pas conforme à son schéma officiel (XSD)")


def test_a_file_that_breaks_the_official_schema_is_refused_with_the_schema_error():
    data = PEPPOL_EXAMPLE.read_bytes().replace(b"<cbc:IssueDate>2017-11-13</cbc:IssueDate>", b"")
    reading = read_einvoice(data)
    assert reading.invoice is None
    assert reading.problems[0].startswith("Le fichier UBL 2.1 n'est pas conforme à son schéma officiel (XSD)")


@pytest.mark.parametrize("write, syntax", [(cii_xml, "cii"), (ubl_xml, "ubl"), (facturx_pdf, "factur-x")])
def test_files_built_with_the_libraries_are_read_in_each_format(write, syntax):
    invoice = InvoiceSpec(number="F-1", issued_on=date(2026, 6, 1), seller_name="Lectura", buyer_name="BNM",
                          seller_siret="85783086300034", order_reference="BNM-2024-02-L1/BC6",
                          lines=[(Decimal("20"), Decimal("1000.00"))])
    reading = read_einvoice(write(invoice))
    assert reading.problems == []
    assert (reading.invoice.syntax, reading.invoice.seller_siret) == (syntax, "85783086300034")
    assert reading.invoice.order_reference == "BNM-2024-02-L1/BC6"


def test_an_inconsistent_vat_total_is_named():
    invoice = InvoiceSpec(number="F-1", issued_on=date(2026, 6, 1), seller_name="Lectura", buyer_name="BNM",
                          seller_siret="85783086300034", lines=[(Decimal("20"), Decimal("1000.00"))],
                          declared_vat=Decimal("210.00"))
    assert read_einvoice(ubl_xml(invoice)).problems == [
        "Total de TVA incohérent : 210.00 € déclarés, 200.00 € selon la ventilation par taux."]


def test_a_pdf_without_factur_x_is_refused():
    assert read_einvoice(b"%PDF-1.4\n%%EOF").problems == ["Ce PDF ne contient pas de facture Factur-X (XML CII joint)."]


def test_an_order_reference_names_the_contract_and_the_order():
    assert split_order_reference("BNM-2024-02-L1/BC6") == ("BNM-2024-02-L1", 6)
    assert split_order_reference("BNM-2024-02-L1 BC n° 12") == ("BNM-2024-02-L1", 12)
    assert split_order_reference("BNM-2024-01-L1") == ("BNM-2024-01-L1", None)


@pytest.mark.django_db
def test_a_factur_x_invoice_is_recorded_with_its_file_and_the_deadline_from_the_deposit(buyer):
    contract = ContractFactory(notified=True)
    data = facturx_pdf(spec(contract))
    outcome = invoice_import(name="F-2026-001.pdf", data=data, by=buyer, received_on=date(2026, 6, 3), today=TODAY)
    assert outcome.as_dict() == {"file": "F-2026-001.pdf", "status": "recorded", "invoice": "F-2026-001",
                                 "contract": contract.reference, "amount_ht": "1200.00", "problems": []}
    invoice = Invoice.objects.get(contract=contract, number="F-2026-001")
    assert (invoice.total_ht, invoice.total_ttc, invoice.received_on) == (
        Decimal("1200.00"), Decimal("1411.00"), date(2026, 6, 3))
    assert invoice.payment_deadline == date(2026, 7, 3)
    assert invoice.by == buyer
    assert invoice.source_file.syntax == "factur-x"
    assert invoice.source_file.file.read() == data


@pytest.mark.django_db
def test_a_file_already_imported_is_refused(buyer):
    contract = ContractFactory(notified=True)
    data = cii_xml(spec(contract))
    invoice_import(name="a.xml", data=data, by=buyer, today=TODAY)
    outcome = invoice_import(name="b.xml", data=data, by=buyer, today=TODAY)
    assert outcome.status == "refused"
    assert f"Fichier déjà importé : facture F-2026-001 du marché {contract.reference}." in outcome.problems
    assert InvoiceFile.objects.count() == 1


@pytest.mark.django_db
def test_every_problem_is_named_and_nothing_is_written(buyer):
    ContractFactory(notified=True)
    data = PEPPOL_EXAMPLE.read_bytes()
    outcome = invoice_import(name="base-example.xml", data=data, by=buyer, today=TODAY)
    assert outcome.status == "refused"
    assert outcome.problems == [
        "Le SIRET du fournisseur est absent de la facture.",
        "La facture ne porte ni numéro d'engagement (bon de commande) ni référence de marché."]
    assert not Invoice.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("example, outcome", [
    (EN16931_CII_EXAMPLE, {"invoice": "2016166", "amount_ht": "11693.87", "problems": [
        "Le SIRET du fournisseur est absent de la facture.",
        "La facture ne porte ni numéro d'engagement (bon de commande) ni référence de marché."]}),
    (EN16931_UBL_EXAMPLE, {"invoice": "20150483", "amount_ht": "147.00", "problems": [
        "Le SIRET du fournisseur est absent de la facture.",
        "Aucun marché ni bon de commande ne correspond à la référence « iExpress 20110412 »."]})])
def test_the_official_en16931_examples_from_foreign_suppliers_are_refused_and_nothing_is_written(
        buyer, example, outcome):
    ContractFactory(notified=True)
    result = invoice_import(name=example.name, data=example.read_bytes(), by=buyer, today=TODAY)
    assert result.as_dict() == {"file": example.name, "status": "refused", "contract": "", **outcome}
    assert not Invoice.objects.exists()
    assert not InvoiceFile.objects.exists()


@pytest.mark.django_db
def test_an_unknown_siret_and_reference_are_refused(buyer):
    contract = ContractFactory(notified=True)
    data = ubl_xml(spec(contract, seller_siret="73282932000074", contract_reference="MAR-1999-999"))
    outcome = invoice_import(name="f.xml", data=data, by=buyer, today=TODAY)
    assert outcome.problems == [
        "SIRET inconnu : 732 829 320 00074 n'est celui d'aucun fournisseur enregistré.",
        "Aucun marché ni bon de commande ne correspond à la référence « MAR-1999-999 »."]


@pytest.mark.django_db
def test_amounts_beyond_the_order_are_refused(buyer):
    from procurement.contracts.services.orders import order_create

    contract = ContractFactory(notified=True, framework=True)
    order = order_create(contract=contract, ordered_on=date(2026, 4, 1), amount_ht=Decimal("1000.00"),
                         description="Licences", by=buyer)
    data = cii_xml(spec(contract, contract_reference="", order_reference=f"{contract.reference}/BC{order.number}"))
    outcome = invoice_import(name="f.xml", data=data, by=buyer, today=TODAY)
    assert outcome.problems == [
        f"Montant au-delà du bon de commande n° {order.number} : 1200.00 € HT facturés en plus de 0.00 € déjà "
        "facturés, pour 1000.00 € HT commandés."]


@pytest.mark.django_db
def test_the_command_prints_each_file_and_exits_1_when_one_is_refused(buyer, tmp_path):
    contract = ContractFactory(notified=True)
    good, bad = tmp_path / "good.pdf", tmp_path / "bad.xml"
    good.write_bytes(facturx_pdf(spec(contract)))
    bad.write_bytes(PEPPOL_EXAMPLE.read_bytes())
    out = StringIO()
    with pytest.raises(SystemExit) as exit_status:
        Command(stdout=out).run_from_argv(["manage.py", "import_invoices", str(good), str(bad), "--user", "acheteur",
                                           "--received-on", "2026-06-03", "--format", "json"])
    assert exit_status.value.code == 1
    files = json.loads(out.getvalue())
    assert isinstance(files, list)
    assert all(set(f) == {"file", "status", "invoice", "contract", "amount_ht", "problems"} for f in files)
    assert [(f["file"], f["status"]) for f in files] == [("good.pdf", "recorded"), ("bad.xml", "refused")]


@pytest.mark.django_db
def test_the_command_refuses_a_missing_file_in_one_french_line(buyer, capsys):
    with pytest.raises(SystemExit) as exit_status:
        Command().run_from_argv(["manage.py", "import_invoices", "/nonexistent.xml", "--user", "acheteur"])
    assert exit_status.value.code == 2


def _upload(name: str, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


@pytest.mark.django_db
def test_the_page_shows_one_row_per_file_and_writes_nothing_for_the_refused_one(buyer, client_for, settings,
                                                                                tmp_path):
    from django.urls import reverse

    settings.MEDIA_ROOT = tmp_path
    contract = ContractFactory(notified=True)
    client = client_for(buyer)
    assert reverse("contracts:invoice-import") in client.get(reverse("contracts:invoices")).content.decode()
    page = client.get(reverse("contracts:invoice-import")).content.decode()
    assert '<button type="submit" class="button">Importer</button>' in page
    answer = client.post(reverse("contracts:invoice-import"), {
        "files": [_upload("bonne.pdf", facturx_pdf(spec(contract))), _upload("base-example.xml",
                                                                           PEPPOL_EXAMPLE.read_bytes())],
        "received_on": "2026-06-03"})
    assert answer.status_code == 200
    page = answer.content.decode()
    invoice = Invoice.objects.get()
    assert invoice.received_on == date(2026, 6, 3)
    assert f'href="{reverse("contracts:invoice-detail", args=[invoice.pk])}"' in page
    assert "Enregistrée" in page and "Refusée" in page
    assert "1\u00a0200,00\u00a0€" in page
    assert "Le SIRET du fournisseur est absent de la facture." in page
    assert InvoiceFile.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("name, data", [("vide.xml", b""), ("hasard.xml", bytes(range(256)) * 40),
                                        ("hasard.pdf", b"%PDF-" + bytes(range(256)) * 40),
                                        ("profond.xml", b"<a>" * 300_000), ("facture.exe", b"MZ")])
def test_hostile_files_are_refused_rows_not_errors(buyer, client_for, name, data):
    from django.urls import reverse

    answer = client_for(buyer).post(reverse("contracts:invoice-import"), {"files": [_upload(name, data)]})
    assert answer.status_code == 200
    assert "Refusée" in answer.content.decode()
    assert not Invoice.objects.exists()


@pytest.mark.django_db
def test_a_file_over_the_size_limit_is_refused(buyer, client_for, settings):
    from django.urls import reverse

    settings.MAX_UPLOAD_BYTES = 1000
    answer = client_for(buyer).post(reverse("contracts:invoice-import"),
                                    {"files": [_upload("grosse.xml", b"<a>" + b" " * 2000 + b"</a>")]})
    assert "au-delà du maximum" in answer.content.decode()


@pytest.mark.django_db
def test_a_user_who_may_not_record_invoices_gets_403_and_no_link(client_for, evaluator):
    from django.urls import reverse

    from tests.factories import UserFactory

    assert client_for(evaluator).get(reverse("contracts:invoice-import")).status_code == 403
    roleless = UserFactory(username="sans-role")
    assert client_for(roleless).post(reverse("contracts:invoice-import"), {}).status_code == 403


@pytest.mark.django_db
def test_the_api_imports_several_files_and_answers_each_outcome(buyer, api_for, evaluator):
    contract = ContractFactory(notified=True)
    files = [_upload("bonne.xml", ubl_xml(spec(contract))), _upload("vide.xml", b"")]
    answer = api_for(buyer).post("/api/invoices/import/", {"files": files, "received_on": "2026-06-03"},
                                 format="multipart")
    assert answer.status_code == 200, answer.content
    outcomes = answer.json()["files"]
    assert [(o["file"], o["status"]) for o in outcomes] == [("bonne.xml", "recorded"), ("vide.xml", "refused")]
    assert outcomes[0]["amount_ht"] == "1200.00"
    assert outcomes[1]["problems"] == ["« Factures » : le fichier « vide.xml » est vide."]
    assert Invoice.objects.get().received_on == date(2026, 6, 3)
    assert api_for(evaluator).post("/api/invoices/import/", {"files": files}, format="multipart").status_code == 403
    assert api_for(buyer).post("/api/invoices/import/", {}, format="multipart").status_code == 400
