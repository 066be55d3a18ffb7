"""Backup and restore of the whole service: the database rows and the uploaded files, in one archive.

The archive is a zip holding:

- ``data.json``: every row, in Django's serialisation format (natural keys for content types,
  permissions and users), so that one format round-trips on SQLite and PostgreSQL alike; unlike
  ``dumpdata`` it keeps the microseconds of dates and times (DjangoJSONEncoder cuts them to
  milliseconds, so a restored database would differ). Content types and permissions are rebuilt by
  ``migrate``; sessions and login attempts are not kept;
- ``files/<name>``: every file of the file storage (local directory or S3 bucket);
- ``manifest.json``: format version, date, Django version and last migration of each app, the row
  count and a content digest per model (of the very rows written to ``data.json``), the size and
  SHA-256 of every member.

The archive is created readable by its owner only (0600): it holds personal data and the hashed
API tokens. Encrypted secrets are written as the tokens the database holds, so that a restored
database holds the same bytes (see ``core.secrets``). Once written, the archive is read back and
checked against its manifest before it takes the place of the output file.

``restore`` checks every checksum before it touches anything, empties the database, loads the rows
in one transaction, verifies that each model's count and digest equal the manifest's (else rolls
back), then writes the files back.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path

import django
from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.serializers.base import DeserializationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.timezone import is_aware

FORMAT = "procurement-backup/1"
_EXCLUDED_LABELS = {"contenttypes.contenttype", "auth.permission", "sessions.session",
                    "axes.accessattempt", "axes.accesslog", "axes.accessfailurelog",
                    "axes.accessattemptexpiration"}


# Apps the project no longer installs. Archives written while they were installed still restore:
# their rows, digests and migrations are left aside (DRF's authtoken kept API keys in clear; knox
# replaced it, and those keys must not come back).
RETIRED_APPS = {"authtoken"}


def _retired(label: str) -> bool:
    return label.split(".", 1)[0] in RETIRED_APPS


def _without_retired(rows: list[dict]) -> list[dict]:
    kept = [row for row in rows if not _retired(row["model"])]
    for row in kept:
        for name in ("permissions", "user_permissions"):  # by natural key: codename, app label, model
            if isinstance(row["fields"].get(name), list):
                row["fields"][name] = [key for key in row["fields"][name]
                                       if not (isinstance(key, list) and len(key) == 3 and key[1] in RETIRED_APPS)]
    return kept


class BackupError(Exception):
    """A French sentence saying what is wrong with the archive or the database."""


@dataclass(frozen=True)
class BackupSummary:
    path: Path
    models: int
    rows: int
    files: int
    size: int


def backed_up_models() -> list:
    return [model for model in apps.get_models()
            if model._meta.label_lower not in _EXCLUDED_LABELS and model._meta.managed and not model._meta.proxy]


class _ExactEncoder(DjangoJSONEncoder):
    """DjangoJSONEncoder without its cut of datetimes and times to the millisecond."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            if is_aware(o) and isinstance(o, datetime.time):
                raise ValueError("JSON can't represent timezone-aware times.")
            text = o.isoformat()
            return text.removesuffix("+00:00") + "Z" if isinstance(o, datetime.datetime) and text.endswith(
                "+00:00") else text
        return super().default(o)


def _rows(model) -> list[dict]:
    queryset = model._default_manager.order_by("pk")
    return serializers.serialize("python", queryset.iterator(), use_natural_foreign_keys=True)


def _dumps(rows) -> str:
    return json.dumps(rows, cls=_ExactEncoder, sort_keys=True, ensure_ascii=False)


def _digest(rows: list[dict]) -> dict:
    return {"count": len(rows), "sha256": _sha256(_dumps(rows).encode())}


def model_digests() -> dict[str, dict]:
    """Row count and SHA-256 of each model's rows (natural keys for content types), by model label."""
    return {model._meta.label_lower: _digest(_rows(model)) for model in backed_up_models()}


def dump_data() -> tuple[bytes, dict[str, dict]]:
    """Every row, models ordered so that natural keys are loaded before the rows that use them, and
    the digests of those same rows (a second reading could differ from what was written)."""
    ordered = serializers.sort_dependencies([(None, backed_up_models())], allow_cycles=True)
    by_model = {model._meta.label_lower: _rows(model) for model in ordered}
    rows = [row for model_rows in by_model.values() for row in model_rows]
    digests = {label: _digest(model_rows) for label, model_rows in sorted(by_model.items())}
    return json.dumps(rows, cls=_ExactEncoder, ensure_ascii=False, indent=0).encode(), digests


