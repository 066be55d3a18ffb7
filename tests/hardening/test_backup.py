"""backup / restore: a round trip of the demo, completed so that every model of the project holds
a row, finds every row (field by field, encrypted secrets included) and every file identical; a
damaged archive or a non-empty database is refused before anything changes; the archive is
readable by its owner only."""

import hashlib
import json
import os
import stat
import zipfile
from datetime import date
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection
from knox.crypto import hash_token
from rest_framework.test import APIClient

from procurement.api.services import api_token_create
from procurement.contracts.enums import ReminderKind, RenewalDecisionKind
from procurement.contracts.models import Contract, InvoiceLine, RenewalDecision, SentReminder
from procurement.core.backup import backed_up_models, database_is_empty, flush_database, model_digests, storage_files
from procurement.core.models import ExternalIdentity, ReferenceValue
from procurement.core.secrets import TOKEN_PREFIX, EncryptedTextField
from procurement.core.services import agenda_token_create
from procurement.documents.models import TemplateVersion
from procurement.resources.enums import ResourceDecision
from procurement.resources.models import Library, Platform, Resource, ResourceRenewalDecision, SushiCredential
from procurement.resources.services import sushi_credential_set
from procurement.tenders.enums import CaoOpinionKind
from procurement.tenders.models import (
    Bid,
    BidFile,
    BidFileDownload,
    BidPriceLine,
    CaoMeeting,
    CaoOpinion,
    CommitteeScore,
    EvaluationSettings,
    PriceItem,
    RoundClosure,
    Tender,
)
from procurement.vendors.models import ComplianceDocument, Vendor
from tests.demo_snapshot import restore
from tests.factories import UserFactory
from tests.resources.factories import LibraryFactory, PlatformFactory
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


def project_models() -> list:
    """Every concrete model of the project's own apps, history models included."""
    return [model for model in apps.get_models() if model._meta.app_config.name.startswith("procurement.")
            and model._meta.managed and not model._meta.proxy]


def complete_every_model() -> None:
    """Rows for the models the demo leaves empty, so that each model of the project holds one."""
    user = UserFactory(username="agent.complet", buyer=True)
    reference = ReferenceValue.objects.order_by("pk").first()
    reference.note = "Relu avant la sauvegarde"
    reference.save()  # a history row
    template = TemplateVersion.objects.order_by("pk").first()
    template.note = "Relue avant la sauvegarde"
    template.save()
    line = InvoiceLine.objects.order_by("pk").first()
    line.save()
    bid = Bid.objects.filter(amount_ht__isnull=False, lot__criteria__isnull=False).order_by("pk").first()
    lot = bid.lot
    EvaluationSettings.objects.create(tender=Tender.objects.exclude(evaluation_settings__isnull=False).first(),
                                      dispersion_threshold_percent=Decimal("17.50"))
    RoundClosure.objects.create(lot=lot.tender.lots.exclude(round_closure__isnull=False).first(), closed_by=user,
                                reason="Un évaluateur indisponible jusqu'à la fin du tour")
    CommitteeScore.objects.create(bid=bid, criterion=lot.criteria.order_by("pk").first(), value=Decimal("12.75"),
                                  justification="Catalogue plus large que noté", by=user)
    item = PriceItem.objects.create(lot=lot, number="1.1", label="Prêt numérique", unit="jeton",
                                    quantity=Decimal("1500.00"))
    BidPriceLine.objects.create(bid=bid, item=item, unit_price_ht=Decimal("1.37"))
    CaoOpinion.objects.create(meeting=CaoMeeting.objects.order_by("pk").first(), lot=lot,
                              subject="Avenant n° 1 : extension au réseau des médiathèques",
                              amount_change_ht=Decimal("7840.00"), opinion=CaoOpinionKind.FAVOURABLE)
    contract = Contract.objects.order_by("pk").first()
    contract.co_holders.add(Vendor.objects.exclude(pk=contract.holder_id).order_by("pk").first())
    decision = RenewalDecision.objects.create(
        contract=contract, renewal_number=1, decision=RenewalDecisionKind.REFUSE, decided_on=date(2026, 9, 1),
        deadline=date(2026, 9, 30), reason="Usage trop faible", by=user)
    ResourceRenewalDecision.objects.create(
        resource=Resource.objects.order_by("pk").first(), contract=contract, renewal_number=1,
        decision=ResourceDecision.REFUSE, reason="Usage trop faible", year=2025, cost_ttc=Decimal("4200.00"),
        uses=350, metric="Unique_Title_Requests", cost_per_use=Decimal("12.00"), contract_decision=decision,
        decided_on=date(2026, 9, 1), by=user)
    SentReminder.objects.create(kind=ReminderKind.RENEWAL_DECISION, object_key=f"contract:{contract.pk}",
                                deadline=date(2026, 9, 30), recipients="acheteur@metropole.example",
                                subject="Décision de reconduction à prendre")
    sushi_credential_set(by=user, platform=Platform.objects.order_by("pk").first(), library=Library.objects.order_by(
        "pk").first(), customer_id="BNM-0042", requestor_id="requerant-bnm", api_key="cle-sushi-secrete")
    BidFileDownload.objects.create(bid_file=BidFile.objects.order_by("pk").first(), user=user)
    agenda_token_create(by=user)
    ExternalIdentity.objects.create(user=user, issuer="https://sso.metropole.example/realms/agents", subject="f3a9-42")
    api_token_create(by=user)  # knox's table, not a project model, compared all the same


