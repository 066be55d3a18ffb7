from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from procurement.vendors import services
from procurement.vendors.enums import ComplianceKind
from procurement.vendors.models import ComplianceDocument
from tests.factories import UserFactory
from tests.vendors.factories import (
    PDF_BYTES,
    PNG_BYTES,
    ComplianceDocumentFactory,
    VendorFactory,
)

pytestmark = pytest.mark.django_db


def upload(client, vendor, file):
    return client.post(reverse("vendors:document-create", args=[vendor.pk]), {
        "kind": "kbis", "issued_on": "2026-03-01", "expires_on": "2026-06-01", "reference": "RCS Tours",
        "file": file,
    })


@pytest.fixture
def buyer_client(client):
    client.force_login(UserFactory(buyer=True))
    return client


def test_a_real_pdf_is_accepted(buyer_client, vendors_private_media):
    vendor = VendorFactory()
    response = upload(buyer_client, vendor, SimpleUploadedFile("kbis.pdf", PDF_BYTES, "application/pdf"))
    assert response.status_code == 302
    document = vendor.documents.get()
    assert (vendors_private_media / document.file.name).read_bytes() == PDF_BYTES


def test_a_fake_pdf_is_refused_on_its_field(buyer_client, vendors_private_media):
    vendor = VendorFactory()
    fake = SimpleUploadedFile("kbis.pdf", b"<html>pas un PDF</html>", "application/pdf")
    response = upload(buyer_client, vendor, fake)
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [
        "« Fichier » : le contenu du fichier « kbis.pdf » n'est pas celui d'un fichier PDF."
    ]
    assert 'id="id_file_error"' in response.content.decode()
    assert not ComplianceDocument.objects.exists()
    assert not any(vendors_private_media.rglob("*.pdf")) if vendors_private_media.exists() else True


def test_a_png_renamed_pdf_is_refused(buyer_client):
    response = upload(buyer_client, VendorFactory(), SimpleUploadedFile("kbis.pdf", PNG_BYTES))
    assert "n'est pas celui d'un fichier PDF" in response.context["form"].errors["file"][0]


def test_another_type_is_refused(buyer_client):
    response = upload(buyer_client, VendorFactory(), SimpleUploadedFile("kbis.docx", b"PK\x03\x04..."))
    [message] = response.context["form"].errors["file"]
    assert message.startswith(
        "« Fichier » : le fichier « kbis.docx » n'est pas accepté ; formats acceptés : PDF, PNG"
    )


def test_an_oversized_file_is_refused(buyer_client, settings):
    settings.MAX_UPLOAD_BYTES = 1024
    big = SimpleUploadedFile("kbis.pdf", b"%PDF-1.4\n" + b"0" * 2048, "application/pdf")
    response = upload(buyer_client, VendorFactory(), big)
    assert response.context["form"].errors["file"] == [
        "« Fichier » : le fichier « kbis.pdf » pèse 2,0\u00a0Kio, au-delà du maximum de 1,0\u00a0Kio."
    ]
    assert not ComplianceDocument.objects.exists()


def test_replacing_a_file_keeps_the_document(buyer_client, vendors_private_media):
    vendor = VendorFactory()
    upload(buyer_client, vendor, SimpleUploadedFile("kbis.pdf", PDF_BYTES))
    document = vendor.documents.get()
    response = buyer_client.post(reverse("vendors:document-update", args=[document.pk]), {
        "kind": "kbis", "issued_on": "2026-03-01", "expires_on": "2026-06-01", "reference": "RCS Tours bis",
    })
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.reference == "RCS Tours bis" and document.file  # no new file: the stored one stays


@pytest.fixture
def stored_document(db, buyer):
    vendor = VendorFactory(siret="73282932000074", vat_number="")
    return services.document_create(by=buyer,
        vendor=vendor, kind=ComplianceKind.URSSAF_VIGILANCE, issued_on=date(2026, 5, 31),
        file=SimpleUploadedFile("attestation.pdf", PDF_BYTES),
    )


@pytest.mark.parametrize("traits", [{"buyer": True}, {"finance": True}, {"admin": True}])
def test_buyers_and_finance_download_the_file_as_an_attachment(client, stored_document, traits):
    client.force_login(UserFactory(**traits))
    response = client.get(reverse("vendors:document-download", args=[stored_document.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="urssaf_vigilance-732829320-2026-05-31.pdf"'
    )
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize(("traits", "status"), [({"evaluator": True}, 403), ({}, 403)])
def test_other_users_cannot_download(client, stored_document, traits, status):
    client.force_login(UserFactory(**traits))
    assert client.get(reverse("vendors:document-download", args=[stored_document.pk])).status_code == status


def test_anonymous_users_are_sent_to_the_login_page(client, stored_document):
    response = client.get(reverse("vendors:document-download", args=[stored_document.pk]))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_a_document_without_file_has_nothing_to_download(client):
    document = ComplianceDocumentFactory()
    client.force_login(UserFactory(buyer=True))
    assert client.get(reverse("vendors:document-download", args=[document.pk])).status_code == 404


def test_uploaded_files_have_no_public_url(client, stored_document, settings):
    assert not settings.MEDIA_URL or settings.MEDIA_URL == "/"
    client.force_login(UserFactory(buyer=True))
    assert client.get("/" + stored_document.file.name).status_code == 404
