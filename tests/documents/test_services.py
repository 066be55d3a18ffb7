"""Template versions: the shipped ones from the data migration, checked uploads, the version in force."""

from io import BytesIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document

from procurement.documents.enums import TemplateKind
from procurement.documents.models import TemplateVersion
from procurement.documents.selectors import active_template
from procurement.documents.services import template_activate, template_upload
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
SHIPPED = Path(settings.BASE_DIR) / "templates" / "docx"


def docx_upload(*paragraphs: str, name: str = "lettre-de-rejet.docx") -> SimpleUploadedFile:
    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = BytesIO()
    document.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


@pytest.fixture
def admin_user():
    return UserFactory(username="helene", admin=True)


def test_a_fresh_database_has_version_1_of_every_template_in_force():
    versions = TemplateVersion.objects.filter(active=True)
    assert sorted(versions.values_list("kind", flat=True)) == sorted(TemplateKind.values)
    assert set(versions.values_list("version", flat=True)) == {1}
    rc = TemplateVersion.objects.get(kind="rc")
    assert rc.data == (SHIPPED / "rc.docx").read_bytes()


def test_an_upload_becomes_the_next_version_in_force(admin_user):
    upload = docx_upload("{{ authority.name }} — {{ bidder.name }} : votre offre est classée {{ result.rank }}e.")
    version = template_upload(kind=TemplateKind.REJECTION_LETTER, file=upload, by=admin_user, note="Plus court")
    assert (version.version, version.active, version.uploaded_by) == (2, True, admin_user)
    assert version.variables == ["authority", "bidder", "result"]
    assert active_template(TemplateKind.REJECTION_LETTER) == version
    assert not TemplateVersion.objects.get(kind=TemplateKind.REJECTION_LETTER, version=1).active


def test_an_upload_with_an_unknown_variable_is_refused_naming_it_and_the_old_version_stays(admin_user):
    upload = docx_upload("Offre de {{ bidder.name }}, montant {{ montant_offre }}.")
    with pytest.raises(ValidationError) as refused:
        template_upload(kind=TemplateKind.REJECTION_LETTER, file=upload, by=admin_user)
    message = refused.value.messages[0]
    assert "« montant_offre »" in message
    assert "inconnue pour le type « Lettre de rejet »" in message
    assert "La version en vigueur reste inchangée." in message
    assert TemplateVersion.objects.filter(kind=TemplateKind.REJECTION_LETTER).count() == 1
    assert active_template(TemplateKind.REJECTION_LETTER).version == 1


def test_an_upload_using_an_unknown_attribute_fails_its_trial_render(admin_user):
    upload = docx_upload("Attributaire : {{ winner.raison_sociale }}")
    with pytest.raises(ValidationError, match="« raison_sociale »"):
        template_upload(kind=TemplateKind.AWARD_LETTER, file=upload, by=admin_user)
    assert active_template(TemplateKind.AWARD_LETTER).version == 1


def test_an_upload_that_does_not_parse_is_refused(admin_user):
    upload = docx_upload("{%p for lot in lots %}", "Lot {{ lot.number }}")
    with pytest.raises(ValidationError, match="mal écrite"):
        template_upload(kind=TemplateKind.RC, file=upload, by=admin_user)
    assert TemplateVersion.objects.filter(kind=TemplateKind.RC).count() == 1


def test_an_upload_that_is_not_a_docx_is_refused_by_its_content(admin_user):
    upload = SimpleUploadedFile("rc.docx", b"%PDF-1.4 pas un document Word")
    with pytest.raises(ValidationError, match="n'est pas celui d'un fichier DOCX"):
        template_upload(kind=TemplateKind.RC, file=upload, by=admin_user)


def test_an_upload_with_another_extension_is_refused(admin_user):
    with pytest.raises(ValidationError, match="formats acceptés : DOCX"):
        template_upload(kind=TemplateKind.RC, file=SimpleUploadedFile("rc.odt", b"PK\x03\x04"), by=admin_user)


def test_an_earlier_version_can_be_put_back_in_force(admin_user):
    template_upload(kind=TemplateKind.CCTP, file=docx_upload("{{ tender.object }}"), by=admin_user)
    first = TemplateVersion.objects.get(kind=TemplateKind.CCTP, version=1)
    template_activate(version=first, by=admin_user)
    assert active_template(TemplateKind.CCTP).version == 1
    assert TemplateVersion.objects.filter(kind=TemplateKind.CCTP, active=True).count() == 1


def test_a_kind_without_any_version_registers_its_shipped_template_at_first_use():
    TemplateVersion.objects.filter(kind=TemplateKind.AE).delete()
    version = active_template(TemplateKind.AE)
    assert (version.version, version.active) == (1, True)
    assert version.data == (SHIPPED / "ae.docx").read_bytes()


@pytest.mark.parametrize("traits", [{"buyer": True}, {"finance": True}], ids=["buyer", "finance"])
def test_only_administrators_upload_or_put_back_a_template_version_and_nothing_changes(traits):
    user = UserFactory(**traits)
    earlier = TemplateVersion.objects.get(kind=TemplateKind.RC)
    before = list(TemplateVersion.objects.order_by("pk").values("pk", "active"))
    with pytest.raises(PermissionDenied):
        template_upload(kind=TemplateKind.RC, file=docx_upload("{{ tender.object }}", name="rc.docx"), by=user)
    with pytest.raises(PermissionDenied):
        template_activate(version=earlier, by=user)
    assert list(TemplateVersion.objects.order_by("pk").values("pk", "active")) == before