def _comparable(model, field, value):
    if isinstance(value, memoryview):
        return bytes(value)
    # Content types and permissions are rebuilt by migrate with new ids: compare them by natural key.
    if field.is_relation and value is not None and field.related_model._meta.label_lower in {
            "contenttypes.contenttype", "auth.permission"}:
        return field.related_model._base_manager.get(pk=value).natural_key()
    return value


def stored_secrets(model) -> dict:
    """What the database holds in the encrypted columns, read past the field (the tokens themselves)."""
    columns = [field.column for field in model._meta.concrete_fields if isinstance(field, EncryptedTextField)]
    if not columns:
        return {}
    with connection.cursor() as cursor:
        quote = connection.ops.quote_name
        cursor.execute(f"SELECT {quote(model._meta.pk.column)}, {', '.join(map(quote, columns))} "
                       f"FROM {quote(model._meta.db_table)}")
        return {row[0]: row[1:] for row in cursor.fetchall()}


def every_row() -> dict[str, dict]:
    """Each saved model's rows field by field (secrets as the app reads them, clear), their stored
    tokens, and the many-to-many links (as pairs: the link table's own ids are not kept)."""
    result = {}
    for model in backed_up_models():
        fields = model._meta.concrete_fields
        rows = {}
        for values in model._base_manager.order_by("pk").values_list(*[field.attname for field in fields]):
            row = {field.attname: _comparable(model, field, value) for field, value in zip(fields, values, strict=True)}
            rows[row[model._meta.pk.attname]] = row
        result[model._meta.label_lower] = rows
        if stored_secrets(model):
            result[f"{model._meta.label_lower} (chiffré)"] = stored_secrets(model)
        for m2m in model._meta.local_many_to_many:
            through = m2m.remote_field.through
            if through._meta.auto_created:
                source, target = m2m.m2m_field_name(), m2m.m2m_reverse_field_name()
                result[f"{model._meta.label_lower}.{m2m.name}"] = sorted(
                    (_comparable(through, through._meta.get_field(source), a),
                     _comparable(through, through._meta.get_field(target), b))
                    for a, b in through._base_manager.values_list(f"{source}_id", f"{target}_id"))
    return result


def differences(before: dict, after: dict) -> list[str]:
    found = []
    for label in sorted(set(before) | set(after)):
        old, new = before.get(label), after.get(label)
        if isinstance(old, dict) and isinstance(new, dict):
            for pk in sorted(set(old) | set(new), key=str):
                if old.get(pk) != new.get(pk):
                    fields = sorted(name for name in set(old.get(pk) or {}) | set(new.get(pk) or {})
                                    if (old.get(pk) or {}).get(name) != (new.get(pk) or {}).get(name))
                    found.append(f"{label} #{pk}: {fields or 'ligne absente'}")
        elif old != new:
            found.append(label)
    return found


def test_every_model_round_trips_field_by_field_secrets_included(demo_snapshot, tmp_path, media):
    restore(demo_snapshot)  # the demo, its files into the test's ``media``
    complete_every_model()
    empty = [model._meta.label for model in project_models() if not model._base_manager.exists()]
    assert empty == [], f"modèles sans ligne dans le test de sauvegarde : {empty}"
    before, digests, files_before = every_row(), model_digests(), files_of(media)
    assert len(files_before) >= 10 and digests["tenders.bid"]["count"] == 15
    assert before["resources.sushicredential"][SushiCredential.objects.get().pk]["api_key"] == "cle-sushi-secrete"
    tokens = before["resources.sushicredential (chiffré)"]
    assert all(value.startswith(TOKEN_PREFIX) for row in tokens.values() for value in row)
    archive = tmp_path / "sauvegarde.zip"

    out = StringIO()
    call_command("backup", "--output", str(archive), "--format", "json", stdout=out)
    summary = json.loads(out.getvalue())
    assert summary["rows"] == sum(model["count"] for model in digests.values())
    assert summary["files"] == len(files_before)
    manifest = json.loads(zipfile.ZipFile(archive).read("manifest.json"))
    assert manifest["models"] == digests
    assert b"cle-sushi-secrete" not in zipfile.ZipFile(archive).read("data.json")

    # An empty database: flushed, files gone.
    flush_database()
    for name in storage_files():
        (media / name).unlink()
    assert database_is_empty() and not files_of(media)

    out = StringIO()
    call_command("restore", str(archive), stdout=out)
    assert "restaurée" in out.getvalue() and "identiques à la sauvegarde" in out.getvalue()
    assert differences(before, every_row()) == []
    assert model_digests() == digests
    assert files_of(media) == files_before
    assert Bid.objects.filter(lot__tender__reference="BNM-2026-01", amount_ht=None).count() == 2
    assert BidFile.objects.filter(bid__lot__tender__reference="BNM-2026-01").count() == 2
    assert SushiCredential.objects.get().api_key == "cle-sushi-secrete"


