"""Checks on uploaded files, written once: the type by the content (not only the name), the size.

Every refusal is a French sentence naming the field and the file; nothing is stored before.
"""

from __future__ import annotations

import hashlib
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class FileKind:
    label: str
    magic: tuple[bytes, ...]
    zip_member: str = ""  # Office files are zips holding this member


PDF = FileKind("PDF", (b"%PDF-",))
PNG = FileKind("PNG", (b"\x89PNG\r\n\x1a\n",))
JPEG = FileKind("JPEG", (b"\xff\xd8\xff",))
DOCX = FileKind("DOCX", (b"PK\x03\x04",), "word/document.xml")
XLSX = FileKind("XLSX", (b"PK\x03\x04",), "xl/workbook.xml")
ODT = FileKind("ODT", (b"PK\x03\x04",), "content.xml")
ZIP = FileKind("ZIP", (b"PK\x03\x04", b"PK\x05\x06"))

BY_SUFFIX = {".pdf": PDF, ".png": PNG, ".jpg": JPEG, ".jpeg": JPEG, ".docx": DOCX, ".xlsx": XLSX,
             ".odt": ODT, ".zip": ZIP}
DOCUMENTS = (".pdf", ".png", ".jpg", ".jpeg")
BID_FILES = (".pdf", ".docx", ".xlsx", ".odt", ".zip")


def suffix_of(name: str) -> str:
    base = name.rsplit("/", 1)[-1]
    return base[base.rfind("."):].lower() if "." in base else ""


def _head(file, size: int = 8) -> bytes:
    file.seek(0)
    head = file.read(size)
    file.seek(0)
    return head


def _holds_member(file, member: str) -> bool:
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            return member in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    finally:
        file.seek(0)


def validate_upload(file, *, label: str, allowed: tuple[str, ...] = DOCUMENTS) -> FileKind:
    """Returns the file's kind, or raises a ValidationError naming the field and the file."""
    name = file.name.rsplit("/", 1)[-1]
    context = {"field": label, "name": name}
    suffix = suffix_of(name)
    if suffix not in allowed:
        accepted = ", ".join(dict.fromkeys(BY_SUFFIX[suffix].label for suffix in allowed))
        raise ValidationError(
            _("« %(field)s » : le fichier « %(name)s » n'est pas accepté ; formats acceptés : %(accepted)s.")
            % {**context, "accepted": accepted}, code="file_type",
        )
    kind = BY_SUFFIX[suffix]
    if not file.size:
        raise ValidationError(_("« %(field)s » : le fichier « %(name)s » est vide.") % context, code="empty")
    if file.size > settings.MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("« %(field)s » : le fichier « %(name)s » pèse %(size)s, au-delà du maximum de %(max)s.")
            % {**context, "size": filesizeformat(file.size), "max": filesizeformat(settings.MAX_UPLOAD_BYTES)},
            code="file_size",
        )
    genuine = _head(file).startswith(kind.magic) and (not kind.zip_member or _holds_member(file, kind.zip_member))
    if not genuine:
        raise ValidationError(
            _("« %(field)s » : le contenu du fichier « %(name)s » n'est pas celui d'un fichier %(kind)s.")
            % {**context, "kind": kind.label}, code="file_content",
        )
    return kind


def sha256_of(file) -> str:
    digest = hashlib.sha256()
    file.seek(0)
    for chunk in iter(lambda: file.read(1024 * 1024), b""):
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()