def load_data(data: bytes) -> int:
    """Loads what ``dump_data`` wrote, as ``loaddata`` does: constraints checked once at the end,
    primary-key sequences reset. Returns the number of rows."""
    from django.core.management.color import no_style
    from django.test.utils import override_settings

    rows = _without_retired(json.loads(data))
    models, deferred, count = set(), [], 0
    # The history is restored as saved: setting a many-to-many relation must not write new
    # historical rows (simple_history listens to m2m_changed, which has no "raw" flag).
    with override_settings(SIMPLE_HISTORY_ENABLED=False), connection.constraint_checks_disabled():
        for obj in serializers.deserialize("python", rows, handle_forward_references=True):
            obj.save()
            models.add(type(obj.object))
            count += 1
            if obj.deferred_fields:
                deferred.append(obj)
        for obj in deferred:
            obj.save_deferred_fields()
    connection.check_constraints(table_names=[model._meta.db_table for model in models])
    statements = connection.ops.sequence_reset_sql(no_style(), list(models))
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
    return count


def storage_files(storage=default_storage, directory: str = "") -> list[str]:
    """Every file name in the storage, recursively (works for the local and the S3 storages)."""
    try:
        directories, files = storage.listdir(directory)
    except FileNotFoundError:
        return []
    names = [f"{directory}/{name}" if directory else name for name in files]
    for sub in directories:
        names.extend(storage_files(storage, f"{directory}/{sub}" if directory else sub))
    return sorted(names)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _migrations() -> dict[str, str]:
    latest: dict[str, str] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        latest[app] = max(latest.get(app, ""), name)
    return dict(sorted(latest.items()))


def create_backup(*, output: Path) -> BackupSummary:
    """Writes the archive; the rows are read in one transaction so that they are consistent."""
    output = Path(output)
    if output.suffix.lower() != ".zip":
        raise BackupError(f"« {output} » : le fichier de sauvegarde doit avoir l'extension .zip.")
    if not output.parent.is_dir():
        raise BackupError(f"« {output.parent} » : ce répertoire n'existe pas.")
    media_root = Path(settings.MEDIA_ROOT).resolve()
    if output.resolve().is_relative_to(media_root):
        raise BackupError(f"« {output} » : la sauvegarde ne peut pas être écrite dans le répertoire des fichiers "
                          f"déposés ({media_root}), qu'elle sauvegarde et que la restauration remplace.")
    with transaction.atomic():
        data_bytes, digests = dump_data()
    members = {"data.json": {"size": len(data_bytes), "sha256": _sha256(data_bytes)}}
    temporary = output.with_name(output.name + ".partiel")
    files = storage_files()
    temporary.unlink(missing_ok=True)  # left by an interrupted run; O_EXCL below wants it gone
    # Created 0600 from the start: a chmod after writing would leave the secrets readable meanwhile.
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle, zipfile.ZipFile(handle, "w",
                                                                compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", data_bytes)
        for name in files:
            with default_storage.open(name, "rb") as handle:
                content = handle.read()
            archive.writestr(f"files/{name}", content)
            members[f"files/{name}"] = {"size": len(content), "sha256": _sha256(content)}
        manifest = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(),
            "django": django.get_version(),
            "database": connection.vendor,
            "migrations": _migrations(),
            "models": digests,
            "members": members,
        }
        archive.writestr("manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False))
    try:
        with zipfile.ZipFile(temporary) as written:
            verify_archive(written, read_manifest(written, label=temporary.name), label=temporary.name)
    except BackupError:
        temporary.unlink()
        raise
    temporary.replace(output)
    return BackupSummary(path=output, models=len(digests), rows=sum(d["count"] for d in digests.values()),
                         files=len(files), size=output.stat().st_size)


def read_manifest(archive: zipfile.ZipFile, *, label: str) -> dict:
    try:
        manifest = json.loads(archive.read("manifest.json"))
    except KeyError:
        raise BackupError(f"« {label} » ne contient pas de manifest.json : ce n'est pas une sauvegarde.") from None
    except ValueError:
        raise BackupError(f"« {label} » : manifest.json est illisible.") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"« {label} » : format de sauvegarde inconnu (attendu {FORMAT}).")
    return manifest