def test_api_tokens_are_saved_as_digests_and_still_open_the_api_after_restore(tmp_path):
    _token, key = api_token_create(by=UserFactory(username="api-script", buyer=True))
    archive = tmp_path / "jetons.zip"
    call_command("backup", "--output", str(archive), stdout=StringIO())
    data = zipfile.ZipFile(archive).read("data.json").decode()
    assert key not in data and hash_token(key) in data

    code, _out, err = run("restore", str(archive), "--force")
    assert (code, err) == (0, ""), err
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/tenders/").status_code == 200


def test_an_archive_from_before_knox_restores_without_drfs_clear_api_keys(small_backup, tmp_path):
    """Written while DRF's authtoken was installed: its rows (clear keys), their digest, its
    migrations and the permissions of its models are left aside; the rest restores."""
    clear_key = "0123456789abcdef0123456789abcdef01234567"

    def as_before_knox(name, content):
        if name == "data.json":
            rows = json.loads(content)
            next(row for row in rows if row["model"] == "auth.group")["fields"]["permissions"].append(
                ["add_token", "authtoken", "token"])
            rows.append({"model": "authtoken.token", "pk": clear_key,
                         "fields": {"user": ["agent.sauvegarde"], "created": "2026-01-05T10:00:00Z"}})
            return json.dumps(rows).encode()
        return content

    old = rewrite(small_backup, tmp_path / "avant.zip", change=as_before_knox)
    with zipfile.ZipFile(old) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    manifest = json.loads(members["manifest.json"])
    data = members["data.json"]
    manifest["members"]["data.json"] = {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    manifest["models"]["authtoken.token"] = {"count": 1, "sha256": "0" * 64}
    manifest["migrations"]["authtoken"] = "0004_alter_tokenproxy_options"
    members["manifest.json"] = json.dumps(manifest).encode()
    with zipfile.ZipFile(old, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)

    code, out, err = run("restore", str(old), "--force")
    assert (code, err) == (0, ""), err
    assert list(Vendor.objects.values_list("name", flat=True)) == ["Lumière Éditions SAS"]
    with connection.cursor() as cursor:
        assert "authtoken_token" not in connection.introspection.table_names(cursor)
    assert "restaurée" in out


def test_a_sushi_credential_restores_and_keeps_its_stored_token(tmp_path, buyer):
    credential = sushi_credential_set(platform=PlatformFactory(name="Apprendre"), library=LibraryFactory(code="VAL"),
                                      customer_id="VALBRUNE", requestor_id="req-1", api_key="s3cret-key", by=buyer)
    token = stored_secrets(SushiCredential)[credential.pk]
    archive = tmp_path / "acces.zip"
    call_command("backup", "--output", str(archive), stdout=StringIO())

    code, _out, err = run("restore", str(archive), "--force")
    assert (code, err) == (0, ""), err
    assert stored_secrets(SushiCredential)[credential.pk] == token
    restored = SushiCredential.objects.get()
    assert (restored.requestor_id, restored.api_key) == ("req-1", "s3cret-key")


@pytest.fixture
def small_backup(tmp_path):
    UserFactory(username="agent.sauvegarde", buyer=True)
    document = ComplianceDocumentFactory(vendor__name="Lumière Éditions SAS")
    document.file.save("attestation.pdf", ContentFile(PDF_BYTES))
    ContactFactory(vendor=document.vendor, last_name="Perrin")
    archive = tmp_path / "petite.zip"
    call_command("backup", "--output", str(archive), stdout=StringIO())
    return archive


@pytest.fixture
def umask_022():
    previous = os.umask(0o022)  # the usual umask, under which a plain open() gives 0644
    yield
    os.umask(previous)


def test_the_archive_is_created_readable_by_its_owner_only(tmp_path, umask_022, monkeypatch):
    document = ComplianceDocumentFactory()
    document.file.save("attestation.pdf", ContentFile(PDF_BYTES))
    modes_while_writing = []
    storage_open = default_storage.open

    def open_and_look(name, mode="rb"):  # called while the archive is being written
        modes_while_writing.extend(stat.S_IMODE(path.stat().st_mode) for path in tmp_path.glob("*.partiel"))
        return storage_open(name, mode)

    monkeypatch.setattr(default_storage, "open", open_and_look)
    archive = tmp_path / "sauvegarde.zip"
    call_command("backup", "--output", str(archive), stdout=StringIO())
    assert modes_while_writing == [0o600]
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600


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
