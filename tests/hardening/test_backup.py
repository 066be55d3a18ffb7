"""backup / restore: a round trip of the demo finds every row and every file identical; a damaged
archive or a non-empty database is refused before anything changes."""

import json
import zipfile
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command

from procurement.core.backup import database_is_empty, flush_database, model_digests, storage_files
from procurement.tenders.models import Bid, BidFile
from procurement.vendors.models import ComplianceDocument, Vendor
from tests.clock import load_demo
from tests.factories import UserFactory
from tests.vendors.factories import PDF_BYTES, ComplianceDocumentFactory, ContactFactory, VendorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    yield settings.MEDIA_ROOT
    ContentType.objects.clear_cache()  # restore rebuilds the content types inside the test's transaction


def run(*args) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
    except CommandError as error:  # what the command line prints on stderr, with exit status 2
        return error.returncode, out.getvalue(), f"Erreur : {error}"
    return 0, out.getvalue(), err.getvalue()


def files_of(root: Path) -> dict[str, bytes]:
    return {str(path.relative_to(root)): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()}


def test_the_demo_round_trips_identical_rows_and_files(tmp_path, media):
    load_demo()
    before = model_digests()
    files_before = files_of(media)
    assert len(files_before) >= 10 and before["tenders.bid"]["count"] == 15
    archive = tmp_path / "sauvegarde.zip"

    out = StringIO()
    call_command("backup", "--output", str(archive), "--format", "json", stdout=out)
    summary = json.loads(out.getvalue())
    assert summary["rows"] == sum(model["count"] for model in before.values())
    assert summary["files"] == len(files_before)
    manifest = json.loads(zipfile.ZipFile(archive).read("manifest.json"))
    assert manifest["models"] == before

    # An empty database: flushed, files gone.
    flush_database()
    for name in storage_files():
        (media / name).unlink()
    assert database_is_empty() and not files_of(media)

    out = StringIO()
    call_command("restore", str(archive), stdout=out)
    assert "restaurée" in out.getvalue() and "identiques à la sauvegarde" in out.getvalue()
    assert model_digests() == before
    assert files_of(media) == files_before
    assert Bid.objects.filter(lot__tender__reference="BNM-2026-01", amount_ht=None).count() == 2
    assert BidFile.objects.filter(bid__lot__tender__reference="BNM-2026-01").count() == 2


@pytest.fixture
def small_backup(tmp_path):
    UserFactory(username="agent.sauvegarde", buyer=True)
    document = ComplianceDocumentFactory(vendor__name="Lumière Éditions SAS")
    document.file.save("attestation.pdf", ContentFile(PDF_BYTES))
    ContactFactory(vendor=document.vendor, last_name="Perrin")
    archive = tmp_path / "petite.zip"
    call_command("backup", "--output", str(archive), stdout=StringIO())
    return archive


def test_restore_refuses_a_database_that_holds_data(small_backup):
    VendorFactory(name="Arrivé après la sauvegarde SARL")
    digests = model_digests()
    code, _out, err = run("restore", str(small_backup))
    assert code == 2
    assert err.strip() == ("Erreur : La base contient déjà des données : la restauration les remplacerait. "
                           "Relancez avec --force pour les effacer et restaurer la sauvegarde.")
    assert model_digests() == digests


def test_restore_with_force_replaces_the_data(small_backup):
    VendorFactory(name="Arrivé après la sauvegarde SARL")
    code, _out, _err = run("restore", str(small_backup), "--force")
    assert code == 0
    assert list(Vendor.objects.values_list("name", flat=True)) == ["Lumière Éditions SAS"]
    assert ComplianceDocument.objects.get().file.read() == PDF_BYTES


def rewrite(archive: Path, target: Path, *, change=None, drop: str = "", add: tuple[str, bytes] | None = None):
    with zipfile.ZipFile(archive) as source, zipfile.ZipFile(target, "w") as copy:
        for name in source.namelist():
            if name == drop:
                continue
            content = source.read(name)
            copy.writestr(name, change(name, content) if change else content)
        if add:
            copy.writestr(*add)
    return target


def tampered_file(name, content):
    return content.replace(b"%PDF", b"%PDX") if name.startswith("files/") else content


def tampered_manifest(name, content):
    return content.replace(b"procurement-backup/1", b"autre/9") if name == "manifest.json" else content


@pytest.mark.parametrize(("damage", "message"), [
    ({"change": tampered_file}, "la somme de contrôle de files/"),
    ({"drop": "data.json"}, "data.json manque dans l'archive"),
    ({"drop": "manifest.json"}, "ne contient pas de manifest.json"),
    ({"change": tampered_manifest}, "format de sauvegarde inconnu"),
    ({"add": ("files/../../etc/passwd", b"x")}, "non mentionné(s) au manifeste"),
])
def test_a_damaged_archive_is_refused_and_nothing_changes(small_backup, tmp_path, damage, message):
    damaged = rewrite(small_backup, tmp_path / "abimee.zip", **damage)
    VendorFactory(name="Arrivé après la sauvegarde SARL")
    digests = model_digests()
    code, _out, err = run("restore", str(damaged), "--force")
    assert code == 2 and message in err, err
    assert model_digests() == digests


def test_not_an_archive_and_a_missing_file_are_refused(tmp_path):
    text = tmp_path / "notes.zip"
    text.write_text("pas une archive")
    assert run("restore", str(text))[2].strip() == "Erreur : « notes.zip » n'est pas une archive .zip lisible."
    missing = tmp_path / "absente.zip"
    assert run("restore", str(missing))[2].strip() == f"Erreur : « {missing} » : ce fichier n'existe pas."


def test_backup_refuses_a_wrong_output(tmp_path, media):
    media.mkdir()
    code, _out, err = run("backup", "--output", str(media / "sauvegarde.zip"))
    assert code == 2 and "ne peut pas être écrite dans le répertoire des fichiers déposés" in err
    code, _out, err = run("backup", "--output", str(tmp_path / "sauvegarde.tar"))
    assert code == 2 and "doit avoir l'extension .zip" in err
    code, _out, err = run("backup", "--output", str(tmp_path / "absent" / "sauvegarde.zip"))
    assert code == 2 and "ce répertoire n'existe pas" in err
