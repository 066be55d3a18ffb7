"""Checks on uploaded files, written once: the type by the content (not only the name), the size.

Every refusal is a French sentence naming the field and the file; nothing is stored before.
A zip-based file (.docx, .xlsx, .odt, .zip) is also measured as it would be once decompressed
(total size and compression ratio: a zip bomb is refused before any reader opens it); the XML
inside an Office file is parsed with defusedxml, which refuses DTDs and entities (billion laughs,
external entities); an Office file that carries macros is refused.
"""

from __future__ import annotations

import hashlib
import zipfile
from dataclasses import dataclass

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError
from defusedxml.ElementTree import iterparse as safe_iterparse
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
# An XML document starts with its declaration or its root element, after an optional UTF-8 BOM.
XML = FileKind("XML", (b"<", b"\xef\xbb\xbf<"))

OFFICE = (DOCX, XLSX, ODT)
# Macro-enabled Office parts: the VBA project, and the content types of .xlsm, .docm and their kin.
MACRO_MARKERS = (b"vbaproject", b"macroenabled", b"vbadata")
MACRO_SUFFIXES = (".xlsm", ".xltm", ".xlam", ".docm", ".dotm", ".pptm", ".potm", ".ppsm")

BY_SUFFIX = {".pdf": PDF, ".png": PNG, ".jpg": JPEG, ".jpeg": JPEG, ".docx": DOCX, ".xlsx": XLSX,
             ".odt": ODT, ".zip": ZIP, ".xml": XML}
DOCUMENTS = (".pdf", ".png", ".jpg", ".jpeg")
BID_FILES = (".pdf", ".docx", ".xlsx", ".odt", ".zip")
ELECTRONIC_INVOICES = (".pdf", ".xml")  # Factur-X PDF, UBL 2.1 or CII XML


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
    if b"PK\x03\x04" in kind.magic:
        _check_archive(file, kind=kind, context=context)
    return kind


def _check_archive(file, *, kind: FileKind, context: dict) -> None:
    """A zip-based file, measured before anything decompresses it, then (Office) its XML and macros."""
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            members = archive.infolist()
            expanded = sum(member.file_size for member in members)
            if expanded > settings.MAX_UNCOMPRESSED_BYTES:
                raise ValidationError(
                    _("« %(field)s » : une fois décompressé, le fichier « %(name)s » pèserait %(size)s, au-delà du "
                      "maximum de %(max)s.")
                    % {**context, "size": filesizeformat(expanded),
                       "max": filesizeformat(settings.MAX_UNCOMPRESSED_BYTES)}, code="file_expanded")
            ratio = expanded / max(file.size, 1)
            if ratio > settings.MAX_COMPRESSION_RATIO:
                raise ValidationError(
                    _("« %(field)s » : le fichier « %(name)s » est compressé %(ratio)s fois, au-delà de %(max)s fois : "
                      "il ressemble à une bombe de décompression.")
                    % {**context, "ratio": int(ratio), "max": settings.MAX_COMPRESSION_RATIO}, code="file_ratio")
            if _has_macros(archive, members, office=kind in OFFICE):
                raise ValidationError(
                    _("« %(field)s » : le fichier « %(name)s » contient des macros ; enregistrez-le sans macros "
                      "(%(kind)s) avant de le déposer.") % {**context, "kind": kind.label}, code="file_macros")
            if kind in OFFICE:
                for member in members:
                    if member.filename.lower().endswith((".xml", ".rels")):
                        _parse_safely(archive, member, context=context)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, NotImplementedError):
        raise ValidationError(
            _("« %(field)s » : le contenu du fichier « %(name)s » n'est pas celui d'un fichier %(kind)s.")
            % {**context, "kind": kind.label}, code="file_content") from None
    finally:
        file.seek(0)


def _has_macros(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo], *, office: bool) -> bool:
    names = [member.filename.lower() for member in members]
    if any(name.endswith(MACRO_SUFFIXES) or name.rsplit("/", 1)[-1] == "vbaproject.bin" for name in names):
        return True
    if office and "[content_types].xml" in names:
        types = archive.read(members[names.index("[content_types].xml")]).lower()
        return any(marker in types for marker in MACRO_MARKERS)
    return False


def _parse_safely(archive: zipfile.ZipFile, member: zipfile.ZipInfo, *, context: dict) -> None:
    """Parses one XML part without building it (each element is dropped once read); a DTD, an
    entity or malformed XML is refused, naming the part."""
    try:
        with archive.open(member) as stream:
            for _event, element in safe_iterparse(stream, forbid_dtd=True):
                element.clear()
    except DefusedXmlException:
        raise ValidationError(
            _("« %(field)s » : le fichier « %(name)s » contient une déclaration XML interdite (DTD ou entité) dans "
              "« %(part)s » ; il est refusé.") % {**context, "part": member.filename[:100]}, code="file_xml") from None
    except ParseError:
        raise ValidationError(
            _("« %(field)s » : le fichier « %(name)s » contient un XML illisible dans « %(part)s ».")
            % {**context, "part": member.filename[:100]}, code="file_xml") from None


def sha256_of(file) -> str:
    digest = hashlib.sha256()
    file.seek(0)
    for chunk in iter(lambda: file.read(1024 * 1024), b""):
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()