def verify_archive(archive: zipfile.ZipFile, manifest: dict, *, label: str) -> None:
    """Every member listed, present, of the right size and checksum; nothing unlisted."""
    members = manifest.get("members") or {}
    if "data.json" not in members:
        raise BackupError(f"« {label} » : le manifeste ne mentionne pas data.json.")
    present = set(archive.namelist()) - {"manifest.json"}
    unlisted = sorted(present - set(members))
    if unlisted:
        raise BackupError(f"« {label} » : fichier(s) non mentionné(s) au manifeste : {', '.join(unlisted[:5])}.")
    for name, expected in members.items():
        if name.startswith("/") or ".." in Path(name).parts:
            raise BackupError(f"« {label} » : nom de fichier dangereux dans l'archive : {name}.")
        try:
            content = archive.read(name)
        except KeyError:
            raise BackupError(f"« {label} » : {name} manque dans l'archive.") from None
        except (zipfile.BadZipFile, OSError) as error:
            raise BackupError(f"« {label} » : {name} est illisible ({error}).") from None
        if len(content) != expected.get("size") or _sha256(content) != expected.get("sha256"):
            raise BackupError(f"« {label} » : la somme de contrôle de {name} ne correspond pas ; archive altérée.")


# Apps whose data migrations create rows (reference values, the shipped document templates).
SEEDED_BY_MIGRATIONS = {"core", "documents"}


def database_is_empty() -> bool:
    """True when no user account and no row of a domain app exist (what ``migrate`` creates aside)."""
    from django.contrib.auth import get_user_model

    if get_user_model().objects.exists():
        return False
    return not any(
        model._default_manager.exists() for model in backed_up_models()
        if model.__module__.startswith("procurement.") and model._meta.app_label not in SEEDED_BY_MIGRATIONS
    )


def restore_backup(*, source: Path, force: bool = False) -> BackupSummary:
    source = Path(source)
    label = source.name
    if not source.is_file():
        raise BackupError(f"« {source} » : ce fichier n'existe pas.")
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError):
        raise BackupError(f"« {label} » n'est pas une archive .zip lisible.") from None
    with archive:
        manifest = read_manifest(archive, label=label)
        verify_archive(archive, manifest, label=label)
        missing = {app: name for app, name in manifest.get("migrations", {}).items()
                   if app not in RETIRED_APPS and name > _migrations().get(app, "")}
        if missing:
            raise BackupError("La base n'est pas à jour des migrations de la sauvegarde "
                              f"({', '.join(f'{a}.{n}' for a, n in sorted(missing.items()))}) : lancez migrate.")
        if not force and not database_is_empty():
            raise BackupError("La base contient déjà des données : la restauration les remplacerait. "
                              "Relancez avec --force pour les effacer et restaurer la sauvegarde.")
        with transaction.atomic():
            flush_database()
            try:
                load_data(archive.read("data.json"))
            except (DeserializationError, IntegrityError, ValueError) as error:
                raise BackupError(f"« {label} » : les données n'ont pas pu être chargées ({error}).") from None
            expected = {label: digest for label, digest in manifest.get("models", {}).items() if not _retired(label)}
            differences = _differences(expected, model_digests())
            if differences:
                raise BackupError("Après chargement, les données diffèrent de la sauvegarde "
                                  f"({', '.join(differences[:5])}) : restauration annulée.")
        file_names = [name[len("files/"):] for name in manifest["members"] if name.startswith("files/")]
        for name in storage_files():
            default_storage.delete(name)
        for name in file_names:
            default_storage.save(name, ContentFile(archive.read(f"files/{name}")))
    digests = {label: digest for label, digest in manifest.get("models", {}).items() if not _retired(label)}
    return BackupSummary(path=source, models=len(digests), rows=sum(d["count"] for d in digests.values()),
                         files=len(file_names), size=source.stat().st_size)


def flush_database() -> None:
    """Empties every table (``migrate``'s content types and permissions come back at once). On
    PostgreSQL, foreign-key checks still pending in an enclosing transaction are run first, since
    TRUNCATE refuses a table with pending trigger events."""
    postgres = connection.vendor == "postgresql"
    if postgres:
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    call_command("flush", interactive=False, verbosity=0)
    if postgres:
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _differences(expected: dict, actual: dict) -> list[str]:
    return [label for label in sorted(set(expected) | set(actual))
            if (expected.get(label) or {}).get("sha256") != (actual.get(label) or {}).get("sha256")]
