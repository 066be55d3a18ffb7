"""The documents pages: the variables of each kind, the upload (administrators), the downloads."""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document

from procurement.documents.enums import TemplateKind
from procurement.documents.models import TemplateVersion

pytestmark = pytest.mark.django_db
VARIABLES = reverse("documents:variables")
UPLOAD = reverse("documents:upload")


def docx_bytes(text: str) -> bytes:
    document = Document()
    document.add_paragraph(text)
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_the_variables_page_lists_each_variable_with_its_meaning_and_an_example(client_for, buyer):
    response = client_for(buyer).get(VARIABLES)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Lettre de rejet" in page
    assert "<code>standstill.signable_from</code>" in page
    assert "Premier jour où le marché peut être signé" in page
    assert "mardi 29 décembre 2026" in page
    assert "<code>lots[].criteria[].points</code>" in page
    assert "{%p for lot in lots %}" in page
    assert UPLOAD not in page  # buyers read, administrators upload


def test_the_menu_leads_buyers_to_the_templates(client_for, buyer):
    assert VARIABLES in client_for(buyer).get(reverse("home")).content.decode()


@pytest.mark.parametrize("role", ["finance_user", "evaluator"])
def test_other_profiles_do_not_see_the_templates(request, client_for, role):
    assert client_for(request.getfixturevalue(role)).get(VARIABLES).status_code == 403


def test_buyers_cannot_upload_nor_put_a_version_back_in_force(client_for, buyer, staff_user):
    # Version 2 in force, so that putting version 1 back would change something.
    upload = SimpleUploadedFile("a.docx", docx_bytes("{{ tender.object }}"))
    client_for(staff_user).post(UPLOAD, {"kind": "rc", "file": upload})
    client = client_for(buyer)
    assert client.get(UPLOAD).status_code == 403
    file = SimpleUploadedFile("rc-v3.docx", docx_bytes("Règlement {{ tender.reference }}"))
    assert client.post(UPLOAD, {"kind": "rc", "file": file, "note": "Par un acheteur"}).status_code == 403
    assert client.post(reverse("documents:activate", args=["rc", 1])).status_code == 403
    assert sorted(TemplateVersion.objects.filter(kind="rc").values_list("version", "active")) == [
        (1, False), (2, True)]


def test_an_administrator_uploads_a_new_version(client_for, staff_user):
    client = client_for(staff_user)
    file = SimpleUploadedFile("rc-v2.docx", docx_bytes("Règlement {{ tender.reference }}"))
    response = client.post(UPLOAD, {"kind": "rc", "file": file, "note": "Version courte"}, follow=True)
    assert response.redirect_chain[-1][0] == f"{VARIABLES}#rc"
    assert "est maintenant en vigueur" in response.content.decode()
    assert TemplateVersion.objects.get(kind="rc", active=True).version == 2


def test_a_refused_upload_shows_the_variable_and_keeps_the_version_in_force(client_for, staff_user):
    file = SimpleUploadedFile("rc-v2.docx", docx_bytes("Date : {{ date_limite }}"))
    response = client_for(staff_user).post(UPLOAD, {"kind": "rc", "file": file})
    assert response.status_code == 200
    assert "« date_limite »" in response.content.decode()
    assert TemplateVersion.objects.get(kind="rc", active=True).version == 1


def test_an_administrator_puts_an_earlier_version_back_in_force(client_for, staff_user):
    client = client_for(staff_user)
    client.post(UPLOAD, {"kind": "cctp", "file": SimpleUploadedFile("c.docx", docx_bytes("{{ tender.object }}"))})
    assert TemplateVersion.objects.get(kind="cctp", active=True).version == 2
    response = client.post(reverse("documents:activate", args=["cctp", 1]))
    assert response.status_code == 302
    assert TemplateVersion.objects.get(kind="cctp", active=True).version == 1
    assert TemplateVersion.objects.filter(kind="cctp").count() == 2


def test_a_template_version_is_downloaded_by_a_buyer(client_for, buyer):
    response = client_for(buyer).get(reverse("documents:download", args=["ae", 1]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="modele_ae_v1.docx"'
    assert response.content == TemplateVersion.objects.get(kind="ae", version=1).data


def test_the_admin_adds_a_version_through_the_same_checks(client_for, staff_user):
    client = client_for(staff_user)
    url = reverse("admin:documents_templateversion_add")
    bad = SimpleUploadedFile("x.docx", docx_bytes("{{ inconnue }}"))
    response = client.post(url, {"kind": TemplateKind.ABANDON_LETTER, "upload": bad, "note": ""})
    assert response.status_code == 200
    assert "« inconnue »" in response.content.decode()
    good = SimpleUploadedFile("x.docx", docx_bytes("{{ decision.reason }}"))
    response = client.post(url, {"kind": TemplateKind.ABANDON_LETTER, "upload": good, "note": "essai"})
    assert response.status_code == 302
    version = TemplateVersion.objects.get(kind=TemplateKind.ABANDON_LETTER, active=True)
    assert (version.version, version.uploaded_by, version.note) == (2, staff_user, "essai")
